/* ZMQ_TYPE reads back the type the socket was created with; it is read-only.
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
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    int type = -1;
    size_t size = sizeof type;
    CHECK(zmq_getsockopt(s, ZMQ_TYPE, &type, &size) == 0);
    CHECK(type == ZMQ_PAIR);
    CHECK(size == sizeof type);
    type = ZMQ_PUB;
    CHECK_ERR(zmq_setsockopt(s, ZMQ_TYPE, &type, sizeof type), EINVAL);
    size = sizeof type;
    CHECK(zmq_getsockopt(s, ZMQ_TYPE, &type, &size) == 0);
    CHECK(type == ZMQ_PAIR);
    /* an int option with a short buffer is EINVAL */
    size = 2;
    CHECK_ERR(zmq_getsockopt(s, ZMQ_TYPE, &type, &size), EINVAL);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
