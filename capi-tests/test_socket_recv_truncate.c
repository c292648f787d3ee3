/* zmq_recv into a short buffer copies what fits and returns the full frame size.
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
    CHECK(zmq_bind(a, "inproc://truncate") == 0);
    CHECK(zmq_connect(b, "inproc://truncate") == 0);

    char big[100];
    for (int i = 0; i < 100; i++)
        big[i] = (char) ('a' + i % 26);
    CHECK(zmq_send(a, big, sizeof big, 0) == 100);
    CHECK(zmq_send(a, "0123456789", 10, 0) == 10);
    CHECK(zmq_send(a, "zero", 4, 0) == 4);
    CHECK(zmq_send(a, NULL, 0, 0) == 0);

    char buf[16];
    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, 8, 0) == 100);
    CHECK(memcmp(buf, big, 8) == 0);
    CHECK(buf[8] == '#'); /* nothing written past len */

    memset(buf, '#', sizeof buf);
    CHECK(zmq_recv(b, buf, 10, 0) == 10);
    CHECK(memcmp(buf, "0123456789", 10) == 0 && buf[10] == '#');

    CHECK(zmq_recv(b, NULL, 0, 0) == 4); /* a zero-length buffer discards the data */
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
