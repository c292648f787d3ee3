/* zmq_msg_get/zmq_msg_set: MORE and SHARED read back, an unknown property is EINVAL, and nothing is settable.
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
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://get-set") == 0);
    CHECK(zmq_connect(b, "inproc://get-set") == 0);
    CHECK(zmq_send(a, "one", 3, ZMQ_SNDMORE) == 3);
    CHECK(zmq_send(a, "two", 3, 0) == 3);

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_recv(&msg, b, 0) == 3);
    CHECK(zmq_msg_more(&msg) == 1);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 1);
    CHECK(zmq_msg_get(&msg, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_recv(&msg, b, 0) == 3);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);

    CHECK_ERR(zmq_msg_get(&msg, 12345), EINVAL);
    CHECK_ERR(zmq_msg_get(&msg, -1), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, ZMQ_MORE, 1), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, ZMQ_SHARED, 1), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, 12345, 0), EINVAL);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);
    CHECK(zmq_msg_close(&msg) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
