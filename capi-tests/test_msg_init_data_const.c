/* zmq_msg_init_data with no free function: constant data, never freed, reported as ZMQ_SHARED.
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

static const char text[] = "constant data that the library must never free";

int main(void)
{
    zmq_msg_t m, c;
    CHECK(zmq_msg_init_data(&m, (void *) text, sizeof text, NULL, NULL) == 0);
    CHECK(zmq_msg_size(&m) == sizeof text);
    CHECK(zmq_msg_data(&m) == (void *) text);
    CHECK(zmq_msg_get(&m, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_init(&c) == 0);
    CHECK(zmq_msg_copy(&c, &m) == 0);
    CHECK(zmq_msg_get(&c, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_data(&c) == (void *) text);
    CHECK(zmq_msg_close(&m) == 0);
    CHECK(zmq_msg_close(&c) == 0);

    /* an empty zero-copy message */
    CHECK(zmq_msg_init_data(&m, (void *) text, 0, NULL, NULL) == 0);
    CHECK(zmq_msg_size(&m) == 0);
    CHECK(zmq_msg_close(&m) == 0);
    return 0;
}
