/* ZMQ_CONFLATE over tcp. Sender side: a PUSH with CONFLATE whose peer is
 * not there yet keeps only its newest message, so the PULL that binds
 * later receives just that one. Receiver side: a PULL with CONFLATE that
 * reads late gets the newest message and never an older one after it. */
#include "testutil.h"

int main (void)
{
    /* A free port: bound by a BSD socket, then released. */
    int port;
    int hold = hold_port (&port);
    char ep[64], buf[32];
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (push);
    CHECK (set_int (push, ZMQ_CONFLATE, 1) == 0);
    CHECK (set_int (push, ZMQ_RECONNECT_IVL, 20) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    for (int i = 0; i < 10; i++) {
        snprintf (buf, sizeof buf, "s%d", i);
        CHECK (send_str (push, buf, ZMQ_DONTWAIT) == 0);
    }
    close (hold);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (pull);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (zmq_bind (pull, ep) == 0);
    CHECK (recv_is (pull, "s9") == 0);
    CHECK (quiet (pull, 200));
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    /* Receiver side. */
    pull = zmq_socket (ctx, ZMQ_PULL);
    push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (pull && push);
    CHECK (set_int (pull, ZMQ_CONFLATE, 1) == 0);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    char bep[256];
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, bep, sizeof bep) == 0);
    CHECK (zmq_connect (push, bep) == 0);
    for (int i = 0; i < 100; i++) {
        snprintf (buf, sizeof buf, "r%d", i);
        CHECK (send_str (push, buf, 0) == 0);
    }
    int received = 0, last = -1;
    while (last != 99) {
        int n = zmq_recv (pull, buf, sizeof buf - 1, 0);
        CHECK (n > 0);
        buf[n] = 0;
        int k = atoi (buf + 1);
        CHECK (k > last);
        last = k;
        received++;
    }
    CHECK (quiet (pull, 200));

    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
