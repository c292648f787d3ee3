/* ZMQ_RECONNECT_IVL = -1: once the peer goes away the connecter does not
 * try again (no CONNECT_RETRIED, no new connection when a peer binds the
 * same port again). */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (pull && push);
    CHECK (set_int (push, ZMQ_RECONNECT_IVL, -1) == 0);
    void *mon = monitor_of (ctx, push, "inproc://mon", ZMQ_EVENT_ALL);
    CHECK (mon);
    char ep[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, ep, sizeof ep) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    CHECK (wait_event (mon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, &value, ev_ep, sizeof ev_ep)
           == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (send_str (push, "one", 0) == 0);
    CHECK (recv_is (pull, "one") == 0);

    CHECK (zmq_close (pull) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_DISCONNECTED);

    pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (pull);
    CHECK (zmq_bind (pull, ep) == 0);
    /* Bounded wait for an event that must not come (the default interval
     * would have reconnected within ~200 ms). */
    CHECK (set_int (mon, ZMQ_RCVTIMEO, 700) == 0);
    int ev;
    while ((ev = read_event (mon, &value, ev_ep, sizeof ev_ep)) != -1) {
        fprintf (stderr, "unexpected event 0x%x\n", ev);
        CHECK (ev != ZMQ_EVENT_CONNECT_RETRIED);
        CHECK (ev != ZMQ_EVENT_CONNECTED);
        CHECK (ev != ZMQ_EVENT_CONNECT_DELAYED);
        CHECK (ev != ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    }
    CHECK (zmq_errno () == EAGAIN);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
