/* A blocking zmq_recv interrupted by a signal (handler installed without SA_RESTART) fails with EINTR.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"
#include <signal.h>

static volatile sig_atomic_t got_signal;

static void on_alarm(int sig)
{
    (void) sig;
    got_signal = 1;
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART */
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);

    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_bind(s, "inproc://eintr") == 0);

    /* The I/O thread blocks signals, so SIGALRM is delivered to this thread. */
    alarm(1);
    char buf[8];
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, 0), EINTR);
    CHECK(got_signal == 1);

    /* the socket still works after the interruption */
    void *p = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(p);
    CHECK(zmq_connect(p, "inproc://eintr") == 0);
    CHECK(zmq_send(p, "ok", 2, 0) == 2);
    CHECK(zmq_recv(s, buf, sizeof buf, 0) == 2);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_close(p) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
