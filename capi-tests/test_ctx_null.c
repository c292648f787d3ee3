/* Context calls with a NULL context fail with EFAULT.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    CHECK_ERR(zmq_ctx_term(NULL), EFAULT);
    CHECK_ERR(zmq_ctx_shutdown(NULL), EFAULT);
    CHECK_ERR(zmq_ctx_set(NULL, ZMQ_IO_THREADS, 1), EFAULT);
    CHECK_ERR(zmq_ctx_get(NULL, ZMQ_IO_THREADS), EFAULT);
    CHECK_ERR(zmq_term(NULL), EFAULT);
    CHECK_ERR(zmq_ctx_destroy(NULL), EFAULT);
    errno = 0;
    CHECK(zmq_socket(NULL, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == EFAULT);
    return 0;
}
