/* zmq_proxy_steerable with a PAIR control socket: traffic both ways, a
 * capture socket that sees a copy of every frame, STATISTICS (8 x uint64,
 * a multipart message counts once with all its bytes), PAUSE / RESUME,
 * and TERMINATE ending the proxy with 0. As in libzmq 4.3, the capture
 * socket also receives a copy of each control command. */
#define _POSIX_C_SOURCE 200809L
#include <zmq.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf (stderr, "%s:%d: check failed: %s (errno %d: %s)\n",       \
                     __FILE__, __LINE__, #c, zmq_errno (),                     \
                     zmq_strerror (zmq_errno ()));                             \
            return 1;                                                          \
        }                                                                      \
    } while (0)

struct proxy_job
{
    void *front, *back, *cap, *ctl;
    int rc, err;
};

static void run_proxy (void *arg)
{
    struct proxy_job *p = (struct proxy_job *) arg;
    p->rc = zmq_proxy_steerable (p->front, p->back, p->cap, p->ctl);
    p->err = zmq_errno ();
}

/* Receives one frame and checks its content and MORE flag. */
static int expect (void *s, const char *data, int more)
{
    char buf[64];
    int n = zmq_recv (s, buf, sizeof buf, 0);
    int m = -1;
    size_t sz = sizeof m;
    zmq_getsockopt (s, ZMQ_RCVMORE, &m, &sz);
    if (n != (int) strlen (data) || memcmp (buf, data, strlen (data)) != 0
        || m != more) {
        fprintf (stderr, "expected '%s' more=%d, got %d bytes '%.*s' more=%d\n",
                 data, more, n, n > 0 ? n : 0, buf, m);
        return 1;
    }
    return 0;
}

#define EXPECT(s, d, m) CHECK (expect (s, d, m) == 0)

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

    struct proxy_job job = {front, back, cap, ctl, -2, 0};
    void *t = zmq_threadstart (run_proxy, &job);
    CHECK (t);

    /* frontend -> backend, each frame also on the capture socket */
    const char *single[3] = {"m0", "m1", "m2"};
    for (int i = 0; i < 3; i++) {
        CHECK (zmq_send (in, single[i], 2, 0) == 2);
        EXPECT (out, single[i], 0);
        EXPECT (tap, single[i], 0);
    }
    CHECK (zmq_send (in, "ab", 2, ZMQ_SNDMORE) == 2);
    CHECK (zmq_send (in, "cde", 3, 0) == 3);
    EXPECT (out, "ab", 1);
    EXPECT (out, "cde", 0);
    EXPECT (tap, "ab", 1);
    EXPECT (tap, "cde", 0);

    /* backend -> frontend */
    CHECK (zmq_send (out, "reply", 5, 0) == 5);
    EXPECT (in, "reply", 0);
    EXPECT (tap, "reply", 0);

    /* frontend: 4 in (11 B), 1 out (5 B); backend: 1 in (5 B), 4 out (11 B) */
    const uint64_t want1[8] = {4, 11, 1, 5, 1, 5, 4, 11};
    CHECK (check_stats (steer, want1) == 0);
    EXPECT (tap, "STATISTICS", 0);

    /* PAUSE; the STATISTICS reply proves it was processed */
    CHECK (zmq_send (steer, "PAUSE", 5, 0) == 5);
    CHECK (check_stats (steer, want1) == 0);
    CHECK (zmq_send (in, "late", 4, 0) == 4);
    zmq_pollitem_t item = {out, 0, ZMQ_POLLIN, 0};
    CHECK (zmq_poll (&item, 1, 200) == 0);
    /* commands are still served while paused */
    CHECK (check_stats (steer, want1) == 0);

    CHECK (zmq_send (steer, "RESUME", 6, 0) == 6);
    EXPECT (out, "late", 0);
    EXPECT (tap, "PAUSE", 0);
    EXPECT (tap, "STATISTICS", 0);
    EXPECT (tap, "STATISTICS", 0);
    EXPECT (tap, "RESUME", 0);
    EXPECT (tap, "late", 0);
    const uint64_t want2[8] = {5, 15, 1, 5, 1, 5, 5, 15};
    CHECK (check_stats (steer, want2) == 0);

    CHECK (zmq_send (steer, "TERMINATE", 9, 0) == 9);
    zmq_threadclose (t);
    CHECK (job.rc == 0);
    EXPECT (tap, "STATISTICS", 0);
    EXPECT (tap, "TERMINATE", 0);

    void *all[8] = {front, back, cap, ctl, in, out, tap, steer};
    for (int i = 0; i < 8; i++)
        CHECK (zmq_close (all[i]) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
