/* zmq_msg_copy: a large message's copy shares its buffer and both report ZMQ_SHARED; a small one is copied.
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
    /* large: shared buffer */
    CHECK(zmq_msg_init_size(&a, 100) == 0);
    memset(zmq_msg_data(&a), 'L', 100);
    CHECK(zmq_msg_get(&a, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 100);
    CHECK(zmq_msg_data(&b) == zmq_msg_data(&a));
    CHECK(zmq_msg_get(&a, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_get(&b, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(((char *) zmq_msg_data(&b))[99] == 'L');
    CHECK(zmq_msg_close(&b) == 0);

    /* small: an independent copy, not shared */
    CHECK(zmq_msg_init_size(&a, 5) == 0);
    memcpy(zmq_msg_data(&a), "hello", 5);
    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 5);
    CHECK(memcmp(zmq_msg_data(&b), "hello", 5) == 0);
    CHECK(zmq_msg_data(&b) != zmq_msg_data(&a));
    CHECK(zmq_msg_get(&a, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_get(&b, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(zmq_msg_close(&b) == 0);

    /* copying onto an initialised, non-empty message releases its old content */
    CHECK(zmq_msg_init_size(&a, 200) == 0);
    CHECK(zmq_msg_init_size(&b, 300) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 200);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(zmq_msg_close(&b) == 0);
    return 0;
}
