/* libzmq refuses a zmq_msg_t that is not initialised, never or any more
 * (msg_t::check): closing a closed message, receiving into, moving or
 * copying with one fails with EFAULT instead of acting on its bytes.
 *
 * Sending one is stricter here: libzmq 4.3.4 aborts (zmq_msg_send asserts
 * in zmq_msg_size), we fail with EFAULT. Build with -DREAL_LIBZMQ to run
 * the rest against Debian's libzmq. */
#include "testutil.h"

static void expect_efault (int rc)
{
    CHECK (rc == -1);
    CHECK (zmq_errno () == EFAULT);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *a = make (ctx, ZMQ_PAIR);
    void *b = make (ctx, ZMQ_PAIR);
    CHECK (zmq_bind (a, "inproc://validity") == 0);
    CHECK (zmq_connect (b, "inproc://validity") == 0);

    /* Closed twice. */
    zmq_msg_t m;
    CHECK (zmq_msg_init_size (&m, 100) == 0);
    CHECK (zmq_msg_close (&m) == 0);
    expect_efault (zmq_msg_close (&m));
    /* A closed message cannot be sent or received into. */
#ifndef REAL_LIBZMQ
    expect_efault (zmq_msg_send (&m, b, ZMQ_DONTWAIT));
#endif
    CHECK (zmq_send (b, "x", 1, 0) == 1);
    expect_efault (zmq_msg_recv (&m, a, 0));
    /* The message is still there for a valid one. */
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, a, 0) == 1);
    CHECK (zmq_msg_close (&m) == 0);

    /* Never initialised (zeroed, or garbage). */
    for (int fill = 0; fill < 2; fill++) {
        zmq_msg_t u, ok;
        memset (&u, fill ? 0xab : 0, sizeof u);
        expect_efault (zmq_msg_close (&u));
#ifndef REAL_LIBZMQ
        expect_efault (zmq_msg_send (&u, b, ZMQ_DONTWAIT));
#endif
        expect_efault (zmq_msg_recv (&u, a, ZMQ_DONTWAIT));
        CHECK (zmq_msg_init_size (&ok, 5) == 0);
        expect_efault (zmq_msg_move (&u, &ok));
        expect_efault (zmq_msg_copy (&u, &ok));
        expect_efault (zmq_msg_move (&ok, &u));
        expect_efault (zmq_msg_copy (&ok, &u));
        /* `ok` was not touched by the failed calls. */
        CHECK (zmq_msg_size (&ok) == 5);
        CHECK (zmq_msg_close (&ok) == 0);
    }

    /* A message moved with memcpy (allowed) stays valid. */
    zmq_msg_t x, y;
    CHECK (zmq_msg_init_size (&x, 3) == 0);
    memcpy (zmq_msg_data (&x), "abc", 3);
    memcpy (&y, &x, sizeof x);
    CHECK (zmq_msg_send (&y, b, 0) == 3);
    CHECK (zmq_msg_close (&y) == 0);
    expect_n (a, "abc", 3, 0);

    CHECK (zmq_close (a) == 0);
    CHECK (zmq_close (b) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
