/* test_router_probe: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* ZMQ_PROBE_ROUTER: a new connection starts with an empty message, for
 * ROUTER, DEALER and REQ; the ROUTER peer thereby learns the routing id. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    CHECK(ctx != NULL);

    void *server = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(server, "inproc://probe") == 0);

    /* DEALER: the probe arrives before anything is sent. */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "D", 1) == 0);
    CHECK(set_int(dealer, ZMQ_PROBE_ROUTER, 1) == 0);
    CHECK(zmq_connect(dealer, "inproc://probe") == 0);
    expect_s(server, "D", 1);
    expect_s(server, "", 0);
    send_s(server, "D", ZMQ_SNDMORE);
    send_s(server, "welcome", 0);
    expect_s(dealer, "welcome", 0);

    /* ROUTER connecting to ROUTER. */
    void *client = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_setsockopt(client, ZMQ_ROUTING_ID, "C", 1) == 0);
    CHECK(set_int(client, ZMQ_PROBE_ROUTER, 1) == 0);
    CHECK(zmq_connect(client, "inproc://probe") == 0);
    expect_s(server, "C", 1);
    expect_s(server, "", 0);

    /* REQ: the probe goes out without breaking the state machine. */
    void *req = make(ctx, ZMQ_REQ);
    CHECK(zmq_setsockopt(req, ZMQ_ROUTING_ID, "R", 1) == 0);
    CHECK(set_int(req, ZMQ_PROBE_ROUTER, 1) == 0);
    CHECK(zmq_connect(req, "inproc://probe") == 0);
    expect_s(server, "R", 1);
    expect_s(server, "", 0);
    send_s(req, "ask", 0);
    expect_s(server, "R", 1);
    expect_s(server, "", 1);
    expect_s(server, "ask", 0);
    send_s(server, "R", ZMQ_SNDMORE);
    send_s(server, "", ZMQ_SNDMORE);
    send_s(server, "answer", 0);
    expect_s(req, "answer", 0);

    /* PUSH has no such option; nor do reads of it succeed. */
    void *push = make(ctx, ZMQ_PUSH);
    int v = 1;
    size_t sz = sizeof v;
    CHECK(zmq_setsockopt(push, ZMQ_PROBE_ROUTER, &v, sizeof v) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_getsockopt(dealer, ZMQ_PROBE_ROUTER, &v, &sz) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_recv(server, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);

    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(req) == 0);
    CHECK(zmq_close(client) == 0);
    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
