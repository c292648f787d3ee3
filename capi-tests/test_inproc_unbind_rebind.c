/* inproc: after zmq_unbind the name can be bound again (by another socket) and new connections reach the new binder.
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
    void *c = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b && c);
    CHECK(zmq_bind(a, "inproc://rebind") == 0);
    CHECK(zmq_connect(b, "inproc://rebind") == 0);
    CHECK(zmq_unbind(a, "inproc://rebind") == 0);

    /* the existing connection survives the unbind */
    char buf[16];
    CHECK(zmq_send(b, "still", 5, 0) == 5);
    CHECK(zmq_recv(a, buf, sizeof buf, 0) == 5);
    CHECK(zmq_send(a, "here", 4, 0) == 4);
    CHECK(zmq_recv(b, buf, sizeof buf, 0) == 4);

    /* another socket takes the name; a new connecter reaches it */
    CHECK(zmq_bind(c, "inproc://rebind") == 0);
    void *d = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(d);
    CHECK(zmq_connect(d, "inproc://rebind") == 0);
    CHECK(zmq_send(d, "new", 3, 0) == 3);
    CHECK(zmq_recv(c, buf, sizeof buf, 0) == 3);
    CHECK(memcmp(buf, "new", 3) == 0);
    CHECK_ERR(zmq_recv(a, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    /* the first socket can bind the name again once it is free */
    CHECK(zmq_unbind(c, "inproc://rebind") == 0);
    CHECK(zmq_bind(a, "inproc://rebind") == 0);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_close(c) == 0);
    CHECK(zmq_close(d) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
