/* zmq_init/zmq_term and zmq_ctx_destroy: the legacy context calls; zmq_init(-1) is EINVAL.
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
    void *ctx = zmq_init(1);
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 1);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_term(ctx) == 0);

    ctx = zmq_init(0); /* inproc-only contexts need no I/O thread */
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 0);
    CHECK(zmq_ctx_destroy(ctx) == 0);

    ctx = zmq_init(3);
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 3);
    CHECK(zmq_ctx_term(ctx) == 0);

    errno = 0;
    CHECK(zmq_init(-1) == NULL);
    CHECK(zmq_errno() == EINVAL);

    /* several contexts live side by side */
    void *c1 = zmq_ctx_new(), *c2 = zmq_ctx_new();
    CHECK(c1 && c2 && c1 != c2);
    CHECK(zmq_ctx_term(c2) == 0);
    CHECK(zmq_ctx_term(c1) == 0);
    return 0;
}
