/* ZMQ_LINGER over tcp when the peer cannot take the messages (nobody
 * listens on the port): with linger 0 zmq_ctx_term returns at once,
 * dropping the queue; with a positive linger it returns after about the
 * linger, not before. Bounds are generous (timing is not measured
 * precisely, only "prompt" versus "waits"). */
#include "testutil.h"
#include <time.h>

static long now_ms (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int run (int linger, const char *ep, long *elapsed)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (push);
    CHECK (set_int (push, ZMQ_LINGER, linger) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    for (int i = 0; i < 10; i++)
        CHECK (send_str (push, "lost", ZMQ_DONTWAIT) == 0);
    long t0 = now_ms ();
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    *elapsed = now_ms () - t0;
    return 0;
}

int main (void)
{
    int port;
    int hold = hold_port (&port);
    char ep[64];
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);

    long t;
    CHECK (run (0, ep, &t) == 0);
    if (t > 1000) {
        fprintf (stderr, "linger 0: term took %ld ms\n", t);
        return 1;
    }
    CHECK (run (300, ep, &t) == 0);
    if (t < 250 || t > 3000) {
        fprintf (stderr, "linger 300: term took %ld ms\n", t);
        return 1;
    }
    close (hold);
    return 0;
}
