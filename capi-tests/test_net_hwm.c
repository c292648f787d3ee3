/* SNDHWM/RCVHWM per pipe over tcp: a PUSH whose PULL peer does not read
 * eventually cannot queue more (DONTWAIT send gives EAGAIN; the exact
 * count depends on kernel buffers). When the receiver drains, every
 * message sent arrives, in order, and sending works again. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (push && pull);
    CHECK (set_int (push, ZMQ_SNDHWM, 10) == 0);
    CHECK (set_int (pull, ZMQ_RCVHWM, 10) == 0);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    char ep[256];
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, ep, sizeof ep) == 0);
    CHECK (zmq_connect (push, ep) == 0);

    /* 1 KiB messages so kernel buffers fill after a few thousand. */
    static char body[1024];
    int sent = 0;
    for (;;) {
        memset (body, 0, sizeof body);
        memcpy (body, &sent, sizeof sent);
        int rc = zmq_send (push, body, sizeof body, ZMQ_DONTWAIT);
        if (rc == -1) {
            CHECK (zmq_errno () == EAGAIN);
            /* Blocked for good? Poll for POLLOUT a little: the I/O thread
             * may still be moving messages into the kernel. */
            zmq_pollitem_t it = {push, 0, ZMQ_POLLOUT, 0};
            int n = zmq_poll (&it, 1, 300);
            CHECK (n >= 0);
            if (n == 0)
                break;
            continue;
        }
        CHECK (rc == (int) sizeof body);
        sent++;
        CHECK (sent < 1000000);
    }
    CHECK (sent >= 20);

    for (int i = 0; i < sent; i++) {
        int n = zmq_recv (pull, body, sizeof body, 0);
        CHECK (n == (int) sizeof body);
        int k;
        memcpy (&k, body, sizeof k);
        if (k != i) {
            fprintf (stderr, "message %d arrived as %d (sent %d)\n", i, k, sent);
            return 1;
        }
    }
    CHECK (quiet (pull, 100));
    CHECK (send_str (push, "after", 0) == 0);
    CHECK (recv_is (pull, "after") == 0);

    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
