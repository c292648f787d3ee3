/* zmq_proxy as a forwarder: PUB -> [XSUB | proxy | XPUB] -> SUB.
 * Subscriptions travel backend -> frontend through the proxy, messages
 * travel frontend -> backend; only subscribed topics arrive, in order.
 * Terminating the context ends the proxy with -1 / ETERM. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *front = zmq_socket (ctx, ZMQ_XSUB);
    void *back = zmq_socket (ctx, ZMQ_XPUB);
    void *pub = zmq_socket (ctx, ZMQ_PUB);
    void *sub = zmq_socket (ctx, ZMQ_SUB);
    CHECK (front && back && pub && sub);
    CHECK (zmq_bind (front, "inproc://fwd-front") == 0);
    CHECK (zmq_bind (back, "inproc://fwd-back") == 0);
    CHECK (zmq_connect (pub, "inproc://fwd-front") == 0);
    CHECK (zmq_connect (sub, "inproc://fwd-back") == 0);

    struct proxy_job job = {.front = front, .back = back, .close_after = 1};
    void *t = zmq_threadstart (run_proxy, &job);
    CHECK (t);

    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "A", 1) == 0);
    /* the subscription has reached the publisher once a probe gets through */
    char buf[32];
    int got = 0;
    for (int tries = 0; tries < 1000 && !got; tries++) {
        CHECK (zmq_send (pub, "A-probe", 7, 0) == 7);
        zmq_pollitem_t it = {sub, 0, ZMQ_POLLIN, 0};
        got = zmq_poll (&it, 1, 10) == 1;
    }
    CHECK (got);

    for (int i = 0; i < 100; i++) {
        char m[16];
        int n = snprintf (m, sizeof m, "B%d", i);
        CHECK (zmq_send (pub, m, (size_t) n, 0) == n);
        n = snprintf (m, sizeof m, "A%d", i);
        CHECK (zmq_send (pub, m, (size_t) n, 0) == n);
    }
    int next = 0;
    while (next < 100) {
        int n = zmq_recv (sub, buf, sizeof buf - 1, 0);
        CHECK (n > 0);
        buf[n] = 0;
        if (strcmp (buf, "A-probe") == 0)
            continue;
        char want[16];
        snprintf (want, sizeof want, "A%d", next);
        if (strcmp (buf, want) != 0) {
            fprintf (stderr, "got '%s', expected '%s'\n", buf, want);
            return 1;
        }
        next++;
    }

    int linger = 0;
    CHECK (zmq_setsockopt (pub, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK (zmq_close (pub) == 0);
    CHECK (zmq_close (sub) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    zmq_threadclose (t);
    CHECK (job.rc == -1 && job.err == ETERM);
    return 0;
}
