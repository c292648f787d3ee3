/* zmq_init/zmq_term and zmq_ctx_destroy: the legacy context calls; zmq_init(-1) is EINVAL.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    void *ctx = zmq_init(1);
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 1);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_term(ctx) == 0);

    ctx = zmq_init(0); /* inproc-only contexts need no I/O thread */
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 0);
    CHECK(zmq_ctx_destroy(ctx) == 0);

    ctx = zmq_init(3);
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 3);
    CHECK(zmq_ctx_term(ctx) == 0);

    errno = 0;
    CHECK(zmq_init(-1) == NULL);
    CHECK(zmq_errno() == EINVAL);

    /* several contexts live side by side */
    void *c1 = zmq_ctx_new(), *c2 = zmq_ctx_new();
    CHECK(c1 && c2 && c1 != c2);
    CHECK(zmq_ctx_term(c2) == 0);
    CHECK(zmq_ctx_term(c1) == 0);
    return 0;
}
