/* inproc LINGER: a sender that closes right after sending (even with LINGER 0) does not lose the messages; the receiver gets them all, in order.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

#define COUNT 500

static void *sender(void *ctx)
{
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_connect(s, "inproc://linger") == 0);
    for (int i = 0; i < COUNT; i++)
        CHECK(zmq_send(s, &i, sizeof i, 0) == (int) sizeof i);
    CHECK(zmq_send(s, "end", 3, ZMQ_SNDMORE) == 3);
    CHECK(zmq_send(s, "!", 1, 0) == 1);
    CHECK(zmq_close(s) == 0);
    return NULL;
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *r = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(r);
    CHECK(zmq_bind(r, "inproc://linger") == 0);

    /* 1. default LINGER, sender in another thread closes at once */
    pthread_t t;
    CHECK(pthread_create(&t, NULL, sender, ctx) == 0);
    CHECK(pthread_join(t, NULL) == 0); /* the sender is closed before we read */
    for (int i = 0; i < COUNT; i++) {
        int v = -1;
        CHECK(zmq_recv(r, &v, sizeof v, 0) == (int) sizeof v);
        CHECK(v == i);
    }
    char buf[8];
    CHECK(zmq_recv(r, buf, sizeof buf, 0) == 3);
    CHECK(zmq_recv(r, buf, sizeof buf, 0) == 1);
    CHECK(zmq_close(r) == 0);

    /* 2. LINGER 0, same thread */
    r = zmq_socket(ctx, ZMQ_PAIR);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(r && s);
    int linger = 0;
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK(zmq_bind(r, "inproc://linger-0") == 0);
    CHECK(zmq_connect(s, "inproc://linger-0") == 0);
    CHECK(zmq_send(s, "a", 1, 0) == 1);
    CHECK(zmq_send(s, "b", 1, 0) == 1);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_recv(r, buf, sizeof buf, 0) == 1 && buf[0] == 'a');
    CHECK(zmq_recv(r, buf, sizeof buf, 0) == 1 && buf[0] == 'b');
    CHECK_ERR(zmq_recv(r, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    CHECK(zmq_close(r) == 0);

    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
