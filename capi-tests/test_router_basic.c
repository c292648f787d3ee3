/* test_router_basic: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* ROUTER addresses peers by routing id: declared by the peer or generated
 * (5 bytes, a zero byte then a counter); ZMQ_ROUTER_MANDATORY. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[64], gen[64];
    int n, i;
    CHECK(ctx != NULL);

    void *router = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(router, "inproc://router") == 0);
    void *named = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(named, ZMQ_ROUTING_ID, "D1", 2) == 0);
    CHECK(zmq_connect(named, "inproc://router") == 0);
    void *anon = make(ctx, ZMQ_DEALER);
    CHECK(zmq_connect(anon, "inproc://router") == 0);

    /* recv prepends the routing id frame. */
    send_s(named, "hello", ZMQ_SNDMORE);
    send_s(named, "world", 0);
    expect_s(router, "D1", 1);
    expect_s(router, "hello", 1);
    expect_s(router, "world", 0);

    send_s(anon, "hi", 0);
    n = zmq_recv(router, gen, sizeof gen, 0);
    CHECK(n == 5 && gen[0] == 0);
    expect_s(router, "hi", 0);

    /* send takes the first frame as the destination. */
    CHECK(zmq_send(router, gen, 5, ZMQ_SNDMORE) == 5);
    send_s(router, "to-anon", 0);
    send_s(router, "D1", ZMQ_SNDMORE);
    send_s(router, "to-d1", ZMQ_SNDMORE);
    send_s(router, "x", 0);
    expect_s(anon, "to-anon", 0);
    expect_s(named, "to-d1", 1);
    expect_s(named, "x", 0);

    /* Unknown destination: silently dropped... */
    send_s(router, "nobody", ZMQ_SNDMORE);
    send_s(router, "lost", 0);
    CHECK(zmq_recv(named, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);
    CHECK(zmq_recv(anon, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);

    /* ...or EHOSTUNREACH with ZMQ_ROUTER_MANDATORY. */
    CHECK(set_int(router, ZMQ_ROUTER_MANDATORY, 1) == 0);
    CHECK(zmq_send(router, "nobody", 6, ZMQ_SNDMORE) == -1 && zmq_errno() == EHOSTUNREACH);
    send_s(router, "D1", ZMQ_SNDMORE);
    send_s(router, "ok", 0);
    expect_s(named, "ok", 0);

    /* MANDATORY and the only peer at its HWM: EAGAIN (DONTWAIT) and no
     * POLLOUT. */
    void *r2 = make(ctx, ZMQ_ROUTER);
    CHECK(set_int(r2, ZMQ_ROUTER_MANDATORY, 1) == 0);
    CHECK(set_int(r2, ZMQ_SNDHWM, 1) == 0);
    CHECK(zmq_bind(r2, "inproc://router2") == 0);
    void *slow = make(ctx, ZMQ_DEALER);
    CHECK(set_int(slow, ZMQ_RCVHWM, 1) == 0);
    CHECK(zmq_setsockopt(slow, ZMQ_ROUTING_ID, "S", 1) == 0);
    CHECK(zmq_connect(slow, "inproc://router2") == 0);
    send_s(slow, "ready", 0);
    expect_s(r2, "S", 1);
    expect_s(r2, "ready", 0);
    for (i = 0; i < 100; i++) {
        if (zmq_send(r2, "S", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
            break;
        send_s(r2, "fill", 0);
    }
    CHECK(i < 100 && zmq_errno() == EAGAIN);
    int ev = -1;
    size_t sz = sizeof ev;
    CHECK(zmq_getsockopt(r2, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK((ev & ZMQ_POLLOUT) == 0);
    /* Once the peer reads, the router is writable again. */
    for (; i > 0; i--)
        expect_s(slow, "fill", 0);
    zmq_pollitem_t item = {r2, 0, ZMQ_POLLOUT, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);
    send_s(r2, "S", ZMQ_SNDMORE);
    send_s(r2, "last", 0);
    expect_s(slow, "last", 0);

    /* Options: typed ints, write-only. */
    int v = 1;
    sz = sizeof v;
    CHECK(zmq_getsockopt(router, ZMQ_ROUTER_MANDATORY, &v, &sz) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_setsockopt(router, ZMQ_ROUTER_MANDATORY, &v, 1) == -1 && zmq_errno() == EINVAL);
    v = -1;
    CHECK(zmq_setsockopt(router, ZMQ_ROUTER_HANDOVER, &v, sizeof v) == -1 && zmq_errno() == EINVAL);
    v = 1;
    CHECK(zmq_setsockopt(slow, ZMQ_ROUTER_MANDATORY, &v, sizeof v) == -1 && zmq_errno() == EINVAL);

    /* A blocking recv with RCVTIMEO gives up with EAGAIN. */
    CHECK(set_int(router, ZMQ_RCVTIMEO, 50) == 0);
    CHECK(zmq_recv(router, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);

    CHECK(zmq_close(slow) == 0);
    CHECK(zmq_close(r2) == 0);
    CHECK(zmq_close(named) == 0);
    CHECK(zmq_close(anon) == 0);
    CHECK(zmq_close(router) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
