/* zmq_disconnect tears down exactly the pipes of that endpoint: a PUSH
 * connected to two PULL binders, disconnected from one, sends everything
 * to the other (round-robin no longer reaches the first). */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *a = zmq_socket (ctx, ZMQ_PULL);
    void *b = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (a && b && push);
    CHECK (set_int (a, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (set_int (b, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    void *mon = monitor_of (ctx, push, "inproc://mon", ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (mon);
    char ea[256], eb[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (a, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (a, ea, sizeof ea) == 0);
    CHECK (zmq_bind (b, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (b, eb, sizeof eb) == 0);
    CHECK (zmq_connect (push, ea) == 0);
    CHECK (zmq_connect (push, eb) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);

    /* Both get one of two. */
    CHECK (send_str (push, "x", 0) == 0);
    CHECK (send_str (push, "x", 0) == 0);
    CHECK (recv_is (a, "x") == 0);
    CHECK (recv_is (b, "x") == 0);

    CHECK (zmq_disconnect (push, ea) == 0);
    for (int i = 0; i < 10; i++)
        CHECK (send_str (push, "only b", 0) == 0);
    for (int i = 0; i < 10; i++)
        CHECK (recv_is (b, "only b") == 0);
    CHECK (quiet (a, 200));

    CHECK (zmq_disconnect (push, ea) == -1);
    CHECK (zmq_errno () == ENOENT);

    CHECK (zmq_close (a) == 0);
    CHECK (zmq_close (b) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
