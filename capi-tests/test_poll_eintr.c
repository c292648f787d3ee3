/* A signal delivered while zmq_poll waits makes it return -1 / EINTR
 * (the handler is installed without SA_RESTART). */
#include "testutil.h"
#include <signal.h>
#include <sys/time.h>

static volatile sig_atomic_t fired = 0;

static void on_alarm (int sig)
{
    (void) sig;
    fired = 1;
}

int main (void)
{
    struct sigaction sa;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset (&sa.sa_mask);
    sa.sa_flags = 0;
    CHECK (sigaction (SIGALRM, &sa, NULL) == 0);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_bind (s, "inproc://poll-eintr") == 0);
    zmq_pollitem_t item = {s, 0, ZMQ_POLLIN, 0};

    /* a 50 ms timer interrupts an infinite poll */
    struct itimerval it;
    memset (&it, 0, sizeof it);
    it.it_value.tv_usec = 50000;
    CHECK (setitimer (ITIMER_REAL, &it, NULL) == 0);
    int rc = zmq_poll (&item, 1, -1);
    CHECK (rc == -1);
    CHECK (zmq_errno () == EINTR);
    CHECK (fired);

    /* also with no items (a plain sleep) */
    fired = 0;
    CHECK (setitimer (ITIMER_REAL, &it, NULL) == 0);
    rc = zmq_poll (NULL, 0, 10000);
    CHECK (rc == -1);
    CHECK (zmq_errno () == EINTR);
    CHECK (fired);

    CHECK (zmq_close (s) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
