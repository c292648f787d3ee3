/* inproc: bind then connect, messages flow both ways.
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
    CHECK(zmq_bind(a, "inproc://bind-connect") == 0);
    CHECK(zmq_connect(b, "inproc://bind-connect") == 0);

    char buf[32];
    for (int i = 0; i < 100; i++) {
        char out[32];
        int n = snprintf(out, sizeof out, "ping %d", i);
        CHECK(zmq_send(b, out, n, 0) == n);
        CHECK(zmq_recv(a, buf, sizeof buf, 0) == n);
        CHECK(memcmp(buf, out, n) == 0);
        out[1] = 'o';
        CHECK(zmq_send(a, out, n, 0) == n);
        CHECK(zmq_recv(b, buf, sizeof buf, 0) == n);
        CHECK(memcmp(buf, out, n) == 0);
    }

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
