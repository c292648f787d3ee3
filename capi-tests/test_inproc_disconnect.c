/* inproc: after zmq_disconnect the binder sees what was sent before, then nothing; a PAIR binder can accept a new peer.
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
    CHECK(zmq_bind(a, "inproc://disconnect") == 0);
    CHECK(zmq_connect(b, "inproc://disconnect") == 0);
    char buf[16];
    CHECK(zmq_send(b, "before", 6, 0) == 6);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 6);
    CHECK(zmq_send(b, "last", 4, 0) == 4);
    CHECK(zmq_disconnect(b, "inproc://disconnect") == 0);

    /* the disconnected PAIR has no peer: sending would block */
    CHECK_ERR(zmq_send(b, "after", 5, ZMQ_DONTWAIT), EAGAIN);
    /* what was sent before the disconnect is still delivered */
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 4);
    CHECK(memcmp(buf, "last", 4) == 0);
    CHECK_ERR(zmq_recv(a, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* reconnecting gives a working pair again */
    CHECK(zmq_connect(b, "inproc://disconnect") == 0);
    CHECK(zmq_send(b, "again", 5, 0) == 5);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 5);
    CHECK(memcmp(buf, "again", 5) == 0);
    CHECK(zmq_send(a, "back", 4, 0) == 4);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 4);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
