/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

/* XPUB receives subscriptions: only new topics and last cancels by
   default, every subscribe with XPUB_VERBOSE, every subscribe and cancel
   with XPUB_VERBOSER; a departing subscriber cancels its topics. */

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
    CHECK (set_int (x, ZMQ_XPUB_VERBOSE, 1) == 0);
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
    CHECK (set_int (x, ZMQ_XPUB_VERBOSER, 1) == 0);
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
