/* A zmq_msg_t moved with memcpy works from its new place (size, data, send, close).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static int free_calls;
int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://memcpy") == 0);
    CHECK(zmq_connect(b, "inproc://memcpy") == 0);

    /* small (inline) message */
    zmq_msg_t orig, moved;
    CHECK(zmq_msg_init_size(&orig, 5) == 0);
    memcpy(zmq_msg_data(&orig), "small", 5);
    memcpy(&moved, &orig, sizeof orig);
    memset(&orig, 0xa5, sizeof orig); /* the old place no longer matters */
    CHECK(zmq_msg_size(&moved) == 5);
    CHECK(memcmp(zmq_msg_data(&moved), "small", 5) == 0);
    CHECK(zmq_msg_send(&moved, a, 0) == 5);
    CHECK(zmq_msg_close(&moved) == 0);

    /* large zero-copy message */
    char *buf = (char *) malloc(500);
    CHECK(buf);
    memset(buf, 'B', 500);
    CHECK(zmq_msg_init_data(&orig, buf, 500, counting_free, &free_calls) == 0);
    memcpy(&moved, &orig, sizeof orig);
    memset(&orig, 0x5a, sizeof orig);
    CHECK(zmq_msg_size(&moved) == 500);
    CHECK(zmq_msg_data(&moved) == buf);
    CHECK(zmq_msg_send(&moved, a, 0) == 500);
    CHECK(zmq_msg_close(&moved) == 0);

    /* a received message moved with memcpy */
    zmq_msg_t in, in2;
    CHECK(zmq_msg_init(&in) == 0);
    CHECK(zmq_msg_recv(&in, b, 0) == 5);
    memcpy(&in2, &in, sizeof in);
    CHECK(memcmp(zmq_msg_data(&in2), "small", 5) == 0);
    CHECK(zmq_msg_close(&in2) == 0);
    CHECK(zmq_msg_init(&in) == 0);
    CHECK(zmq_msg_recv(&in, b, 0) == 500);
    memcpy(&in2, &in, sizeof in);
    CHECK(((char *) zmq_msg_data(&in2))[499] == 'B');
    CHECK(free_calls == 0);
    CHECK(zmq_msg_close(&in2) == 0);
    CHECK(free_calls == 1);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
