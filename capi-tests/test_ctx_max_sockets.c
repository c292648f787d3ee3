/* ZMQ_MAX_SOCKETS: creating one socket more than the limit fails with EMFILE. (Closing one makes room again, but libzmq frees the slot asynchronously, so that is not checked.)
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
    CHECK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 3) == 0);
    void *s[3];
    for (int i = 0; i < 3; i++) {
        s[i] = zmq_socket(ctx, ZMQ_PAIR);
        CHECK(s[i]);
    }
    errno = 0;
    CHECK(zmq_socket(ctx, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == EMFILE);

    /* a new context has its own count */
    void *ctx2 = zmq_ctx_new();
    CHECK(ctx2);
    CHECK(zmq_ctx_set(ctx2, ZMQ_MAX_SOCKETS, 1) == 0);
    void *t = zmq_socket(ctx2, ZMQ_PAIR);
    CHECK(t);
    errno = 0;
    CHECK(zmq_socket(ctx2, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == EMFILE);
    CHECK(zmq_close(t) == 0);
    CHECK(zmq_ctx_term(ctx2) == 0);

    for (int i = 0; i < 3; i++)
        CHECK(zmq_close(s[i]) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
