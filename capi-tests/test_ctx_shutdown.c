/* zmq_ctx_shutdown: new sockets are refused with ETERM, existing ones fail with ETERM but can be closed, then zmq_ctx_term returns.
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
    CHECK(s);
    CHECK(zmq_bind(s, "inproc://shutdown") == 0);

    CHECK(zmq_ctx_shutdown(ctx) == 0);
    CHECK(zmq_ctx_shutdown(ctx) == 0); /* twice is fine */

    errno = 0;
    CHECK(zmq_socket(ctx, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == ETERM);

    char buf[8];
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, 0), ETERM);
    CHECK_ERR(zmq_send(s, "x", 1, 0), ETERM);
    CHECK_ERR(zmq_connect(s, "inproc://shutdown"), ETERM);
    CHECK_ERR(zmq_bind(s, "inproc://other"), ETERM);

    /* options fail too */
    int linger = 0;
    CHECK_ERR(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger), ETERM);
    int type = -1;
    size_t size = sizeof type;
    CHECK_ERR(zmq_getsockopt(s, ZMQ_TYPE, &type, &size), ETERM);
    CHECK_ERR(zmq_unbind(s, "inproc://shutdown"), ETERM);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
