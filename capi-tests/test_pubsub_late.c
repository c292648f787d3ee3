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
/* Late joiners: a subscriber that connects before the publisher binds
   (inproc connect-before-bind) and one that connects after; both send
   their subscriptions on attach, whenever they were made. */

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* Connect before bind: subscriptions made before and after connect. */
    void *early = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (early, ZMQ_SUBSCRIBE, "a", 1) == 0);
    CHECK (zmq_connect (early, "inproc://late") == 0);
    CHECK (zmq_setsockopt (early, ZMQ_SUBSCRIBE, "b", 1) == 0);
    void *x = make (ctx, ZMQ_XPUB);
    CHECK (zmq_bind (x, "inproc://late") == 0);
    expect_n (x, "\1a", 2, 0);
    expect_n (x, "\1b", 2, 0);
    expect_nothing (x);

    /* Bind before connect: subscription made before connect. */
    void *late = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (late, ZMQ_SUBSCRIBE, "c", 1) == 0);
    CHECK (zmq_connect (late, "inproc://late") == 0);
    expect_n (x, "\1c", 2, 0);
    /* ...and after connect. */
    CHECK (zmq_setsockopt (late, ZMQ_SUBSCRIBE, "a", 1) == 0);
    expect_nothing (x); /* "a" is already known */

    send_s (x, "a1", 0);
    send_s (x, "b1", 0);
    send_s (x, "c1", 0);
    expect_s (early, "a1", 0);
    expect_s (early, "b1", 0);
    expect_nothing (early);
    expect_s (late, "a1", 0);
    expect_s (late, "c1", 0);
    expect_nothing (late);

    /* A PUB and a SUB that connects before it binds. */
    void *sub = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "p", 1) == 0);
    CHECK (zmq_connect (sub, "inproc://late-pub") == 0);
    void *pub = make (ctx, ZMQ_PUB);
    CHECK (zmq_bind (pub, "inproc://late-pub") == 0);
    sync_sub (pub, sub, "p");
    send_s (pub, "q", 0);
    send_s (pub, "p1", 0);
    expect_s (sub, "p1", 0);
    expect_nothing (sub);

    /* The SUB binds and the PUB connects. */
    void *bsub = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (bsub, ZMQ_SUBSCRIBE, "r", 1) == 0);
    CHECK (zmq_bind (bsub, "inproc://sub-binds") == 0);
    void *cpub = make (ctx, ZMQ_XPUB);
    CHECK (zmq_connect (cpub, "inproc://sub-binds") == 0);
    /* The bound SUB attaches the new pipe (and sends its subscriptions)
       when it next processes commands, as libzmq does. */
    int ev, seen = 0;
    size_t evsz = sizeof ev;
    for (int i = 0; i < 1000 && !seen; i++) {
        CHECK (zmq_getsockopt (bsub, ZMQ_EVENTS, &ev, &evsz) == 0);
        seen = readable (cpub, 10);
    }
    expect_n (cpub, "\1r", 2, 0);
    send_s (cpub, "r1", 0);
    expect_s (bsub, "r1", 0);

    void *socks[] = {early, late, x, sub, pub, bsub, cpub};
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
        CHECK (zmq_close (socks[i]) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
