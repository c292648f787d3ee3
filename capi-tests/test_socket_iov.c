/* zmq_sendiov/zmq_recviov: with ZMQ_SNDMORE an iovec array travels as one multipart message (without it, as separate messages: libzmq only clears SNDMORE on the last part); zmq_recviov allocates each part with malloc and returns the number of parts.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"
#include <sys/uio.h>

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://iov") == 0);
    CHECK(zmq_connect(b, "inproc://iov") == 0);

    char p1[] = "first", p2[] = "second part", p3[] = "3";
    struct iovec out[3] = {{p1, 5}, {p2, 11}, {p3, 1}};
    /* returns the size of the last part */
    CHECK(zmq_sendiov(a, out, 3, ZMQ_SNDMORE) == 1);

    struct iovec in[5];
    size_t count = 5;
    CHECK(zmq_recviov(b, in, &count, 0) == 3);
    CHECK(count == 3);
    CHECK(in[0].iov_len == 5 && memcmp(in[0].iov_base, "first", 5) == 0);
    CHECK(in[1].iov_len == 11 && memcmp(in[1].iov_base, "second part", 11) == 0);
    CHECK(in[2].iov_len == 1 && memcmp(in[2].iov_base, "3", 1) == 0);
    for (size_t i = 0; i < count; i++)
        free(in[i].iov_base);

    /* a receive array shorter than the message: the rest stays queued */
    CHECK(zmq_sendiov(a, out, 3, ZMQ_SNDMORE) == 1);
    count = 2;
    CHECK(zmq_recviov(b, in, &count, 0) == 2);
    CHECK(count == 2);
    free(in[0].iov_base);
    free(in[1].iov_base);
    int more = 0;
    size_t size = sizeof more;
    CHECK(zmq_getsockopt(b, ZMQ_RCVMORE, &more, &size) == 0 && more == 1);
    char buf[8];
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 1 && buf[0] == '3');

    /* without ZMQ_SNDMORE each part is a message of its own */
    CHECK(zmq_sendiov(a, out, 3, 0) == 1);
    for (int i = 0; i < 3; i++) {
        count = 5;
        CHECK(zmq_recviov(b, in, &count, 0) == 1);
        CHECK(count == 1);
        CHECK(in[0].iov_len == out[i].iov_len);
        CHECK(memcmp(in[0].iov_base, out[i].iov_base, out[i].iov_len) == 0);
        free(in[0].iov_base);
    }

    /* invalid arguments */
    CHECK_ERR(zmq_sendiov(a, NULL, 3, 0), EINVAL);
    CHECK_ERR(zmq_sendiov(a, out, 0, 0), EINVAL);
    count = 0;
    CHECK_ERR(zmq_recviov(b, in, &count, ZMQ_DONTWAIT), EINVAL);
    count = 5;
    CHECK_ERR(zmq_recviov(b, in, &count, ZMQ_DONTWAIT), EAGAIN);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
