/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

/* XSUB -> XPUB forwarding (what zmq_proxy does, done by hand so the test
   is deterministic): subscriptions flow upstream through XSUB, data flows
   downstream through XPUB; XSUB also sends plain messages upstream, and
   replays its subscriptions to a publisher that joins later. */

/* Moves every pending message from `from` to `to`, multipart intact. */
static int forward (void *from, void *to)
{
    int n = 0;
    while (readable (from, 20)) {
        zmq_msg_t m;
        CHECK (zmq_msg_init (&m) == 0);
        CHECK (zmq_msg_recv (&m, from, 0) >= 0);
        int more = zmq_msg_more (&m);
        CHECK (zmq_msg_send (&m, to, more ? ZMQ_SNDMORE : 0) >= 0);
        n++;
    }
    return n;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pub = make (ctx, ZMQ_PUB);
    CHECK (zmq_bind (pub, "inproc://front") == 0);
    void *xsub = make (ctx, ZMQ_XSUB);
    CHECK (zmq_connect (xsub, "inproc://front") == 0);
    void *xpub = make (ctx, ZMQ_XPUB);
    CHECK (zmq_bind (xpub, "inproc://back") == 0);
    void *sub = make (ctx, ZMQ_SUB);
    CHECK (zmq_connect (sub, "inproc://back") == 0);

    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "T", 1) == 0);
    expect_n (xpub, "\1T", 2, 0);
    send_n (xsub, "\1T", 2, 0);

    /* Wait until the publisher applied the forwarded subscription. */
    int ok = 0;
    for (int i = 0; i < 1000 && !ok; i++) {
        send_s (pub, "Tsync", 0);
        if (readable (xsub, 10)) {
            forward (xsub, xpub);
            ok = 1;
        }
    }
    CHECK (ok);
    drain (sub);
    drain (xsub);

    send_s (pub, "T1", ZMQ_SNDMORE);
    send_s (pub, "body", 0);
    send_s (pub, "U1", 0);
    CHECK (forward (xsub, xpub) == 2);
    expect_s (sub, "T1", 1);
    expect_s (sub, "body", 0);
    expect_nothing (sub);

    /* Cancels go upstream too. */
    CHECK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "T", 1) == 0);
    expect_n (xpub, "\0T", 2, 0);

    /* XSUB straight to XPUB: plain messages travel upstream and come out
       of XPUB's recv as they are, multipart included. */
    void *x2 = make (ctx, ZMQ_XPUB);
    CHECK (zmq_bind (x2, "inproc://upstream") == 0);
    void *xs2 = make (ctx, ZMQ_XSUB);
    CHECK (zmq_connect (xs2, "inproc://upstream") == 0);
    send_n (xs2, "\1a", 2, 0);
    send_n (xs2, "\1a", 2, 0); /* duplicate: XPUB reports the first only */
    send_s (xs2, "hello", ZMQ_SNDMORE);
    send_s (xs2, "world", 0);
    send_n (xs2, "", 0, 0);
    expect_n (x2, "\1a", 2, 0);
    expect_s (x2, "hello", 1);
    expect_s (x2, "world", 0);
    expect_n (x2, "", 0, 0);
    send_n (xs2, "\0a", 2, 0); /* one of two references: not forwarded */
    expect_nothing (x2);
    send_n (xs2, "\0a", 2, 0);
    expect_n (x2, "\0a", 2, 0);

    /* XSUB replays its subscriptions (each topic once) to a late publisher. */
    void *xs3 = make (ctx, ZMQ_XSUB);
    send_n (xs3, "\1q", 2, 0);
    send_n (xs3, "\1q", 2, 0);
    send_n (xs3, "\1r", 2, 0);
    send_s (xs3, "lost", 0); /* no peer yet: dropped */
    void *x3 = make (ctx, ZMQ_XPUB);
    int verbose = 1;
    CHECK (zmq_setsockopt (x3, ZMQ_XPUB_VERBOSE, &verbose, sizeof verbose) == 0);
    CHECK (zmq_bind (x3, "inproc://late-xsub") == 0);
    CHECK (zmq_connect (xs3, "inproc://late-xsub") == 0);
    expect_n (x3, "\1q", 2, 0);
    expect_n (x3, "\1r", 2, 0);
    expect_nothing (x3);
    /* XSUB receives what XPUB publishes to it. */
    send_s (x3, "q1", 0);
    send_s (x3, "zz", 0);
    expect_s (xs3, "q1", 0);
    expect_nothing (xs3);

    void *socks[] = {pub, xsub, xpub, sub, x2, xs2, xs3, x3};
    for (size_t i = 0; i < sizeof socks / sizeof socks[0]; i++)
        CHECK (zmq_close (socks[i]) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
