/* zmq_connect to a host name that does not resolve succeeds (the name is
 * resolved later, and again at each reconnection); with a second endpoint
 * connected beside it, zmq_close and zmq_ctx_term still return at once,
 * on a DEALER and on a PAIR (which takes one peer at a time). A watchdog
 * fails the test if they block for 5 s.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

#include <signal.h>

static char current[512]; /* the case under way, for the watchdog */

static void watchdog(int sig)
{
    (void) sig;
    static const char msg[] = "zmq_close/zmq_ctx_term blocked for 5 s: ";
    if (write(2, msg, sizeof msg - 1) < 0
        || write(2, current, strlen(current)) < 0) {
    }
    _exit(1);
}

/* Connects a socket of `type` to `first` then `second`, lets the I/O thread work on
 * them for 200 ms, then closes it and ends the context under the watchdog. */
static void run(int type, const char *first, const char *second)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = make(ctx, type);
    CHECK(set_int(s, ZMQ_RECONNECT_IVL, 20) == 0);
    CHECK(zmq_connect(s, first) == 0);
    if (second)
        CHECK(zmq_connect(s, second) == 0);
    usleep(200000);
    snprintf(current, sizeof current, "socket type %d, %s then %s\n", type,
             first, second ? second : "nothing");
    signal(SIGALRM, watchdog);
    alarm(5);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    alarm(0);
}

int main(void)
{
    int port;
    int held = hold_port(&port); /* connections to it are refused */
    char refused[64];
    snprintf(refused, sizeof refused, "tcp://127.0.0.1:%d", port);
    const char *nowhere = "tcp://no-such-host.invalid:5555";

    const int types[] = {ZMQ_DEALER, ZMQ_PAIR};
    for (int i = 0; i < 2; i++) {
        run(types[i], nowhere, NULL);
        run(types[i], nowhere, refused);
        run(types[i], refused, nowhere);
        run(types[i], nowhere, "ipc:///tmp/zmq-capi-no-such-socket.ipc");
        run(types[i], nowhere, "tcp://no-such-host-either.invalid:5556");
    }

    close(held);
    return 0;
}
