/* test_router_connect_rid: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* ZMQ_CONNECT_ROUTING_ID: the routing id a ROUTER gives the peer of its
 * next zmq_connect, whatever that peer declares. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    CHECK(ctx != NULL);

    void *server = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_setsockopt(server, ZMQ_ROUTING_ID, "srv-declared", 12) == 0);
    CHECK(zmq_bind(server, "inproc://crid-a") == 0);
    void *other = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(other, "inproc://crid-b") == 0);

    void *client = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_setsockopt(client, ZMQ_ROUTING_ID, "cli", 3) == 0);
    CHECK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "A", 1) == 0);
    CHECK(zmq_connect(client, "inproc://crid-a") == 0);
    CHECK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "B", 1) == 0);
    CHECK(zmq_connect(client, "inproc://crid-b") == 0);

    /* The client addresses its peers by the ids it chose. */
    send_s(client, "A", ZMQ_SNDMORE);
    send_s(client, "to-a", 0);
    send_s(client, "B", ZMQ_SNDMORE);
    send_s(client, "to-b", 0);
    expect_s(server, "cli", 1);
    expect_s(server, "to-a", 0);
    expect_s(other, "cli", 1);
    expect_s(other, "to-b", 0);
    /* The name the server declared is not known to the client. */
    CHECK(set_int(client, ZMQ_ROUTER_MANDATORY, 1) == 0);
    CHECK(zmq_send(client, "srv-declared", 12, ZMQ_SNDMORE) == -1 && zmq_errno() == EHOSTUNREACH);

    send_s(server, "cli", ZMQ_SNDMORE);
    send_s(server, "back", 0);
    expect_s(client, "A", 1);
    expect_s(client, "back", 0);

    /* Empty is refused; only ROUTER (and REP, built on it) accepts it. */
    CHECK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "", 0) == -1 && zmq_errno() == EINVAL);
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_CONNECT_ROUTING_ID, "x", 1) == -1 && zmq_errno() == EINVAL);
    size_t sz = sizeof buf;
    CHECK(zmq_getsockopt(client, ZMQ_CONNECT_ROUTING_ID, buf, &sz) == -1 && zmq_errno() == EINVAL);

    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(client) == 0);
    CHECK(zmq_close(other) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
