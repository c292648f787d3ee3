/* DRAFT zmq_ppoll (libzmq 4.3.5; not in 4.3.4): zmq_poll whose wait runs
 * with the given signal mask. With SIGALRM blocked in the thread, a timer
 * firing during zmq_ppoll with a mask that unblocks it interrupts the wait
 * (-1 / EINTR, handler run); with a mask that keeps it blocked the wait
 * runs its course and the signal stays pending; NULL behaves as zmq_poll. */
#include "testutil.h"
#include <signal.h>

static volatile sig_atomic_t fired = 0;

static void on_alarm (int sig)
{
    (void) sig;
    fired = 1;
}

static void arm_50ms (void)
{
    struct itimerval it;
    memset (&it, 0, sizeof it);
    it.it_value.tv_usec = 50000;
    CHECK (setitimer (ITIMER_REAL, &it, NULL) == 0);
}

int main (void)
{
    struct sigaction sa;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset (&sa.sa_mask);
    CHECK (sigaction (SIGALRM, &sa, NULL) == 0);

    /* block SIGALRM; `open` is the mask without it */
    sigset_t alrm, open, blocked;
    sigemptyset (&alrm);
    sigaddset (&alrm, SIGALRM);
    CHECK (sigprocmask (SIG_BLOCK, &alrm, &open) == 0);
    CHECK (sigprocmask (SIG_BLOCK, NULL, &blocked) == 0);
    sigdelset (&open, SIGALRM);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_bind (s, "inproc://ppoll") == 0);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};

    /* NULL mask: as zmq_poll (times out, no events) */
    CHECK_INT (zmq_ppoll (&item, 1, 10, NULL), 0);
    CHECK_INT (item.revents, 0);

    /* mask keeping SIGALRM blocked: the 300 ms wait is not interrupted */
    arm_50ms ();
    CHECK_INT (zmq_ppoll (&item, 1, 300, &blocked), 0);
    CHECK (!fired);
    sigset_t pending;
    CHECK (sigpending (&pending) == 0);
    CHECK (sigismember (&pending, SIGALRM));

    /* mask unblocking it: the pending signal is taken at once -> EINTR */
    CHECK_ERR (zmq_ppoll (&item, 1, -1, &open), EINTR);
    CHECK (fired);

    /* and a signal arriving during an infinite wait */
    fired = 0;
    arm_50ms ();
    CHECK_ERR (zmq_ppoll (&item, 1, -1, &open), EINTR);
    CHECK (fired);

    /* events still come through */
    void *tx = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (tx);
    CHECK (zmq_connect (tx, "inproc://ppoll") == 0);
    send_s (tx, "x", 0);
    CHECK_INT (zmq_ppoll (&item, 1, 1000, &open), 1);
    CHECK_INT (item.revents, ZMQ_POLLIN);
    CHECK_ERR (zmq_ppoll (&item, -1, 0, &open), EINVAL);

    CHECK (zmq_close (tx) == 0);
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
