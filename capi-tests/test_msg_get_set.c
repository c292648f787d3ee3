/* zmq_msg_get/zmq_msg_set: MORE and SHARED read back, an unknown property is EINVAL, and nothing is settable.
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
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://get-set") == 0);
    CHECK(zmq_connect(b, "inproc://get-set") == 0);
    CHECK(zmq_send(a, "one", 3, ZMQ_SNDMORE) == 3);
    CHECK(zmq_send(a, "two", 3, 0) == 3);

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_recv(&msg, b, 0) == 3);
    CHECK(zmq_msg_more(&msg) == 1);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 1);
    CHECK(zmq_msg_get(&msg, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_recv(&msg, b, 0) == 3);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);

    CHECK_ERR(zmq_msg_get(&msg, 12345), EINVAL);
    CHECK_ERR(zmq_msg_get(&msg, -1), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, ZMQ_MORE, 1), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, ZMQ_SHARED, 1), EINVAL);
    CHECK_ERR(zmq_msg_set(&msg, 12345, 0), EINVAL);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);
    CHECK(zmq_msg_close(&msg) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
