/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

/* XPUB_MANUAL (the application applies subscriptions to the pipe of the
   last one it received), XPUB_WELCOME_MSG, and XPUB_NODROP at the HWM. */

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* ---- manual ---- */
    void *x = make (ctx, ZMQ_XPUB);
    CHECK (set_int (x, ZMQ_XPUB_MANUAL, 1) == 0);
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
    CHECK (set_int (x, ZMQ_XPUB_NODROP, 1) == 0);
    CHECK (set_int (x, ZMQ_SNDHWM, 2) == 0);
    CHECK (zmq_bind (x, "inproc://nodrop") == 0);
    s = make (ctx, ZMQ_SUB);
    CHECK (set_int (s, ZMQ_RCVHWM, 2) == 0);
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
    CHECK (set_int (p, ZMQ_SNDHWM, 2) == 0);
    CHECK (zmq_bind (p, "inproc://drop") == 0);
    void *ps = make (ctx, ZMQ_SUB);
    CHECK (set_int (ps, ZMQ_RCVHWM, 2) == 0);
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
