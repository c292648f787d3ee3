/* inproc: after zmq_disconnect the binder sees what was sent before, then nothing; a PAIR binder can accept a new peer.
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
    CHECK(zmq_bind(a, "inproc://disconnect") == 0);
    CHECK(zmq_connect(b, "inproc://disconnect") == 0);
    char buf[16];
    CHECK(zmq_send(b, "before", 6, 0) == 6);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 6);
    CHECK(zmq_send(b, "last", 4, 0) == 4);
    CHECK(zmq_disconnect(b, "inproc://disconnect") == 0);

    /* the disconnected PAIR has no peer: sending would block */
    CHECK_ERR(zmq_send(b, "after", 5, ZMQ_DONTWAIT), EAGAIN);
    /* what was sent before the disconnect is still delivered */
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 4);
    CHECK(memcmp(buf, "last", 4) == 0);
    CHECK_ERR(zmq_recv(a, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* reconnecting gives a working pair again */
    CHECK(zmq_connect(b, "inproc://disconnect") == 0);
    CHECK(zmq_send(b, "again", 5, 0) == 5);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 5);
    CHECK(memcmp(buf, "again", 5) == 0);
    CHECK(zmq_send(a, "back", 4, 0) == 4);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 4);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
