/* zmq_msg_move: the destination takes the content, the source becomes empty.
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
    zmq_msg_t a, b;
    CHECK(zmq_msg_init_size(&a, 100) == 0);
    memset(zmq_msg_data(&a), 'M', 100);
    void *data = zmq_msg_data(&a);
    CHECK(zmq_msg_init_size(&b, 7) == 0); /* old content of dest is released */
    CHECK(zmq_msg_move(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 100);
    CHECK(zmq_msg_data(&b) == data);
    CHECK(zmq_msg_get(&b, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_size(&a) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(((char *) zmq_msg_data(&b))[0] == 'M');
    CHECK(zmq_msg_close(&b) == 0);

    /* small message */
    CHECK(zmq_msg_init_size(&a, 3) == 0);
    memcpy(zmq_msg_data(&a), "abc", 3);
    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_move(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 3);
    CHECK(memcmp(zmq_msg_data(&b), "abc", 3) == 0);
    CHECK(zmq_msg_size(&a) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(zmq_msg_close(&b) == 0);
    return 0;
}
