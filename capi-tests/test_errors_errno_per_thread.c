/* zmq_errno is per thread: a failure in one thread does not change what another thread sees.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void *other(void *arg)
{
    void *s = arg;
    char buf[4];
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);
    return NULL;
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    void *t = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s && t);
    CHECK_ERR(zmq_bind(s, "bogus"), EINVAL);
    pthread_t th;
    CHECK(pthread_create(&th, NULL, other, t) == 0);
    CHECK(pthread_join(th, NULL) == 0);
    CHECK(zmq_errno() == EINVAL); /* still this thread's error */
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_close(t) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
