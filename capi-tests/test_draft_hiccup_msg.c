/* ZMQ_HICCUP_MSG (libzmq 4.3.5): a DEALER that connected receives its
 * hiccup message when that connection ends after its handshake (before it
 * reconnects); a ROUTER that binds does not receive its own. */
#include "testutil.h"

int main (void)
{
#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *router = make (ctx, ZMQ_ROUTER);
    void *dealer = make (ctx, ZMQ_DEALER);
    CHECK (zmq_setsockopt (dealer, ZMQ_HICCUP_MSG, "hiccup", 6) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_HICCUP_MSG, "not for ROUTER", 14) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "D", 1) == 0);
    char ep[256];
    CHECK (zmq_bind (router, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (router, ep, sizeof ep) == 0);
    CHECK (zmq_connect (dealer, ep) == 0);
    send_s (dealer, "ping", 0);
    expect_s (router, "D", 1);
    expect_s (router, "ping", 0);
    send_s (router, "D", ZMQ_SNDMORE);
    send_s (router, "pong", 0);
    expect_s (dealer, "pong", 0);

    /* The peer goes away: the dealer hears its hiccup message. */
    CHECK (zmq_close (router) == 0);
    expect_s (dealer, "hiccup", 0);

    /* A new peer on the same address: the dealer reconnects and works. */
    router = make (ctx, ZMQ_ROUTER);
    CHECK (zmq_bind (router, ep) == 0);
    send_s (dealer, "again", 0);
    expect_s (router, "D", 1);
    expect_s (router, "again", 0);
    CHECK (quiet (dealer, 100));
    CHECK (zmq_close (dealer) == 0);
    CHECK (quiet (router, 100));
    CHECK (zmq_close (router) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
#endif
    return 0;
}
