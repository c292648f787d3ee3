/* Messages of 33 bytes (the largest stored inside zmq_msg_t) and 34 bytes round-trip intact; copy semantics at the boundary.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void round_trip(void *a, void *b, size_t size)
{
    unsigned char out[64], in[64];
    for (size_t i = 0; i < size; i++)
        out[i] = (unsigned char) (0x30 + i);
    CHECK(zmq_send(a, out, size, 0) == (int) size);
    memset(in, 0, sizeof in);
    CHECK(zmq_recv(b, in, sizeof in, 0) == (int) size);
    CHECK(memcmp(in, out, size) == 0);

    zmq_msg_t m, c;
    CHECK(zmq_msg_init_size(&m, size) == 0);
    memcpy(zmq_msg_data(&m), out, size);
    CHECK(zmq_msg_init(&c) == 0);
    CHECK(zmq_msg_copy(&c, &m) == 0);
    /* 33 bytes or less: copied; more: shared */
    CHECK(zmq_msg_get(&c, ZMQ_SHARED) == (size > 33));
    CHECK(zmq_msg_send(&m, a, 0) == (int) size);
    CHECK(zmq_msg_close(&m) == 0);
    CHECK(zmq_msg_init(&m) == 0);
    CHECK(zmq_msg_recv(&m, b, 0) == (int) size);
    CHECK(memcmp(zmq_msg_data(&m), out, size) == 0);
    CHECK(memcmp(zmq_msg_data(&c), out, size) == 0);
    CHECK(zmq_msg_close(&m) == 0);
    CHECK(zmq_msg_close(&c) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://33") == 0);
    CHECK(zmq_connect(b, "inproc://33") == 0);
    round_trip(a, b, 32);
    round_trip(a, b, 33);
    round_trip(a, b, 34);
    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
