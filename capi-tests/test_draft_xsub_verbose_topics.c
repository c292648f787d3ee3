/* ZMQ_XSUB_VERBOSE_UNSUBSCRIBE and ZMQ_TOPICS_COUNT (libzmq 4.3.5). An
 * XSUB forwards a cancel upstream only when it drops a topic's last
 * reference, or every cancel with VERBOSE_UNSUBSCRIBE; TOPICS_COUNT reads
 * the distinct topics an XSUB/SUB holds, and those some peer of an
 * XPUB/PUB holds. */
#include "testutil.h"

#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)

static int topics (void *s)
{
    int v = -1;
    size_t sz = sizeof v;
    CHECK (zmq_getsockopt (s, ZMQ_TOPICS_COUNT, &v, &sz) == 0);
    return v;
}

/* The next message `xpub` receives is `kind` (1 subscribe, 0 cancel) for
 * `topic`. */
static void expect_sub (void *xpub, int kind, const char *topic)
{
    char buf[64];
    int n = zmq_recv (xpub, buf, sizeof buf, 0);
    CHECK (n == 1 + (int) strlen (topic));
    CHECK (buf[0] == kind && memcmp (buf + 1, topic, n - 1) == 0);
}

static void subscribe (void *xsub, int kind, const char *topic)
{
    char buf[64];
    buf[0] = (char) kind;
    memcpy (buf + 1, topic, strlen (topic));
    send_n (xsub, buf, 1 + strlen (topic), 0);
}

static void run (void *ctx, int verbose)
{
    void *xpub = make (ctx, ZMQ_XPUB);
    void *xsub = make (ctx, ZMQ_XSUB);
    CHECK (set_int (xpub, ZMQ_XPUB_VERBOSER, 1) == 0);
    CHECK (set_int (xsub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, verbose) == 0);
    CHECK (zmq_bind (xpub, "inproc://verbose-topics") == 0);
    CHECK (zmq_connect (xsub, "inproc://verbose-topics") == 0);
    CHECK (topics (xpub) == 0 && topics (xsub) == 0);

    subscribe (xsub, 1, "a");
    subscribe (xsub, 1, "a");
    subscribe (xsub, 1, "b");
    expect_sub (xpub, 1, "a");
    expect_sub (xpub, 1, "a");
    expect_sub (xpub, 1, "b");
    CHECK (topics (xsub) == 2);
    CHECK (topics (xpub) == 2);

    /* "a" still has a reference after this cancel, "c" never had one. */
    subscribe (xsub, 0, "a");
    subscribe (xsub, 0, "c");
    subscribe (xsub, 0, "b");
    if (verbose) {
        expect_sub (xpub, 0, "a");
        expect_sub (xpub, 0, "c");
    }
    expect_sub (xpub, 0, "b");
    CHECK (topics (xsub) == 1);
    if (verbose)
        /* The XPUB took the first cancel of "a" at its word. */
        CHECK (topics (xpub) == 0);
    else
        CHECK (topics (xpub) == 1);
    CHECK (quiet (xpub, 50));
    CHECK (zmq_close (xsub) == 0);
    CHECK (zmq_close (xpub) == 0);
}

#endif

int main (void)
{
#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    run (ctx, 0);
    run (ctx, 1);

    /* A SUB's count, and a PUB's over tcp. */
    void *pub = make (ctx, ZMQ_PUB);
    void *sub = make (ctx, ZMQ_SUB);
    char ep[256];
    CHECK (zmq_bind (pub, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pub, ep, sizeof ep) == 0);
    CHECK (zmq_connect (sub, ep) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "x", 1) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "y", 1) == 0);
    CHECK (topics (sub) == 2);
    sync_sub (pub, sub, "y");
    CHECK (topics (pub) == 2);
    CHECK (zmq_close (sub) == 0);
    CHECK (zmq_close (pub) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
#endif
    return 0;
}
