/* zmq_proxy_steerable with a PAIR control socket: traffic both ways, a
 * capture socket that sees a copy of every frame, STATISTICS (8 x uint64,
 * a multipart message counts once with all its bytes), PAUSE / RESUME,
 * and TERMINATE ending the proxy with 0. As in libzmq 4.3, the capture
 * socket also receives a copy of each control command. */
#include "testutil.h"


static int stats (void *steer, uint64_t v[8])
{
    CHECK (zmq_send (steer, "STATISTICS", 10, 0) == 10);
    for (int i = 0; i < 8; i++) {
        int more = 0;
        size_t sz = sizeof more;
        CHECK (zmq_recv (steer, &v[i], sizeof v[i], 0) == 8);
        CHECK (zmq_getsockopt (steer, ZMQ_RCVMORE, &more, &sz) == 0);
        CHECK (more == (i < 7));
    }
    return 0;
}

static int check_stats (void *steer, const uint64_t want[8])
{
    uint64_t got[8];
    CHECK (stats (steer, got) == 0);
    for (int i = 0; i < 8; i++)
        if (got[i] != want[i]) {
            fprintf (stderr, "statistics[%d] = %llu, expected %llu\n", i,
                     (unsigned long long) got[i],
                     (unsigned long long) want[i]);
            return 1;
        }
    return 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *front = zmq_socket (ctx, ZMQ_PAIR);
    void *back = zmq_socket (ctx, ZMQ_PAIR);
    void *cap = zmq_socket (ctx, ZMQ_PAIR);
    void *ctl = zmq_socket (ctx, ZMQ_PAIR);
    void *in = zmq_socket (ctx, ZMQ_PAIR);
    void *out = zmq_socket (ctx, ZMQ_PAIR);
    void *tap = zmq_socket (ctx, ZMQ_PAIR);
    void *steer = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (front && back && cap && ctl && in && out && tap && steer);
    CHECK (zmq_bind (front, "inproc://front") == 0);
    CHECK (zmq_bind (back, "inproc://back") == 0);
    CHECK (zmq_bind (cap, "inproc://capture") == 0);
    CHECK (zmq_bind (ctl, "inproc://control") == 0);
    CHECK (zmq_connect (in, "inproc://front") == 0);
    CHECK (zmq_connect (out, "inproc://back") == 0);
    CHECK (zmq_connect (tap, "inproc://capture") == 0);
    CHECK (zmq_connect (steer, "inproc://control") == 0);

    struct proxy_job job = {.front = front, .back = back, .cap = cap,
                             .ctl = ctl, .steerable = 1, .rc = -2};
    void *t = zmq_threadstart (run_proxy, &job);
    CHECK (t);

    /* frontend -> backend, each frame also on the capture socket */
    const char *single[3] = {"m0", "m1", "m2"};
    for (int i = 0; i < 3; i++) {
        CHECK (zmq_send (in, single[i], 2, 0) == 2);
        expect_s (out, single[i], 0);
        expect_s (tap, single[i], 0);
    }
    CHECK (zmq_send (in, "ab", 2, ZMQ_SNDMORE) == 2);
    CHECK (zmq_send (in, "cde", 3, 0) == 3);
    expect_s (out, "ab", 1);
    expect_s (out, "cde", 0);
    expect_s (tap, "ab", 1);
    expect_s (tap, "cde", 0);

    /* backend -> frontend */
    CHECK (zmq_send (out, "reply", 5, 0) == 5);
    expect_s (in, "reply", 0);
    expect_s (tap, "reply", 0);

    /* frontend: 4 in (11 B), 1 out (5 B); backend: 1 in (5 B), 4 out (11 B) */
    const uint64_t want1[8] = {4, 11, 1, 5, 1, 5, 4, 11};
    CHECK (check_stats (steer, want1) == 0);
    expect_s (tap, "STATISTICS", 0);

    /* PAUSE; the STATISTICS reply proves it was processed */
    CHECK (zmq_send (steer, "PAUSE", 5, 0) == 5);
    CHECK (check_stats (steer, want1) == 0);
    CHECK (zmq_send (in, "late", 4, 0) == 4);
    zmq_pollitem_t item = {out, 0, ZMQ_POLLIN, 0};
    CHECK (zmq_poll (&item, 1, 200) == 0);
    /* commands are still served while paused */
    CHECK (check_stats (steer, want1) == 0);

    CHECK (zmq_send (steer, "RESUME", 6, 0) == 6);
    expect_s (out, "late", 0);
    expect_s (tap, "PAUSE", 0);
    expect_s (tap, "STATISTICS", 0);
    expect_s (tap, "STATISTICS", 0);
    expect_s (tap, "RESUME", 0);
    expect_s (tap, "late", 0);
    const uint64_t want2[8] = {5, 15, 1, 5, 1, 5, 5, 15};
    CHECK (check_stats (steer, want2) == 0);

    CHECK (zmq_send (steer, "TERMINATE", 9, 0) == 9);
    zmq_threadclose (t);
    CHECK (job.rc == 0);
    expect_s (tap, "STATISTICS", 0);
    expect_s (tap, "TERMINATE", 0);

    void *all[8] = {front, back, cap, ctl, in, out, tap, steer};
    for (int i = 0; i < 8; i++)
        CHECK (zmq_close (all[i]) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
