/* ZMQ_SNDHWM / ZMQ_RCVHWM set on a socket that already has pipes apply
 * to those pipes (libzmq's socket_base_t::update_pipe_options and
 * pipe_t::set_hwms, in 4.3.4 and 4.3.5 alike).
 *
 * A connected pipe's limit becomes the new value, 0 meaning none. For
 * inproc each direction's limit is the writer's HWM plus the reader's
 * RCVHWM when the pipe was made (libzmq's "boost"; a new socket's 1000
 * while nobody has bound yet), so a new RCVHWM r on the reader lets the
 * writer queue r plus the reader's old RCVHWM. setsockopt processes no
 * commands: on the bind side of an inproc pipe whose attach is still
 * queued, there is no pipe to update yet.
 *
 * Counted with ZMQ_DONTWAIT sends until EAGAIN, after ZMQ_EVENTS (which
 * processes the socket's commands, so HWM changes the peer sent are in). */
#include "testutil.h"

static int fill (void *s)
{
    int ev;
    size_t len = sizeof ev;
    CHECK (zmq_getsockopt (s, ZMQ_EVENTS, &ev, &len) == 0);
    int n = 0;
    while (n < 100000 && zmq_send (s, "x", 1, ZMQ_DONTWAIT) == 1)
        n++;
    if (n < 100000)
        CHECK (zmq_errno () == EAGAIN);
    return n;
}

/* A PUSH connected over ipc to a path nobody listens on: its pipe exists
 * (ZMQ_IMMEDIATE is off) and nothing drains it. `before` -1: default. */
static void *nowhere (void *ctx, int before)
{
    static int n;
    char ep[128];
    snprintf (ep, sizeof ep, "ipc:///tmp/zmq-hwm-update-%d-%d", (int) getpid (), ++n);
    void *s = make (ctx, ZMQ_PUSH);
    if (before >= 0)
        CHECK (set_int (s, ZMQ_SNDHWM, before) == 0);
    CHECK (zmq_connect (s, ep) == 0);
    return s;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* ---- a session's pipe (ipc): the new SNDHWM is the limit */
    void *s = nowhere (ctx, -1);
    CHECK_INT (fill (s), 1000);
    CHECK (zmq_close (s) == 0);
    s = nowhere (ctx, -1);
    CHECK (set_int (s, ZMQ_SNDHWM, 10) == 0);
    CHECK_INT (fill (s), 10);
    CHECK (zmq_close (s) == 0);
    s = nowhere (ctx, 5);
    CHECK (set_int (s, ZMQ_SNDHWM, 20) == 0);
    CHECK_INT (fill (s), 20);
    CHECK (zmq_close (s) == 0);
    s = nowhere (ctx, 5);
    CHECK (set_int (s, ZMQ_SNDHWM, 0) == 0); /* no limit */
    CHECK_INT (fill (s), 100000);
    CHECK (zmq_close (s) == 0);
    s = nowhere (ctx, 5);
    CHECK (set_int (s, ZMQ_RCVHWM, 50) == 0); /* the other direction */
    CHECK_INT (fill (s), 5);
    CHECK (zmq_close (s) == 0);

    /* ---- inproc, PUSH connects to a bound PULL (1000 + 1000 at first) */
    void *pull = make (ctx, ZMQ_PULL);
    void *push = make (ctx, ZMQ_PUSH);
    CHECK (zmq_bind (pull, "inproc://hwm-a") == 0);
    CHECK (zmq_connect (push, "inproc://hwm-a") == 0);
    CHECK (set_int (push, ZMQ_SNDHWM, 10) == 0);
    CHECK_INT (fill (push), 10 + 1000);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    /* the PULL (binder) changes RCVHWM before it processed the attach:
     * no pipe yet, nothing changes */
    pull = make (ctx, ZMQ_PULL);
    push = make (ctx, ZMQ_PUSH);
    CHECK (zmq_bind (pull, "inproc://hwm-b") == 0);
    CHECK (zmq_connect (push, "inproc://hwm-b") == 0);
    CHECK (set_int (pull, ZMQ_RCVHWM, 10) == 0);
    CHECK_INT (fill (push), 2000);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    /* PUSH binds (SNDHWM 100), PULL connects: 100 + 1000. The PULL's new
     * RCVHWM 10 reaches the PUSH's pipe: 10 + the PULL's old 1000 */
    pull = make (ctx, ZMQ_PULL);
    push = make (ctx, ZMQ_PUSH);
    CHECK (set_int (push, ZMQ_SNDHWM, 100) == 0);
    CHECK (zmq_bind (push, "inproc://hwm-c") == 0);
    CHECK (zmq_connect (pull, "inproc://hwm-c") == 0);
    CHECK (set_int (pull, ZMQ_RCVHWM, 10) == 0);
    CHECK_INT (fill (push), 10 + 1000);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    /* ... and RCVHWM 0 lifts the limit */
    pull = make (ctx, ZMQ_PULL);
    push = make (ctx, ZMQ_PUSH);
    CHECK (set_int (push, ZMQ_SNDHWM, 100) == 0);
    CHECK (zmq_bind (push, "inproc://hwm-d") == 0);
    CHECK (zmq_connect (pull, "inproc://hwm-d") == 0);
    CHECK (set_int (pull, ZMQ_RCVHWM, 0) == 0);
    CHECK_INT (fill (push), 100000);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    /* a PULL with RCVHWM 0 when the pipe was made: unlimited for good */
    pull = make (ctx, ZMQ_PULL);
    push = make (ctx, ZMQ_PUSH);
    CHECK (set_int (pull, ZMQ_RCVHWM, 0) == 0);
    CHECK (zmq_bind (push, "inproc://hwm-e") == 0);
    CHECK (zmq_connect (pull, "inproc://hwm-e") == 0);
    CHECK (set_int (pull, ZMQ_RCVHWM, 10) == 0);
    CHECK_INT (fill (push), 100000);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    /* connected before anyone bound: boosted by a new socket's 1000 */
    push = make (ctx, ZMQ_PUSH);
    CHECK (zmq_connect (push, "inproc://hwm-f") == 0);
    CHECK (set_int (push, ZMQ_SNDHWM, 10) == 0);
    CHECK_INT (fill (push), 10 + 1000);
    CHECK (zmq_close (push) == 0);

    /* bound later, with PULL's RCVHWM 30: the new SNDHWM 10 adds that */
    push = make (ctx, ZMQ_PUSH);
    pull = make (ctx, ZMQ_PULL);
    CHECK (set_int (pull, ZMQ_RCVHWM, 30) == 0);
    CHECK (zmq_connect (push, "inproc://hwm-g") == 0);
    CHECK (zmq_bind (pull, "inproc://hwm-g") == 0);
    CHECK (set_int (push, ZMQ_SNDHWM, 10) == 0);
    CHECK_INT (fill (push), 10 + 30);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
