/* ZMQ_HELLO_MSG and ZMQ_DISCONNECT_MSG. A DEALER or ROUTER with a hello
 * message sends it to each peer first, on every new connection; a ROUTER
 * with a disconnect message receives it, as from the peer, when a peer it
 * accepted goes away after its handshake. Over tcp, and over inproc (where
 * the disconnect message comes when the connecting peer closes). */
#include "testutil.h"

static void run (void *ctx, const char *bind_ep)
{
    void *router = make (ctx, ZMQ_ROUTER);
    void *dealer = make (ctx, ZMQ_DEALER);
    CHECK (zmq_setsockopt (router, ZMQ_HELLO_MSG, "router-hello", 12) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_DISCONNECT_MSG, "gone", 4) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_HELLO_MSG, "dealer-hello", 12) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "D", 1) == 0);
    char ep[256];
    CHECK (zmq_bind (router, bind_ep) == 0);
    CHECK (last_endpoint (router, ep, sizeof ep) == 0);
    CHECK (zmq_connect (dealer, ep) == 0);

    /* Each side's hello comes first, before anything sent after it. */
    send_s (dealer, "data", 0);
    expect_s (router, "D", 1);
    expect_s (router, "dealer-hello", 0);
    expect_s (router, "D", 1);
    expect_s (router, "data", 0);
    expect_s (dealer, "router-hello", 0);
    send_s (router, "D", ZMQ_SNDMORE);
    send_s (router, "reply", 0);
    expect_s (dealer, "reply", 0);

    /* The dealer goes: the router hears "gone" from it. */
    CHECK (zmq_close (dealer) == 0);
    expect_s (router, "D", 1);
    expect_s (router, "gone", 0);
    CHECK (quiet (router, 100));
    CHECK (zmq_close (router) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    run (ctx, "tcp://127.0.0.1:*");
    run (ctx, "inproc://hello-disconnect");

    /* A PUB's hello message is not sent (libzmq sends it from DEALER,
     * ROUTER, CLIENT, SERVER and PEER only). */
    void *pub = make (ctx, ZMQ_PUB);
    void *sub = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (pub, ZMQ_HELLO_MSG, "pub-hello", 9) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0) == 0);
    CHECK (zmq_bind (pub, "inproc://pub-hello") == 0);
    CHECK (zmq_connect (sub, "inproc://pub-hello") == 0);
    CHECK (quiet (sub, 100));
    CHECK (zmq_close (sub) == 0);
    CHECK (zmq_close (pub) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
