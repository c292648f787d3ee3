/* Context calls with a NULL context fail with EFAULT.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include <zmq.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed (errno %d: %s)\n",      \
                    __FILE__, __LINE__, #cond, zmq_errno(),                  \
                    zmq_strerror(zmq_errno()));                              \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

/* `call` must fail with -1 and errno `e`. */
#define CHECK_ERR(call, e)                                                   \
    do {                                                                     \
        errno = 0;                                                           \
        int rc_ = (int) (call);                                              \
        int en_ = zmq_errno();                                               \
        if (rc_ != -1 || en_ != (e)) {                                       \
            fprintf(stderr, "%s:%d: %s: want -1/%s, got %d/errno %d (%s)\n", \
                    __FILE__, __LINE__, #call, #e, rc_, en_,                 \
                    zmq_strerror(en_));                                      \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

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
