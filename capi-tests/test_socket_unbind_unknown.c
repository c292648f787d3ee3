/* zmq_unbind/zmq_disconnect of an endpoint the socket never used fail with ENOENT.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

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
