/* ZMQ_DONTWAIT: send and receive that cannot proceed fail at once with EAGAIN; a failed zmq_msg_send leaves the message with the caller.
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
    CHECK(a);
    CHECK(zmq_bind(a, "inproc://dontwait") == 0);
    char buf[8];
    CHECK_ERR(zmq_recv(a, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_send(a, "x", 1, ZMQ_DONTWAIT), EAGAIN);

    zmq_msg_t msg;
    CHECK(zmq_msg_init_size(&msg, 100) == 0);
    memset(zmq_msg_data(&msg), 'k', 100);
    CHECK_ERR(zmq_msg_send(&msg, a, ZMQ_DONTWAIT), EAGAIN);
    CHECK(zmq_msg_size(&msg) == 100); /* still ours */
    CHECK(((char *) zmq_msg_data(&msg))[50] == 'k');

    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(b);
    CHECK(zmq_connect(b, "inproc://dontwait") == 0);
    CHECK(zmq_msg_send(&msg, b, ZMQ_DONTWAIT) == 100);
    CHECK(zmq_msg_close(&msg) == 0);
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_recv(&msg, a, 0) == 100);
    CHECK(((char *) zmq_msg_data(&msg))[99] == 'k');
    CHECK(zmq_msg_close(&msg) == 0);
    CHECK_ERR(zmq_recv(a, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
