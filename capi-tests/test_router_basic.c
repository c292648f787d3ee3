/* test_router_basic: standalone C99 test; the helpers below are repeated in each test file. */
#include <zmq.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fails the test with the line and libzmq's error when a check is false. */
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n",      \
                    __FILE__, __LINE__, #cond, zmq_errno(),                  \
                    zmq_strerror(zmq_errno()));                              \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

static inline void *make(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    int linger = 0, timeo = 5000;
    CHECK(s != NULL);
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) == 0);
    /* Nothing in these tests may block for long: a hang is a failure. */
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeo, sizeof timeo) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeo, sizeof timeo) == 0);
    return s;
}

static inline void set_int(void *s, int opt, int v)
{
    CHECK(zmq_setsockopt(s, opt, &v, sizeof v) == 0);
}

/* Sends a string frame; `more` adds ZMQ_SNDMORE. */
static inline void send_str(void *s, const char *str, int more)
{
    int n = (int) strlen(str);
    CHECK(zmq_send(s, str, strlen(str), more ? ZMQ_SNDMORE : 0) == n);
}

/* Receives a frame and checks its content and whether more follow. */
static inline void expect_str(void *s, const char *str, int more)
{
    char buf[256];
    int rcvmore = 0;
    size_t sz = sizeof rcvmore;
    int n = zmq_recv(s, buf, sizeof buf - 1, 0);
    if (n < 0 || n != (int) strlen(str) || memcmp(buf, str, (size_t) n) != 0) {
        fprintf(stderr, "expected \"%s\", got %d bytes \"%.*s\" (errno %s)\n",
                str, n, n < 0 ? 0 : n, buf, zmq_strerror(zmq_errno()));
        exit(1);
    }
    CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &rcvmore, &sz) == 0);
    CHECK(rcvmore == more);
}

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
    send_str(named, "hello", 1);
    send_str(named, "world", 0);
    expect_str(router, "D1", 1);
    expect_str(router, "hello", 1);
    expect_str(router, "world", 0);

    send_str(anon, "hi", 0);
    n = zmq_recv(router, gen, sizeof gen, 0);
    CHECK(n == 5 && gen[0] == 0);
    expect_str(router, "hi", 0);

    /* send takes the first frame as the destination. */
    CHECK(zmq_send(router, gen, 5, ZMQ_SNDMORE) == 5);
    send_str(router, "to-anon", 0);
    send_str(router, "D1", 1);
    send_str(router, "to-d1", 1);
    send_str(router, "x", 0);
    expect_str(anon, "to-anon", 0);
    expect_str(named, "to-d1", 1);
    expect_str(named, "x", 0);

    /* Unknown destination: silently dropped... */
    send_str(router, "nobody", 1);
    send_str(router, "lost", 0);
    CHECK(zmq_recv(named, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);
    CHECK(zmq_recv(anon, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);

    /* ...or EHOSTUNREACH with ZMQ_ROUTER_MANDATORY. */
    set_int(router, ZMQ_ROUTER_MANDATORY, 1);
    CHECK(zmq_send(router, "nobody", 6, ZMQ_SNDMORE) == -1 && zmq_errno() == EHOSTUNREACH);
    send_str(router, "D1", 1);
    send_str(router, "ok", 0);
    expect_str(named, "ok", 0);

    /* MANDATORY and the only peer at its HWM: EAGAIN (DONTWAIT) and no
     * POLLOUT. */
    void *r2 = make(ctx, ZMQ_ROUTER);
    set_int(r2, ZMQ_ROUTER_MANDATORY, 1);
    set_int(r2, ZMQ_SNDHWM, 1);
    CHECK(zmq_bind(r2, "inproc://router2") == 0);
    void *slow = make(ctx, ZMQ_DEALER);
    set_int(slow, ZMQ_RCVHWM, 1);
    CHECK(zmq_setsockopt(slow, ZMQ_ROUTING_ID, "S", 1) == 0);
    CHECK(zmq_connect(slow, "inproc://router2") == 0);
    send_str(slow, "ready", 0);
    expect_str(r2, "S", 1);
    expect_str(r2, "ready", 0);
    for (i = 0; i < 100; i++) {
        if (zmq_send(r2, "S", 1, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
            break;
        send_str(r2, "fill", 0);
    }
    CHECK(i < 100 && zmq_errno() == EAGAIN);
    int ev = -1;
    size_t sz = sizeof ev;
    CHECK(zmq_getsockopt(r2, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK((ev & ZMQ_POLLOUT) == 0);
    /* Once the peer reads, the router is writable again. */
    for (; i > 0; i--)
        expect_str(slow, "fill", 0);
    zmq_pollitem_t item = {r2, 0, ZMQ_POLLOUT, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);
    send_str(r2, "S", 1);
    send_str(r2, "last", 0);
    expect_str(slow, "last", 0);

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
    set_int(router, ZMQ_RCVTIMEO, 50);
    CHECK(zmq_recv(router, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);

    CHECK(zmq_close(slow) == 0);
    CHECK(zmq_close(r2) == 0);
    CHECK(zmq_close(named) == 0);
    CHECK(zmq_close(anon) == 0);
    CHECK(zmq_close(router) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
