/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

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
