/* ZMQ_TYPE reads back the type the socket was created with; it is read-only.
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
    int type = -1;
    size_t size = sizeof type;
    CHECK(zmq_getsockopt(s, ZMQ_TYPE, &type, &size) == 0);
    CHECK(type == ZMQ_PAIR);
    CHECK(size == sizeof type);
    type = ZMQ_PUB;
    CHECK_ERR(zmq_setsockopt(s, ZMQ_TYPE, &type, sizeof type), EINVAL);
    size = sizeof type;
    CHECK(zmq_getsockopt(s, ZMQ_TYPE, &type, &size) == 0);
    CHECK(type == ZMQ_PAIR);
    /* an int option with a short buffer is EINVAL */
    size = 2;
    CHECK_ERR(zmq_getsockopt(s, ZMQ_TYPE, &type, &size), EINVAL);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
