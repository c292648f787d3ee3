/* ZMQ_XPUB_MANUAL_LAST_VALUE: a manual XPUB whose next message after a
 * subscription goes only to the peer that subscribed last (the "last
 * value" for a newcomer), then to every matching peer again.
 * ZMQ_ONLY_FIRST_SUBSCRIBE: an XSUB/XPUB looks for (un)subscriptions in
 * the later frames of a message only when its first frame is one. Over
 * inproc. */
#include "testutil.h"

static void recv_sub (void *xpub, const char *want)
{
    char buf[32];
    int n = zmq_recv (xpub, buf, sizeof buf, 0);
    CHECK (n == (int) strlen (want) && memcmp (buf, want, n) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *xpub = make (ctx, ZMQ_XPUB);
    void *s1 = make (ctx, ZMQ_SUB);
    void *s2 = make (ctx, ZMQ_SUB);
    CHECK (set_int (xpub, ZMQ_XPUB_MANUAL_LAST_VALUE, 1) == 0);
    CHECK (zmq_bind (xpub, "inproc://last-value") == 0);
    CHECK (zmq_connect (s1, "inproc://last-value") == 0);
    CHECK (zmq_connect (s2, "inproc://last-value") == 0);

    CHECK (zmq_setsockopt (s1, ZMQ_SUBSCRIBE, "A", 1) == 0);
    recv_sub (xpub, "\1A");
    CHECK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "A", 1) == 0);
    send_s (xpub, "A-for-s1", 0);
    expect_s (s1, "A-for-s1", 0);

    CHECK (zmq_setsockopt (s2, ZMQ_SUBSCRIBE, "A", 1) == 0);
    recv_sub (xpub, "\1A");
    CHECK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "A", 1) == 0);
    send_s (xpub, "A-last-value", 0);
    expect_s (s2, "A-last-value", 0);
    send_s (xpub, "A-all", 0);
    expect_s (s1, "A-all", 0);
    expect_s (s2, "A-all", 0);
    /* s1 never saw the last value meant for s2. */
    CHECK (quiet (s1, 50));

    /* ONLY_FIRST_SUBSCRIBE: a message whose first frame is no
     * subscription has none in its later frames either ("\1B" after "hdr"
     * is data); without it, every frame is looked at. */
    void *xsub = make (ctx, ZMQ_XSUB);
    void *xpub2 = make (ctx, ZMQ_XPUB);
    CHECK (set_int (xsub, ZMQ_ONLY_FIRST_SUBSCRIBE, 1) == 0);
    CHECK (set_int (xpub2, ZMQ_ONLY_FIRST_SUBSCRIBE, 1) == 0);
    CHECK (zmq_bind (xpub2, "inproc://first-sub") == 0);
    CHECK (zmq_connect (xsub, "inproc://first-sub") == 0);
    send_s (xsub, "hdr", ZMQ_SNDMORE);
    send_s (xsub, "\1B", 0);
    send_s (xsub, "\1C", 0);
    expect_s (xpub2, "hdr", 1);
    expect_s (xpub2, "\1B", 0);
    expect_s (xpub2, "\1C", 0);
    /* The XPUB took only C: a B message finds no subscriber, C does. */
    send_s (xpub2, "B-data", 0);
    send_s (xpub2, "C-data", 0);
    expect_s (xsub, "C-data", 0);
    CHECK (quiet (xsub, 50));

    CHECK (zmq_close (xsub) == 0);
    CHECK (zmq_close (xpub2) == 0);
    CHECK (zmq_close (s1) == 0);
    CHECK (zmq_close (s2) == 0);
    CHECK (zmq_close (xpub) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
