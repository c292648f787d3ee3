/* zmq_sendmsg/zmq_recvmsg (the old names) send and receive zmq_msg_t frames like zmq_msg_send/zmq_msg_recv.
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
    CHECK(zmq_bind(a, "inproc://sendmsg") == 0);
    CHECK(zmq_connect(b, "inproc://sendmsg") == 0);

    zmq_msg_t msg;
    CHECK(zmq_msg_init_size(&msg, 3) == 0);
    memcpy(zmq_msg_data(&msg), "abc", 3);
    CHECK(zmq_sendmsg(a, &msg, ZMQ_SNDMORE) == 3);
    CHECK(zmq_msg_size(&msg) == 0); /* a sent message is emptied */
    CHECK(zmq_msg_close(&msg) == 0);
    CHECK(zmq_msg_init_size(&msg, 200) == 0);
    memset(zmq_msg_data(&msg), 'z', 200);
    CHECK(zmq_sendmsg(a, &msg, 0) == 200);
    CHECK(zmq_msg_close(&msg) == 0);

    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_recvmsg(b, &msg, 0) == 3);
    CHECK(memcmp(zmq_msg_data(&msg), "abc", 3) == 0);
    CHECK(zmq_msg_more(&msg) == 1);
    CHECK(zmq_recvmsg(b, &msg, 0) == 200);
    CHECK(((char *) zmq_msg_data(&msg))[199] == 'z');
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK_ERR(zmq_recvmsg(b, &msg, ZMQ_DONTWAIT), EAGAIN);
    CHECK(zmq_msg_close(&msg) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
