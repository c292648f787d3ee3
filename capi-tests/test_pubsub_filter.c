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
/* PUB -> SUB: prefix filtering, several subscribers, multipart messages
   kept whole, refcounted unsubscribe, and the unsupported directions. */

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pub = make (ctx, ZMQ_PUB);
    CHECK (zmq_bind (pub, "inproc://filter") == 0);

    void *a = make (ctx, ZMQ_SUB);
    void *b = make (ctx, ZMQ_SUB);
    void *all = make (ctx, ZMQ_SUB);
    CHECK (zmq_setsockopt (a, ZMQ_SUBSCRIBE, "A", 1) == 0);
    CHECK (zmq_setsockopt (a, ZMQ_SUBSCRIBE, "A", 1) == 0); /* twice */
    CHECK (zmq_setsockopt (b, ZMQ_SUBSCRIBE, "B", 1) == 0);
    CHECK (zmq_setsockopt (b, ZMQ_SUBSCRIBE, "CC", 2) == 0);
    CHECK (zmq_setsockopt (all, ZMQ_SUBSCRIBE, NULL, 0) == 0);
    CHECK (zmq_connect (a, "inproc://filter") == 0);
    CHECK (zmq_connect (b, "inproc://filter") == 0);
    CHECK (zmq_connect (all, "inproc://filter") == 0);
    sync_sub (pub, a, "A");
    sync_sub (pub, b, "B");
    sync_sub (pub, all, "");
    drain (a);
    drain (b);

    send_s (pub, "A1", 0);
    send_s (pub, "B1", 0);
    send_s (pub, "C1", 0);
    send_s (pub, "CC1", 0);
    send_s (pub, "Amulti", ZMQ_SNDMORE);
    send_s (pub, "Bpart", ZMQ_SNDMORE); /* later frames are not filtered */
    send_n (pub, "", 0, 0);
    send_n (pub, "", 0, 0);

    expect_s (a, "A1", 0);
    expect_s (a, "Amulti", 1);
    expect_s (a, "Bpart", 1);
    expect_n (a, "", 0, 0);
    expect_nothing (a);

    expect_s (b, "B1", 0);
    expect_s (b, "CC1", 0);
    expect_nothing (b);

    expect_s (all, "A1", 0);
    expect_s (all, "B1", 0);
    expect_s (all, "C1", 0);
    expect_s (all, "CC1", 0);
    expect_s (all, "Amulti", 1);
    expect_s (all, "Bpart", 1);
    expect_n (all, "", 0, 0);
    expect_n (all, "", 0, 0);
    expect_nothing (all);

    /* Subscribed twice: one unsubscribe keeps the topic. */
    CHECK (zmq_setsockopt (a, ZMQ_UNSUBSCRIBE, "A", 1) == 0);
    send_s (pub, "A2", 0);
    expect_s (a, "A2", 0);
    /* The second one removes it (SUB filters on receive too). */
    CHECK (zmq_setsockopt (a, ZMQ_UNSUBSCRIBE, "A", 1) == 0);
    /* Unsubscribing what was never subscribed is not an error. */
    CHECK (zmq_setsockopt (a, ZMQ_UNSUBSCRIBE, "nope", 4) == 0);
    send_s (pub, "A3", 0);
    expect_s (all, "A2", 0);
    expect_s (all, "A3", 0);
    expect_nothing (a);

    /* PUB cannot receive, SUB cannot send. */
    char buf[8];
    CHECK (zmq_recv (pub, buf, sizeof buf, ZMQ_DONTWAIT) == -1);
    CHECK (zmq_errno () == ENOTSUP);
    CHECK (zmq_send (a, "x", 1, 0) == -1);
    CHECK (zmq_errno () == ENOTSUP);

    /* ZMQ_EVENTS: PUB is always writable, an idle SUB is neither. */
    int ev = 0;
    size_t sz = sizeof ev;
    CHECK (zmq_getsockopt (pub, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK (ev == ZMQ_POLLOUT);
    CHECK (zmq_getsockopt (a, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK (ev == 0);

    /* A PUB with no subscribers drops messages without blocking. */
    void *lonely = make (ctx, ZMQ_PUB);
    send_s (lonely, "x", 0);

    CHECK (zmq_close (lonely) == 0);
    CHECK (zmq_close (a) == 0);
    CHECK (zmq_close (b) == 0);
    CHECK (zmq_close (all) == 0);
    CHECK (zmq_close (pub) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
