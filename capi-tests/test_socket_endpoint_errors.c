/* zmq_bind/zmq_connect: malformed endpoints are EINVAL, unknown transports EPROTONOSUPPORT.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

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
