/* zmq_bind/zmq_connect: malformed endpoints are EINVAL, unknown transports EPROTONOSUPPORT.
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

static void both(void *s, const char *ep, int err)
{
    errno = 0;
    int rc = zmq_bind(s, ep);
    if (rc != -1 || zmq_errno() != err) {
        fprintf(stderr, "bind(\"%s\"): rc %d errno %d (%s), want errno %d\n",
                ep, rc, zmq_errno(), zmq_strerror(zmq_errno()), err);
        exit(1);
    }
    errno = 0;
    rc = zmq_connect(s, ep);
    if (rc != -1 || zmq_errno() != err) {
        fprintf(stderr, "connect(\"%s\"): rc %d errno %d (%s), want errno %d\n",
                ep, rc, zmq_errno(), zmq_strerror(zmq_errno()), err);
        exit(1);
    }
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);

    both(s, "", EINVAL);
    both(s, "inproc", EINVAL);
    both(s, "inproc:/x", EINVAL);
    both(s, "inproc://", EINVAL);
    both(s, "://x", EINVAL);
    both(s, "foo://", EINVAL); /* the empty address is checked first */
    both(s, "foo://bar", EPROTONOSUPPORT);
    both(s, "INPROC://x", EPROTONOSUPPORT); /* transport names are case-sensitive */

    /* the socket still works */
    CHECK(zmq_bind(s, "inproc://fine") == 0);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
