/* Pub/sub family: see the comment above main(). Standalone C99; passes
   against Debian's libzmq 4.3.4 and against zmq-oxide. */
#include "testutil.h"

/* Pub/sub socket options: which socket types take which option, value
   and size rules, and what is readable. */

static void expect_einval (int rc)
{
    CHECK (rc == -1);
    CHECK (zmq_errno () == EINVAL);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pub = zmq_socket (ctx, ZMQ_PUB);
    void *sub = zmq_socket (ctx, ZMQ_SUB);
    void *xpub = zmq_socket (ctx, ZMQ_XPUB);
    void *xsub = zmq_socket (ctx, ZMQ_XSUB);
    CHECK (pub && sub && xpub && xsub);

    const int xpub_opts[] = {ZMQ_XPUB_VERBOSE, ZMQ_XPUB_VERBOSER,
                             ZMQ_XPUB_NODROP, ZMQ_XPUB_MANUAL};
    for (size_t i = 0; i < sizeof xpub_opts / sizeof xpub_opts[0]; i++) {
        int opt = xpub_opts[i];
        /* XPUB and PUB take them (0, 1, any positive value). */
        CHECK (set_int (xpub, opt, 1) == 0);
        CHECK (set_int (xpub, opt, 2) == 0);
        CHECK (set_int (xpub, opt, 0) == 0);
        CHECK (set_int (pub, opt, 1) == 0);
        CHECK (set_int (pub, opt, 0) == 0);
        /* Negative values and wrong sizes are refused. */
        expect_einval (set_int (xpub, opt, -1));
        long long big = 1;
        expect_einval (zmq_setsockopt (xpub, opt, &big, sizeof big));
        expect_einval (zmq_setsockopt (xpub, opt, &big, 1));
        /* Write-only. */
        int v = 0;
        size_t sz = sizeof v;
        expect_einval (zmq_getsockopt (xpub, opt, &v, &sz));
        /* SUB and XSUB do not know them. */
        expect_einval (set_int (sub, opt, 1));
        expect_einval (set_int (xsub, opt, 1));
    }

    /* Welcome message: any bytes, empty clears; PUB takes it too. */
    CHECK (zmq_setsockopt (xpub, ZMQ_XPUB_WELCOME_MSG, "hi", 2) == 0);
    CHECK (zmq_setsockopt (xpub, ZMQ_XPUB_WELCOME_MSG, NULL, 0) == 0);
    CHECK (zmq_setsockopt (pub, ZMQ_XPUB_WELCOME_MSG, "hi", 2) == 0);
    expect_einval (zmq_setsockopt (sub, ZMQ_XPUB_WELCOME_MSG, "hi", 2));
    char buf[16];
    size_t bsz = sizeof buf;
    expect_einval (zmq_getsockopt (xpub, ZMQ_XPUB_WELCOME_MSG, buf, &bsz));

    /* SUBSCRIBE / UNSUBSCRIBE: SUB only (and XPUB in manual mode). */
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "topic", 5) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, NULL, 0) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, "never", 5) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_UNSUBSCRIBE, NULL, 0) == 0);
    expect_einval (zmq_setsockopt (xsub, ZMQ_SUBSCRIBE, "a", 1));
    expect_einval (zmq_setsockopt (pub, ZMQ_SUBSCRIBE, "a", 1));
    expect_einval (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "a", 1));
    expect_einval (zmq_setsockopt (xpub, ZMQ_UNSUBSCRIBE, "a", 1));
    bsz = sizeof buf;
    expect_einval (zmq_getsockopt (sub, ZMQ_SUBSCRIBE, buf, &bsz));
    /* Manual XPUB with no subscription received yet: accepted, no effect. */
    CHECK (set_int (xpub, ZMQ_XPUB_MANUAL, 1) == 0);
    CHECK (zmq_setsockopt (xpub, ZMQ_SUBSCRIBE, "a", 1) == 0);
    CHECK (zmq_setsockopt (xpub, ZMQ_UNSUBSCRIBE, "a", 1) == 0);

    /* INVERT_MATCHING: settable and readable on all four. */
    void *all[] = {pub, sub, xpub, xsub};
    for (int i = 0; i < 4; i++) {
        int v = -1;
        size_t sz = sizeof v;
        CHECK (zmq_getsockopt (all[i], ZMQ_INVERT_MATCHING, &v, &sz) == 0);
        CHECK (v == 0);
        CHECK (set_int (all[i], ZMQ_INVERT_MATCHING, 1) == 0);
        CHECK (zmq_getsockopt (all[i], ZMQ_INVERT_MATCHING, &v, &sz) == 0);
        CHECK (v == 1);
    }

    /* SUB and XSUB do not linger; PUB and XPUB do (default -1). */
    int linger = 7;
    size_t lsz = sizeof linger;
    CHECK (zmq_getsockopt (sub, ZMQ_LINGER, &linger, &lsz) == 0);
    CHECK (linger == 0);
    CHECK (zmq_getsockopt (xsub, ZMQ_LINGER, &linger, &lsz) == 0);
    CHECK (linger == 0);
    CHECK (zmq_getsockopt (pub, ZMQ_LINGER, &linger, &lsz) == 0);
    CHECK (linger == -1);
    CHECK (zmq_getsockopt (xpub, ZMQ_LINGER, &linger, &lsz) == 0);
    CHECK (linger == -1);

    for (int i = 0; i < 4; i++)
        CHECK (zmq_close (all[i]) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
