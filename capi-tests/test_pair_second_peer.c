/* PAIR: a second peer connecting to a bound PAIR is refused; the first pair keeps talking and nothing from the second arrives.
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
    void *server = zmq_socket(ctx, ZMQ_PAIR);
    void *first = zmq_socket(ctx, ZMQ_PAIR);
    void *second = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(server && first && second);
    CHECK(zmq_bind(server, "inproc://pair-exclusive") == 0);
    CHECK(zmq_connect(first, "inproc://pair-exclusive") == 0);
    CHECK(zmq_connect(second, "inproc://pair-exclusive") == 0);

    /* the intruder may be able to queue a message, but it is never delivered */
    zmq_send(second, "intruder", 8, ZMQ_DONTWAIT);
    CHECK(zmq_send(first, "hello", 5, 0) == 5);

    char buf[16];
    CHECK(zmq_recv(server, buf, sizeof buf, 0) == 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK(zmq_send(server, "welcome", 7, 0) == 7);
    CHECK(zmq_recv(first, buf, sizeof buf, 0) == 7);
    CHECK(memcmp(buf, "welcome", 7) == 0);

    CHECK_ERR(zmq_recv(server, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    CHECK_ERR(zmq_recv(second, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* the refused peer's connection is gone: it cannot send any more */
    CHECK_ERR(zmq_send(second, "again", 5, ZMQ_DONTWAIT), EAGAIN);

    CHECK(zmq_close(second) == 0);
    CHECK(zmq_close(first) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
