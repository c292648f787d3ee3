/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
/* ---- small helpers (each test is standalone) ---- */
#include <zmq.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf (stderr, "%s:%d: check failed: %s (errno %d: %s)\n",     \
                     __FILE__, __LINE__, #cond, zmq_errno (),                \
                     zmq_strerror (zmq_errno ()));                           \
            exit (1);                                                        \
        }                                                                    \
    } while (0)

static inline void *make (void *ctx, int type)
{
    void *s = zmq_socket (ctx, type);
    CHECK (s);
    int timeout = 5000;
    CHECK (zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
    CHECK (zmq_setsockopt (s, ZMQ_SNDTIMEO, &timeout, sizeof timeout) == 0);
    int linger = 0;
    CHECK (zmq_setsockopt (s, ZMQ_LINGER, &linger, sizeof linger) == 0);
    return s;
}

static inline void send_n (void *s, const void *data, size_t n, int flags)
{
    CHECK (zmq_send (s, data, n, flags) == (int) n);
}

static inline void send_s (void *s, const char *str, int flags)
{
    send_n (s, str, strlen (str), flags);
}

/* Receives one frame and checks its bytes and its MORE flag. */
static inline void expect_n (void *s, const void *data, size_t n, int more)
{
    char buf[256];
    int r = zmq_recv (s, buf, sizeof buf, 0);
    if (r != (int) n || memcmp (buf, data, n) != 0) {
        fprintf (stderr, "expected %d bytes '%.*s', got %d '%.*s'\n", (int) n,
                 (int) n, (const char *) data, r, r > 0 ? r : 0, buf);
    }
    CHECK (r == (int) n && memcmp (buf, data, n) == 0);
    int m = -1;
    size_t sz = sizeof m;
    CHECK (zmq_getsockopt (s, ZMQ_RCVMORE, &m, &sz) == 0);
    CHECK (m == more);
}

static inline void expect_s (void *s, const char *str, int more)
{
    expect_n (s, str, strlen (str), more);
}

static inline int readable (void *s, long ms)
{
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    int r = zmq_poll (&it, 1, ms);
    CHECK (r >= 0);
    return r;
}

/* Nothing more to read (everything sent over inproc is already queued). */
static inline void expect_nothing (void *s)
{
    CHECK (readable (s, 50) == 0);
}

static inline void drain (void *s)
{
    char buf[256];
    while (readable (s, 20))
        CHECK (zmq_recv (s, buf, sizeof buf, 0) >= 0);
}

/* PUB learns subscriptions asynchronously: publish `topic` until `sub`
   sees it, then drop the copies. */
static inline void sync_sub (void *pub, void *sub, const char *topic)
{
    for (int i = 0; i < 1000; i++) {
        send_s (pub, topic, 0);
        if (readable (sub, 10)) {
            drain (sub);
            return;
        }
    }
    CHECK (!"subscription never reached the publisher");
}
/* ---- end helpers ---- */
/* ZMQ_INVERT_MATCHING: PUB/XPUB send to peers whose subscriptions do NOT
   match; SUB then delivers only non-matching messages. */

static void setint (void *s, int opt, int v)
{
    CHECK (zmq_setsockopt (s, opt, &v, sizeof v) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *x = make (ctx, ZMQ_XPUB);
    setint (x, ZMQ_INVERT_MATCHING, 1);
    int v = 0;
    size_t sz = sizeof v;
    CHECK (zmq_getsockopt (x, ZMQ_INVERT_MATCHING, &v, &sz) == 0);
    CHECK (v == 1 && sz == sizeof v);
    CHECK (zmq_bind (x, "inproc://invert") == 0);

    void *inv = make (ctx, ZMQ_SUB);
    setint (inv, ZMQ_INVERT_MATCHING, 1);
    CHECK (zmq_setsockopt (inv, ZMQ_SUBSCRIBE, "no", 2) == 0);
    CHECK (zmq_connect (inv, "inproc://invert") == 0);
    expect_n (x, "\1no", 3, 0);

    void *plain = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (plain, ZMQ_SUBSCRIBE, "no", 2) == 0);
    CHECK (zmq_connect (plain, "inproc://invert") == 0);
    expect_nothing (x); /* "no" already known */

    send_s (x, "no1", 0);
    send_s (x, "yes1", ZMQ_SNDMORE);
    send_s (x, "no-tail", 0);
    expect_s (inv, "yes1", 1);
    expect_s (inv, "no-tail", 0);
    expect_nothing (inv);
    /* The plain SUB only gets what does not match "no": nothing it wants. */
    expect_nothing (plain);

    /* A peer with no subscription at all matches nothing, so it gets all. */
    void *xs = make (ctx, ZMQ_XSUB);
    CHECK (zmq_connect (xs, "inproc://invert") == 0);
    send_n (xs, "\1zz", 3, 0);
    expect_n (x, "\1zz", 3, 0);
    send_s (x, "abc", 0);
    send_s (x, "zz9", 0);
    expect_s (xs, "abc", 0);
    expect_nothing (xs);
    expect_s (inv, "abc", 0);
    expect_s (inv, "zz9", 0);

    CHECK (zmq_close (xs) == 0);
    CHECK (zmq_close (inv) == 0);
    CHECK (zmq_close (plain) == 0);
    CHECK (zmq_close (x) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
