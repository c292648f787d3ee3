/* DRAFT zmq_poller_wait: a wait blocked forever in another thread returns
 * -1 / ETERM when the context is terminated, and -1 / EINTR when a signal
 * arrives (handler without SA_RESTART). */
#include "testutil.h"
#include <signal.h>

static volatile sig_atomic_t fired = 0;

static void on_alarm (int sig)
{
    (void) sig;
    fired = 1;
}

struct job
{
    void *sock;
    int ready_fd;
    int rc, err;
};

static void waiter (void *arg)
{
    struct job *j = (struct job *) arg;
    void *poller = zmq_poller_new ();
    if (!poller || zmq_poller_add (poller, j->sock, NULL, ZMQ_POLLIN) != 0)
        return;
    if (write (j->ready_fd, "r", 1) != 1)
        return;
    zmq_poller_event_t ev;
    j->rc = zmq_poller_wait (poller, &ev, -1);
    j->err = zmq_errno ();
    zmq_poller_destroy (&poller);
    int linger = 0;
    zmq_setsockopt (j->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close (j->sock);
}

int main (void)
{
    struct sigaction sa;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset (&sa.sa_mask);
    CHECK (sigaction (SIGALRM, &sa, NULL) == 0);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* EINTR: a 50 ms timer interrupts an infinite wait */
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_bind (s, "inproc://poller-eintr") == 0);
    void *poller = zmq_poller_new ();
    CHECK (poller);
    CHECK (zmq_poller_add (poller, s, NULL, ZMQ_POLLIN) == 0);
    struct itimerval it;
    memset (&it, 0, sizeof it);
    it.it_value.tv_usec = 50000;
    CHECK (setitimer (ITIMER_REAL, &it, NULL) == 0);
    zmq_poller_event_t ev;
    CHECK_ERR (zmq_poller_wait (poller, &ev, -1), EINTR);
    CHECK (fired);
    CHECK (zmq_poller_destroy (&poller) == 0);
    CHECK (zmq_close (s) == 0);

    /* ETERM: the context is terminated under a blocked wait */
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_bind (s, "inproc://poller-eterm") == 0);
    int p[2];
    CHECK (pipe (p) == 0);
    struct job j = {s, p[1], 0, 0};
    void *t = zmq_threadstart (waiter, &j);
    CHECK (t);
    char c;
    CHECK (read (p[0], &c, 1) == 1);
    CHECK (zmq_ctx_term (ctx) == 0);
    zmq_threadclose (t);
    CHECK (j.rc == -1);
    CHECK (j.err == ETERM);
    close (p[0]);
    close (p[1]);
    return 0;
}
