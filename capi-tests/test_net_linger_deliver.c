/* Messages sent over tcp right before zmq_close and zmq_ctx_term are
 * delivered when ZMQ_LINGER is -1 (the default) or positive: term waits
 * for them. The sender lives in its own context so its term is the only
 * thing keeping the connection open; the receiver binds in another. */
#include "testutil.h"

#define N 200

static int run (int linger, const char *ep, void *pull)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (push);
    if (linger != -2)
        CHECK (set_int (push, ZMQ_LINGER, linger) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    char buf[32];
    for (int i = 0; i < N; i++) {
        snprintf (buf, sizeof buf, "msg %d", i);
        CHECK (send_str (push, buf, 0) == 0);
    }
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    for (int i = 0; i < N; i++) {
        snprintf (buf, sizeof buf, "msg %d", i);
        if (recv_is (pull, buf) != 0) {
            fprintf (stderr, "linger %d: message %d missing\n", linger, i);
            return 1;
        }
    }
    return 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (pull);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    char ep[256];
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, ep, sizeof ep) == 0);
    CHECK (run (-2, ep, pull) == 0); /* default */
    CHECK (run (-1, ep, pull) == 0);
    CHECK (run (5000, ep, pull) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
