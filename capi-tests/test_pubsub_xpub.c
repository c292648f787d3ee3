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
/* XPUB receives subscriptions: only new topics and last cancels by
   default, every subscribe with XPUB_VERBOSE, every subscribe and cancel
   with XPUB_VERBOSER; a departing subscriber cancels its topics. */

static void setint (void *s, int opt, int v)
{
    CHECK (zmq_setsockopt (s, opt, &v, sizeof v) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* Default: duplicates and partial cancels are not reported. */
    void *x = make (ctx, ZMQ_XPUB);
    CHECK (zmq_bind (x, "inproc://xpub") == 0);
    void *s1 = make (ctx, ZMQ_SUB);
    void *s2 = make (ctx, ZMQ_SUB);
    CHECK (zmq_connect (s1, "inproc://xpub") == 0);
    CHECK (zmq_connect (s2, "inproc://xpub") == 0);
    CHECK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "t", 1) == 0);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "t", 1) == 0);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "u", 1) == 0);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, NULL, 0) == 0);
    expect_n (x, "\1t", 2, 0);
    expect_n (x, "\1u", 2, 0);
    expect_n (x, "\1", 1, 0);
    expect_nothing (x);

    /* Once XPUB has seen the subscriptions, sends reach the subscribers. */
    send_s (x, "t1", 0);
    send_s (x, "u1", 0);
    expect_s (s1, "t1", 0);
    expect_nothing (s1);
    expect_s (s2, "t1", 0);
    expect_s (s2, "u1", 0);

    CHECK (zmq_setsockopt (s1, ZMQ_UNSUBSCRIBE, "t", 1) == 0);
    CHECK (zmq_setsockopt (s2, ZMQ_UNSUBSCRIBE, "", 0) == 0);
    expect_n (x, "\0", 1, 0); /* "" was s2's alone */
    expect_nothing (x);       /* "t" is still held by s2 */
    send_s (x, "t2", 0);
    expect_s (s2, "t2", 0);
    expect_nothing (s1);

    /* Closing s2 cancels the topics nobody else holds. */
    CHECK (zmq_close (s2) == 0);
    expect_n (x, "\0t", 2, 0);
    expect_n (x, "\0u", 2, 0);
    expect_nothing (x);
    CHECK (zmq_close (s1) == 0);
    CHECK (zmq_close (x) == 0);

    /* VERBOSE: every subscribe, but only last cancels. */
    x = make (ctx, ZMQ_XPUB);
    setint (x, ZMQ_XPUB_VERBOSE, 1);
    CHECK (zmq_bind (x, "inproc://verbose") == 0);
    s1 = make (ctx, ZMQ_SUB);
    s2 = make (ctx, ZMQ_SUB);
    CHECK (zmq_connect (s1, "inproc://verbose") == 0);
    CHECK (zmq_connect (s2, "inproc://verbose") == 0);
    CHECK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\1k", 2, 0);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\1k", 2, 0);
    CHECK (zmq_setsockopt (s1, ZMQ_UNSUBSCRIBE, "k", 1) == 0);
    CHECK (zmq_setsockopt (s2, ZMQ_UNSUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\0k", 2, 0);
    expect_nothing (x);
    CHECK (zmq_close (s1) == 0);
    CHECK (zmq_close (s2) == 0);
    CHECK (zmq_close (x) == 0);

    /* VERBOSER: every subscribe and every cancel; a SUB only cancels
       upstream when its own last reference goes. */
    x = make (ctx, ZMQ_XPUB);
    setint (x, ZMQ_XPUB_VERBOSER, 1);
    CHECK (zmq_bind (x, "inproc://verboser") == 0);
    s1 = make (ctx, ZMQ_SUB);
    s2 = make (ctx, ZMQ_SUB);
    CHECK (zmq_connect (s1, "inproc://verboser") == 0);
    CHECK (zmq_connect (s2, "inproc://verboser") == 0);
    CHECK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\1k", 2, 0);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\1k", 2, 0);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\1k", 2, 0);
    CHECK (zmq_setsockopt (s2, ZMQ_UNSUBSCRIBE, "k", 1) == 0);
    CHECK (zmq_setsockopt (s2, ZMQ_UNSUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\0k", 2, 0);
    expect_nothing (x);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "k", 1) == 0);
    expect_n (x, "\1k", 2, 0);
    /* s1 still holds "k", yet s2 leaving is reported too. */
    CHECK (zmq_close (s2) == 0);
    expect_n (x, "\0k", 2, 0);
    CHECK (zmq_close (s1) == 0);
    expect_n (x, "\0k", 2, 0);
    expect_nothing (x);
    CHECK (zmq_close (x) == 0);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
