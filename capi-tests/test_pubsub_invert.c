/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

/* ZMQ_INVERT_MATCHING: PUB/XPUB send to peers whose subscriptions do NOT
   match; SUB then delivers only non-matching messages. */

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *x = make (ctx, ZMQ_XPUB);
    CHECK (set_int (x, ZMQ_INVERT_MATCHING, 1) == 0);
    int v = 0;
    size_t sz = sizeof v;
    CHECK (zmq_getsockopt (x, ZMQ_INVERT_MATCHING, &v, &sz) == 0);
    CHECK (v == 1 && sz == sizeof v);
    CHECK (zmq_bind (x, "inproc://invert") == 0);

    void *inv = make (ctx, ZMQ_SUB);
    CHECK (set_int (inv, ZMQ_INVERT_MATCHING, 1) == 0);
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
