/* ZMQ_MAXMSGSIZE over tcp: a peer that sends a message larger than the
 * limit has its connection closed (DISCONNECTED on the receiver's
 * monitor); messages within the limit pass. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (pull && push);
    int64_t max = 100;
    CHECK (zmq_setsockopt (pull, ZMQ_MAXMSGSIZE, &max, sizeof max) == 0);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (set_int (push, ZMQ_RECONNECT_IVL, -1) == 0);
    void *mon = monitor_of (ctx, pull, "inproc://mon",
                            ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED);
    CHECK (mon);
    char ep[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, ep, sizeof ep) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);

    static char big[101], ok[100];
    memset (big, 'b', sizeof big);
    memset (ok, 'o', sizeof ok);
    CHECK (zmq_send (push, ok, sizeof ok, 0) == (int) sizeof ok);
    char buf[200];
    CHECK (zmq_recv (pull, buf, sizeof buf, 0) == 100);

    CHECK (zmq_send (push, big, sizeof big, 0) == (int) sizeof big);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_DISCONNECTED);
    CHECK (strcmp (ev_ep, ep) == 0);
    CHECK (quiet (pull, 100));

    CHECK (set_int (push, ZMQ_LINGER, 0) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
