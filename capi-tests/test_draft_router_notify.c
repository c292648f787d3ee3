/* ZMQ_ROUTER_NOTIFY over tcp and ipc: a ROUTER with ZMQ_NOTIFY_CONNECT
 * receives [routing id][empty frame] when a peer's handshake completes,
 * and with ZMQ_NOTIFY_DISCONNECT the same when that connection ends; with
 * neither bit it receives nothing of the kind. Both for a ROUTER that
 * binds and for one that connects. */
#include "testutil.h"

static void expect_notice (void *router, const char *id)
{
    expect_s (router, id, 1);
    expect_n (router, "", 0, 0);
}

static void run (void *ctx, const char *bind_ep, int router_binds, int bits)
{
    void *router = make (ctx, ZMQ_ROUTER);
    void *dealer = make (ctx, ZMQ_DEALER);
    CHECK (set_int (router, ZMQ_ROUTER_NOTIFY, bits) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_ROUTING_ID, "peer-1", 6) == 0);
    void *binder = router_binds ? router : dealer;
    void *connecter = router_binds ? dealer : router;
    char ep[256];
    CHECK (zmq_bind (binder, bind_ep) == 0);
    CHECK (last_endpoint (binder, ep, sizeof ep) == 0);
    CHECK (zmq_connect (connecter, ep) == 0);

    if (bits & ZMQ_NOTIFY_CONNECT)
        expect_notice (router, "peer-1");
    /* Traffic flows as usual. */
    send_s (dealer, "ping", 0);
    expect_s (router, "peer-1", 1);
    expect_s (router, "ping", 0);

    CHECK (zmq_close (dealer) == 0);
    if (bits & ZMQ_NOTIFY_DISCONNECT)
        expect_notice (router, "peer-1");
    else
        CHECK (quiet (router, 200));
    CHECK (zmq_close (router) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    int all = ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT;
    run (ctx, "tcp://127.0.0.1:*", 1, all);
    run (ctx, "tcp://127.0.0.1:*", 0, all);
    run (ctx, "tcp://127.0.0.1:*", 1, ZMQ_NOTIFY_CONNECT);
    run (ctx, "tcp://127.0.0.1:*", 1, ZMQ_NOTIFY_DISCONNECT);
    run (ctx, "tcp://127.0.0.1:*", 1, 0);
    run (ctx, "ipc://*", 1, all);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
