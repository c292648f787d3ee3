/* zmq_msg_init: an empty message has size 0, no MORE, and closes cleanly.
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
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_size(&msg) == 0);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_close(&msg) == 0);
    /* a closed message may be initialised again */
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_close(&msg) == 0);
    return 0;
}
