/* inproc: connect before bind succeeds; messages sent before the bind are delivered once it happens.
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
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_connect(b, "inproc://late-bind") == 0);
    CHECK(zmq_send(b, "early-1", 7, ZMQ_DONTWAIT) == 7);
    CHECK(zmq_send(b, "early", 5, ZMQ_SNDMORE) == 5);
    CHECK(zmq_send(b, "-2", 2, 0) == 2);

    CHECK(zmq_bind(a, "inproc://late-bind") == 0);
    char buf[16];
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 7);
    CHECK(memcmp(buf, "early-1", 7) == 0);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 5);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 2);
    CHECK(memcmp(buf, "-2", 2) == 0);

    /* and the reverse direction works too */
    CHECK(zmq_send(a, "late", 4, 0) == 4);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 4);
    CHECK(memcmp(buf, "late", 4) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
