/* test_router_handover: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* Two peers declaring the same routing id: without ZMQ_ROUTER_HANDOVER
 * the newcomer is ignored; with it, the newcomer takes the id over. */
static void run(void *ctx, const char *ep, int handover)
{
    char buf[16];
    void *router = make(ctx, ZMQ_ROUTER);
    CHECK(set_int(router, ZMQ_ROUTER_HANDOVER, handover) == 0);
    CHECK(zmq_bind(router, ep) == 0);

    void *first = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(first, ZMQ_ROUTING_ID, "X", 1) == 0);
    CHECK(zmq_connect(first, ep) == 0);
    send_s(first, "1", 0);
    expect_s(router, "X", 1);
    expect_s(router, "1", 0);

    void *second = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(second, ZMQ_ROUTING_ID, "X", 1) == 0);
    CHECK(zmq_connect(second, ep) == 0);
    send_s(second, "2", 0);

    if (handover) {
        expect_s(router, "X", 1);
        expect_s(router, "2", 0);
        send_s(router, "X", ZMQ_SNDMORE);
        send_s(router, "to-x", 0);
        expect_s(second, "to-x", 0);
        CHECK(set_int(first, ZMQ_RCVTIMEO, 50) == 0);
        CHECK(zmq_recv(first, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
    } else {
        CHECK(set_int(router, ZMQ_RCVTIMEO, 100) == 0);
        CHECK(zmq_recv(router, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
        send_s(router, "X", ZMQ_SNDMORE);
        send_s(router, "to-x", 0);
        expect_s(first, "to-x", 0);
        CHECK(set_int(second, ZMQ_RCVTIMEO, 50) == 0);
        CHECK(zmq_recv(second, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
        /* The first peer keeps its id. */
        send_s(first, "3", 0);
        CHECK(set_int(router, ZMQ_RCVTIMEO, 5000) == 0);
        expect_s(router, "X", 1);
        expect_s(router, "3", 0);
    }
    CHECK(zmq_close(first) == 0);
    CHECK(zmq_close(second) == 0);
    CHECK(zmq_close(router) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx != NULL);
    run(ctx, "inproc://ignore", 0);
    run(ctx, "inproc://handover", 1);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
