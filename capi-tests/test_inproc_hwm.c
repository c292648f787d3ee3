/* inproc HWM: a pipe holds the sender's SNDHWM plus the receiver's RCVHWM (bind-first or connect-first), the sender's SNDHWM alone while the connect is pending; once drained, sending works again.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

/* Sends one-byte messages with DONTWAIT until EAGAIN; returns how many went. */
static int fill(void *s)
{
    int n = 0;
    while (n < 100000) {
        int rc = zmq_send(s, "x", 1, ZMQ_DONTWAIT);
        if (rc == -1) {
            CHECK(zmq_errno() == EAGAIN);
            break;
        }
        CHECK(rc == 1);
        n++;
    }
    return n;
}

static int drain_count(void *s)
{
    char buf[4];
    int n = 0;
    while (zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT) == 1)
        n++;
    CHECK(zmq_errno() == EAGAIN);
    return n;
}

static void pair_case(void *ctx, const char *ep, int bind_first)
{
    void *a = zmq_socket(ctx, ZMQ_PAIR); /* binds */
    void *b = zmq_socket(ctx, ZMQ_PAIR); /* connects */
    CHECK(a && b);
    CHECK(set_int(a, ZMQ_SNDHWM, 5) == 0);
    CHECK(set_int(a, ZMQ_RCVHWM, 7) == 0);
    CHECK(set_int(b, ZMQ_SNDHWM, 11) == 0);
    CHECK(set_int(b, ZMQ_RCVHWM, 20) == 0);
    if (bind_first) {
        CHECK(zmq_bind(a, ep) == 0);
        CHECK(zmq_connect(b, ep) == 0);
    } else {
        CHECK(zmq_connect(b, ep) == 0);
        CHECK(zmq_bind(a, ep) == 0);
    }
    CHECK(fill(a) == 5 + 20);
    CHECK(fill(b) == 11 + 7);
    CHECK(drain_count(b) == 25);
    CHECK(drain_count(a) == 18);

    /* room again: a blocking send succeeds (a timeout guards against a hang) */
    CHECK(set_int(a, ZMQ_SNDTIMEO, 5000) == 0);
    CHECK(zmq_send(a, "y", 1, 0) == 1);
    char buf[4];
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1 && buf[0] == 'y');
    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    pair_case(ctx, "inproc://hwm-bind-first", 1);
    pair_case(ctx, "inproc://hwm-connect-first", 0);

    /* default HWMs: 1000 + 1000 */
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://hwm-default") == 0);
    CHECK(zmq_connect(b, "inproc://hwm-default") == 0);
    CHECK(fill(a) == 2000);
    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);

    /* while the connect is pending only the connecter's SNDHWM counts */
    a = zmq_socket(ctx, ZMQ_PAIR);
    b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(set_int(b, ZMQ_SNDHWM, 11) == 0);
    CHECK(set_int(a, ZMQ_RCVHWM, 7) == 0);
    CHECK(zmq_connect(b, "inproc://hwm-pending") == 0);
    CHECK(fill(b) == 11);
    CHECK(zmq_bind(a, "inproc://hwm-pending") == 0);
    char buf[4];
    for (int i = 0; i < 11; i++)
        CHECK(zmq_recv(a, buf, sizeof buf, 0) == 1);
    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);

    /* SNDHWM 0 means no limit */
    a = zmq_socket(ctx, ZMQ_PAIR);
    b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(set_int(a, ZMQ_SNDHWM, 0) == 0);
    CHECK(zmq_bind(a, "inproc://hwm-none") == 0);
    CHECK(zmq_connect(b, "inproc://hwm-none") == 0);
    CHECK(fill(a) == 100000);
    int linger = 0;
    CHECK(zmq_setsockopt(a, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);

    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
