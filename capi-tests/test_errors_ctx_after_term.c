/* A context pointer used after zmq_ctx_term: zmq_socket, zmq_ctx_get/set and zmq_ctx_term fail with EFAULT. (In libzmq this reads freed memory and works only because the dead tag is still there; we guarantee it by never freeing context handles.)
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
    CHECK(zmq_ctx_term(ctx) == 0);
    errno = 0;
    CHECK(zmq_socket(ctx, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == EFAULT);
    CHECK_ERR(zmq_ctx_get(ctx, ZMQ_IO_THREADS), EFAULT);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 1), EFAULT);
    CHECK_ERR(zmq_ctx_term(ctx), EFAULT);
    return 0;
}
