/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

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
