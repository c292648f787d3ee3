/* ROUTER over tcp and a DEALER that reconnects with the same
 * ZMQ_ROUTING_ID: without ZMQ_ROUTER_HANDOVER the ROUTER keeps the first
 * connection under that id while it lives (the second one's messages are
 * not delivered);
 * with ZMQ_ROUTER_HANDOVER the new connection takes the id over and
 * replies reach it. */
#include "testutil.h"

static int run (int handover)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *router = zmq_socket (ctx, ZMQ_ROUTER);
    void *d1 = zmq_socket (ctx, ZMQ_DEALER);
    void *d2 = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (router && d1 && d2);
    CHECK (set_int (router, ZMQ_ROUTER_HANDOVER, handover) == 0);
    CHECK (set_int (router, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (set_int (d1, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (set_int (d2, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (zmq_setsockopt (d1, ZMQ_ROUTING_ID, "same", 4) == 0);
    CHECK (zmq_setsockopt (d2, ZMQ_ROUTING_ID, "same", 4) == 0);
    void *mon = monitor_of (ctx, router, "inproc://mon",
                            ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (mon);
    char ep[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (router, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (router, ep, sizeof ep) == 0);

    CHECK (zmq_connect (d1, ep) == 0);
    CHECK (send_str (d1, "from d1", 0) == 0);
    CHECK (recv_is (router, "same") == 0);
    CHECK (recv_is (router, "from d1") == 0);

    CHECK (zmq_connect (d2, ep) == 0);
    CHECK (send_str (d2, "from d2", 0) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    if (handover) {
        /* d2 took over: its message arrives and replies go to it. */
        CHECK (recv_is (router, "same") == 0);
        CHECK (recv_is (router, "from d2") == 0);
        CHECK (send_str (router, "same", ZMQ_SNDMORE) == 0);
        CHECK (send_str (router, "to new", 0) == 0);
        CHECK (recv_is (d2, "to new") == 0);
        CHECK (quiet (d1, 100));
    } else {
        /* d2 is refused: nothing arrives from it (libzmq keeps its
         * connection open but ignores it), and replies still reach d1. */
        CHECK (quiet (router, 300));
        CHECK (send_str (router, "same", ZMQ_SNDMORE) == 0);
        CHECK (send_str (router, "to old", 0) == 0);
        CHECK (recv_is (d1, "to old") == 0);
    }
    CHECK (set_int (d1, ZMQ_LINGER, 0) == 0);
    CHECK (set_int (d2, ZMQ_LINGER, 0) == 0);
    CHECK (zmq_close (router) == 0);
    CHECK (zmq_close (d1) == 0);
    CHECK (zmq_close (d2) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}

int main (void)
{
    CHECK (run (0) == 0);
    CHECK (run (1) == 0);
    return 0;
}
