/* inproc: binding an endpoint that is already bound in the context fails with EADDRINUSE; other contexts are separate.
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
    CHECK(zmq_bind(a, "inproc://twice") == 0);
    CHECK_ERR(zmq_bind(b, "inproc://twice"), EADDRINUSE);
    CHECK_ERR(zmq_bind(a, "inproc://twice"), EADDRINUSE);

    /* a different context has its own inproc namespace */
    void *ctx2 = zmq_ctx_new();
    CHECK(ctx2);
    void *c = zmq_socket(ctx2, ZMQ_PAIR);
    CHECK(c);
    CHECK(zmq_bind(c, "inproc://twice") == 0);
    CHECK(zmq_close(c) == 0);
    CHECK(zmq_ctx_term(ctx2) == 0);

    /* once the owner unbinds, the name is free again (after zmq_close it is
       freed too, but asynchronously in libzmq, so that is not tested) */
    CHECK(zmq_unbind(a, "inproc://twice") == 0);
    CHECK(zmq_bind(b, "inproc://twice") == 0);
    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
