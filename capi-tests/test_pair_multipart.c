/* PAIR: multipart messages travel whole and in order both ways, including empty and large frames.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void send_parts(void *s, int nparts, size_t size)
{
    for (int i = 0; i < nparts; i++) {
        zmq_msg_t m;
        CHECK(zmq_msg_init_size(&m, size) == 0);
        if (size)
            memset(zmq_msg_data(&m), 'a' + i % 26, size);
        CHECK(zmq_msg_send(&m, s, i + 1 < nparts ? ZMQ_SNDMORE : 0) == (int) size);
        CHECK(zmq_msg_close(&m) == 0);
    }
}

static void recv_parts(void *s, int nparts, size_t size)
{
    zmq_msg_t m;
    CHECK(zmq_msg_init(&m) == 0);
    for (int i = 0; i < nparts; i++) {
        CHECK(zmq_msg_recv(&m, s, 0) == (int) size);
        if (size) {
            CHECK(((char *) zmq_msg_data(&m))[0] == 'a' + i % 26);
            CHECK(((char *) zmq_msg_data(&m))[size - 1] == 'a' + i % 26);
        }
        int more = -1;
        size_t len = sizeof more;
        CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &more, &len) == 0);
        CHECK(more == (i + 1 < nparts));
        CHECK(zmq_msg_more(&m) == (i + 1 < nparts));
    }
    CHECK(zmq_msg_close(&m) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://pair-multipart") == 0);
    CHECK(zmq_connect(b, "inproc://pair-multipart") == 0);

    send_parts(a, 3, 10);
    send_parts(a, 5, 0);
    send_parts(a, 2, 100000);
    send_parts(b, 50, 40);
    recv_parts(b, 3, 10);
    recv_parts(b, 5, 0);
    recv_parts(b, 2, 100000);
    recv_parts(a, 50, 40);

    /* an unfinished multipart message is not visible to the peer */
    char buf[8];
    CHECK(zmq_send(a, "part", 4, ZMQ_SNDMORE) == 4);
    CHECK_ERR(zmq_recv(b, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    CHECK(zmq_send(a, "end", 3, 0) == 3);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 4);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 3);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
