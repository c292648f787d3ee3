/* A tcp connecter reconnects when its peer goes away and comes back on
 * the same port: DISCONNECTED, CONNECT_RETRIED (value = the interval used,
 * between ZMQ_RECONNECT_IVL and twice it), then CONNECTED and
 * HANDSHAKE_SUCCEEDED again; messages flow to the new peer. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (pull && push);
    CHECK (set_int (push, ZMQ_RECONNECT_IVL, 50) == 0);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    void *mon = monitor_of (ctx, push, "inproc://mon",
                            ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED
                              | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (mon);
    char ep[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, ep, sizeof ep) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (send_str (push, "one", 0) == 0);
    CHECK (recv_is (pull, "one") == 0);

    /* The peer goes away. */
    CHECK (zmq_close (pull) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_DISCONNECTED);
    CHECK (strcmp (ev_ep, ep) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (value >= 50 && value < 100);
    CHECK (strcmp (ev_ep, ep) == 0);

    /* ...and comes back on the same port. */
    pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (pull);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (zmq_bind (pull, ep) == 0);
    CHECK (wait_event (mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &value, ev_ep, sizeof ev_ep)
           == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (send_str (push, "two", 0) == 0);
    CHECK (recv_is (pull, "two") == 0);

    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
