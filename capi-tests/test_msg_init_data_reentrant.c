/* zmq_msg_init_data: the free function may call back into the API (messages and another socket).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void *side_out; /* a PAIR the free function sends on */
static int free_calls;

static void my_free(void *data, void *hint)
{
    (void) hint;
    free_calls++;
    free(data);
    /* call back into the library from inside the free function */
    zmq_msg_t m;
    CHECK(zmq_msg_init_size(&m, 200) == 0);
    memset(zmq_msg_data(&m), 'f', 200);
    CHECK(zmq_msg_send(&m, side_out, ZMQ_DONTWAIT) == 200);
    CHECK(zmq_msg_close(&m) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    void *c = zmq_socket(ctx, ZMQ_PAIR);
    void *d = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b && c && d);
    CHECK(zmq_bind(a, "inproc://reentrant-main") == 0);
    CHECK(zmq_connect(b, "inproc://reentrant-main") == 0);
    CHECK(zmq_bind(c, "inproc://reentrant-side") == 0);
    CHECK(zmq_connect(d, "inproc://reentrant-side") == 0);
    side_out = c;

    /* 1. freed by zmq_msg_close */
    char *buf = (char *) malloc(64);
    CHECK(buf);
    zmq_msg_t msg;
    CHECK(zmq_msg_init_data(&msg, buf, 64, my_free, NULL) == 0);
    CHECK(zmq_msg_close(&msg) == 0);
    CHECK(free_calls == 1);
    char got[256];
    CHECK(zmq_recv(d, got, sizeof got, 0) == 200);

    /* 2. freed when the receiver reuses its message for the next zmq_msg_recv */
    buf = (char *) malloc(64);
    CHECK(buf);
    memset(buf, 'a', 64);
    CHECK(zmq_msg_init_data(&msg, buf, 64, my_free, NULL) == 0);
    CHECK(zmq_msg_send(&msg, a, 0) == 64);
    CHECK(zmq_send(a, "next", 4, 0) == 4);
    zmq_msg_t in;
    CHECK(zmq_msg_init(&in) == 0);
    CHECK(zmq_msg_recv(&in, b, 0) == 64);
    CHECK(free_calls == 1);
    CHECK(zmq_msg_recv(&in, b, 0) == 4); /* drops the zero-copy one */
    CHECK(free_calls == 2);
    CHECK(zmq_recv(d, got, sizeof got, 0) == 200);
    CHECK(zmq_msg_close(&in) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_close(c) == 0);
    CHECK(zmq_close(d) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
