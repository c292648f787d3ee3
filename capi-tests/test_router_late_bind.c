/* test_router_late_bind: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* Connect before bind over inproc: the routing id is known only once the
 * binding side exists; messages queued before are delivered. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx != NULL);

    /* A DEALER connects and sends before the ROUTER binds. */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "early", 5) == 0);
    CHECK(zmq_connect(dealer, "inproc://late-router") == 0);
    send_s(dealer, "queued", 0);
    void *router = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(router, "inproc://late-router") == 0);
    expect_s(router, "early", 1);
    expect_s(router, "queued", 0);
    send_s(router, "early", ZMQ_SNDMORE);
    send_s(router, "reply", 0);
    expect_s(dealer, "reply", 0);

    /* A ROUTER connects before its DEALER peer binds: it can address the
     * peer once the peer has bound and is known. */
    void *client = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_connect(client, "inproc://late-dealer") == 0);
    void *server = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(server, ZMQ_ROUTING_ID, "srv", 3) == 0);
    CHECK(zmq_bind(server, "inproc://late-dealer") == 0);
    send_s(server, "hello", 0);
    expect_s(client, "srv", 1);
    expect_s(client, "hello", 0);
    send_s(client, "srv", ZMQ_SNDMORE);
    send_s(client, "hi", 0);
    expect_s(server, "hi", 0);

    /* PUSH before PULL binds: queued and delivered. */
    void *push = make(ctx, ZMQ_PUSH);
    CHECK(zmq_connect(push, "inproc://late-pull") == 0);
    send_s(push, "m1", ZMQ_SNDMORE);
    send_s(push, "m2", 0);
    void *pull = make(ctx, ZMQ_PULL);
    CHECK(zmq_bind(pull, "inproc://late-pull") == 0);
    expect_s(pull, "m1", 1);
    expect_s(pull, "m2", 0);

    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_close(client) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(router) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
