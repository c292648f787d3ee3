/* ZMQ_RCVMORE: 1 after a frame that has more frames following, 0 after the last frame.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static int rcvmore(void *s)
{
    int more = -1;
    size_t size = sizeof more;
    CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &more, &size) == 0);
    CHECK(size == sizeof more);
    return more;
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://rcvmore") == 0);
    CHECK(zmq_connect(b, "inproc://rcvmore") == 0);
    CHECK(rcvmore(b) == 0);

    CHECK(zmq_send(a, "1", 1, ZMQ_SNDMORE) == 1);
    CHECK(zmq_send(a, "2", 1, ZMQ_SNDMORE) == 1);
    CHECK(zmq_send(a, "3", 1, 0) == 1);
    CHECK(zmq_send(a, "single", 6, 0) == 6);

    char buf[16];
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1 && buf[0] == '1');
    CHECK(rcvmore(b) == 1);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1 && buf[0] == '2');
    CHECK(rcvmore(b) == 1);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1 && buf[0] == '3');
    CHECK(rcvmore(b) == 0);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 6);
    CHECK(rcvmore(b) == 0);

    /* RCVMORE is read-only */
    int one = 1;
    CHECK_ERR(zmq_setsockopt(b, ZMQ_RCVMORE, &one, sizeof one), EINVAL);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
