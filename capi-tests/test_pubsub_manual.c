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
/* XPUB_MANUAL (the application applies subscriptions to the pipe of the
   last one it received), XPUB_WELCOME_MSG, and XPUB_NODROP at the HWM. */

static void setint (void *s, int opt, int v)
{
    CHECK (zmq_setsockopt (s, opt, &v, sizeof v) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* ---- manual ---- */
    void *x = make (ctx, ZMQ_XPUB);
    setint (x, ZMQ_XPUB_MANUAL, 1);
    CHECK (zmq_bind (x, "inproc://manual") == 0);
    void *s = make (ctx, ZMQ_SUB);
    CHECK (zmq_connect (s, "inproc://manual") == 0);
    CHECK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "A", 1) == 0);
    expect_n (x, "\1A", 2, 0);
    /* Not applied: the application subscribes the pipe to "B" instead. */
    CHECK (zmq_setsockopt (x, ZMQ_SUBSCRIBE, "B", 1) == 0);
    CHECK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "B", 1) == 0); /* let SUB accept B */
    expect_n (x, "\1B", 2, 0); /* manual mode reports every request */
    send_s (x, "A1", 0);
    send_s (x, "B1", 0);
    expect_s (s, "B1", 0);
    expect_nothing (s);
    /* Unsubscribe through the application too. */
    CHECK (zmq_setsockopt (x, ZMQ_UNSUBSCRIBE, "B", 1) == 0);
    send_s (x, "B2", 0);
    expect_nothing (s);
    CHECK (zmq_setsockopt (x, ZMQ_SUBSCRIBE, "B", 1) == 0);
    CHECK (zmq_setsockopt (s, ZMQ_UNSUBSCRIBE, "A", 1) == 0);
    expect_n (x, "\0A", 2, 0);
    /* On close, the pipe's requested topics are cancelled. */
    CHECK (zmq_close (s) == 0);
    expect_n (x, "\0B", 2, 0);
    expect_nothing (x);
    CHECK (zmq_close (x) == 0);

    /* ---- welcome message ---- */
    x = make (ctx, ZMQ_XPUB);
    CHECK (zmq_setsockopt (x, ZMQ_XPUB_WELCOME_MSG, "W", 1) == 0);
    CHECK (zmq_bind (x, "inproc://welcome") == 0);
    s = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, "W", 1) == 0);
    CHECK (zmq_connect (s, "inproc://welcome") == 0);
    expect_n (x, "\1W", 2, 0); /* XPUB attaches the pipe while receiving */
    expect_s (s, "W", 0);
    /* A SUB not subscribed to the welcome topic filters it out. */
    void *s2 = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "x", 1) == 0);
    CHECK (zmq_connect (s2, "inproc://welcome") == 0);
    expect_n (x, "\1x", 2, 0);
    send_s (x, "x1", 0);
    expect_s (s2, "x1", 0);
    expect_nothing (s2);
    /* An empty welcome message means none. */
    CHECK (zmq_setsockopt (x, ZMQ_XPUB_WELCOME_MSG, NULL, 0) == 0);
    void *s3 = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (s3, ZMQ_SUBSCRIBE, NULL, 0) == 0);
    CHECK (zmq_connect (s3, "inproc://welcome") == 0);
    expect_n (x, "\1", 1, 0);
    send_s (x, "first", 0);
    expect_s (s3, "first", 0);
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (s2) == 0);
    CHECK (zmq_close (s3) == 0);
    CHECK (zmq_close (x) == 0);

    /* ---- nodrop: at the HWM send says EAGAIN instead of dropping ---- */
    x = make (ctx, ZMQ_XPUB);
    setint (x, ZMQ_XPUB_NODROP, 1);
    setint (x, ZMQ_SNDHWM, 2);
    CHECK (zmq_bind (x, "inproc://nodrop") == 0);
    s = make (ctx, ZMQ_SUB);
    setint (s, ZMQ_RCVHWM, 2);
    CHECK (zmq_setsockopt (s, ZMQ_SUBSCRIBE, NULL, 0) == 0);
    CHECK (zmq_connect (s, "inproc://nodrop") == 0);
    expect_n (x, "\1", 1, 0);
    int sent = 0;
    char buf[16];
    while (sent < 100) {
        snprintf (buf, sizeof buf, "m%d", sent);
        if (zmq_send (x, buf, strlen (buf), ZMQ_DONTWAIT) == -1) {
            CHECK (zmq_errno () == EAGAIN);
            break;
        }
        sent++;
    }
    CHECK (sent > 0 && sent < 100);
    /* Still reported writable, as libzmq does. */
    int ev = 0;
    size_t sz = sizeof ev;
    CHECK (zmq_getsockopt (x, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK (ev & ZMQ_POLLOUT);
    /* Nothing was lost; reading makes room and a blocking send waits. */
    for (int i = 0; i < sent; i++) {
        snprintf (buf, sizeof buf, "m%d", i);
        expect_s (s, buf, 0);
    }
    send_s (x, "after", 0);
    expect_s (s, "after", 0);
    expect_nothing (s);

    /* The same on PUB without NODROP: excess messages are dropped. */
    void *p = make (ctx, ZMQ_PUB);
    setint (p, ZMQ_SNDHWM, 2);
    CHECK (zmq_bind (p, "inproc://drop") == 0);
    void *ps = make (ctx, ZMQ_SUB);
    setint (ps, ZMQ_RCVHWM, 2);
    CHECK (zmq_setsockopt (ps, ZMQ_SUBSCRIBE, NULL, 0) == 0);
    CHECK (zmq_connect (ps, "inproc://drop") == 0);
    sync_sub (p, ps, "sync");
    for (int i = 0; i < 100; i++)
        send_s (p, "d", ZMQ_DONTWAIT);
    int got = 0;
    while (readable (ps, 50)) {
        CHECK (zmq_recv (ps, buf, sizeof buf, 0) == 1);
        got++;
    }
    CHECK (got >= 1 && got < 100);

    CHECK (zmq_close (p) == 0);
    CHECK (zmq_close (ps) == 0);
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (x) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
