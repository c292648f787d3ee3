/* zmq_recv into a short buffer copies what fits and returns the full frame size.
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
    CHECK(zmq_bind(a, "inproc://truncate") == 0);
    CHECK(zmq_connect(b, "inproc://truncate") == 0);

    char big[100];
    for (int i = 0; i < 100; i++)
        big[i] = (char) ('a' + i % 26);
    CHECK(zmq_send(a, big, sizeof big, 0) == 100);
    CHECK(zmq_send(a, "0123456789", 10, 0) == 10);
    CHECK(zmq_send(a, "zero", 4, 0) == 4);
    CHECK(zmq_send(a, NULL, 0, 0) == 0);

    char buf[16];
    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, 8, 0) == 100);
    CHECK(memcmp(buf, big, 8) == 0);
    CHECK(buf[8] == '#'); /* nothing written past len */

    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, 10, 0) == 10);
    CHECK(memcmp(buf, "0123456789", 10) == 0 && buf[10] == '#');

    CHECK(zmq_recv(b, NULL, 0, 0) == 4); /* a zero-length buffer discards the data */
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
