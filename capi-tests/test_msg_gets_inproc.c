/* zmq_msg_gets: a message that came over inproc (or was never sent) has no properties.
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
    CHECK(zmq_bind(a, "inproc://gets") == 0);
    CHECK(zmq_connect(b, "inproc://gets") == 0);
    CHECK(zmq_send(a, "hi", 2, 0) == 2);

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    errno = 0;
    CHECK(zmq_msg_gets(&msg, "Socket-Type") == NULL);
    CHECK(zmq_errno() == EINVAL);

    CHECK(zmq_msg_recv(&msg, b, 0) == 2);
    errno = 0;
    CHECK(zmq_msg_gets(&msg, "Socket-Type") == NULL);
    CHECK(zmq_errno() == EINVAL);
    errno = 0;
    CHECK(zmq_msg_gets(&msg, "Peer-Address") == NULL);
    CHECK(zmq_errno() == EINVAL);
    errno = 0;
    CHECK(zmq_msg_gets(&msg, "no-such-property") == NULL);
    CHECK(zmq_errno() == EINVAL);
    CHECK(zmq_msg_get(&msg, ZMQ_SRCFD) == -1);
    CHECK(zmq_msg_close(&msg) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
