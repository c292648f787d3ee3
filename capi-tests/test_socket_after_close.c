/* Calls on a socket that was already closed fail with ENOTSOCK (the context still lives).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_close(s) == 0);

    char buf[8];
    int v = 0;
    size_t size = sizeof v;
    CHECK_ERR(zmq_close(s), ENOTSOCK);
    CHECK_ERR(zmq_bind(s, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_connect(s, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_send(s, "x", 1, ZMQ_DONTWAIT), ENOTSOCK);
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSOCK);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_LINGER, &v, sizeof v), ENOTSOCK);
    CHECK_ERR(zmq_getsockopt(s, ZMQ_LINGER, &v, &size), ENOTSOCK);

    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
