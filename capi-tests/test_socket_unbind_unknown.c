/* zmq_unbind/zmq_disconnect of an endpoint the socket never used fail with ENOENT.
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
    void *p = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s && p);
    CHECK_ERR(zmq_unbind(s, "inproc://never"), ENOENT);
    CHECK_ERR(zmq_disconnect(s, "inproc://never"), ENOENT);

    CHECK(zmq_bind(s, "inproc://bound") == 0);
    CHECK(zmq_connect(p, "inproc://bound") == 0);
    CHECK(zmq_unbind(s, "inproc://bound") == 0);
    CHECK_ERR(zmq_unbind(s, "inproc://bound"), ENOENT);
    CHECK_ERR(zmq_disconnect(s, "inproc://bound"), ENOENT);
    CHECK(zmq_disconnect(p, "inproc://bound") == 0);
    CHECK_ERR(zmq_disconnect(p, "inproc://bound"), ENOENT);
    CHECK_ERR(zmq_unbind(p, "inproc://bound"), ENOENT);

    /* libzmq treats unbind and disconnect alike: disconnect on the binder
       unbinds, unbind on the connecter disconnects (fresh sockets: a PAIR
       that still holds its old peer would refuse the new connection) */
    void *s2 = zmq_socket(ctx, ZMQ_PAIR);
    void *p2 = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s2 && p2);
    CHECK(zmq_bind(s2, "inproc://again") == 0);
    CHECK(zmq_connect(p2, "inproc://again") == 0);
    CHECK(zmq_disconnect(s2, "inproc://again") == 0);
    CHECK_ERR(zmq_unbind(s2, "inproc://again"), ENOENT);
    CHECK(zmq_unbind(p2, "inproc://again") == 0);
    CHECK_ERR(zmq_disconnect(p2, "inproc://again"), ENOENT);
    CHECK(zmq_close(s2) == 0);
    CHECK(zmq_close(p2) == 0);

    /* malformed endpoints */
    CHECK_ERR(zmq_unbind(s, "nonsense"), EINVAL);
    CHECK_ERR(zmq_disconnect(s, "nonsense"), EINVAL);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_close(p) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
