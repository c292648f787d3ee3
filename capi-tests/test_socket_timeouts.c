/* ZMQ_RCVTIMEO/ZMQ_SNDTIMEO: a receive with nothing to read and a send with no peer fail with EAGAIN once the timeout passes.
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
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_bind(s, "inproc://timeouts") == 0);
    int v = -2;
    size_t size = sizeof v;
    CHECK(zmq_getsockopt(s, ZMQ_RCVTIMEO, &v, &size) == 0 && v == -1);
    CHECK(zmq_getsockopt(s, ZMQ_SNDTIMEO, &v, &size) == 0 && v == -1);

    int timeout = 50;
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout, sizeof timeout) == 0);
    char buf[8];
    void *watch = zmq_stopwatch_start();
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, 0), EAGAIN);
    unsigned long us = zmq_stopwatch_stop(watch);
    CHECK(us >= 40000); /* waited (about) the timeout, did not return at once */
    CHECK_ERR(zmq_send(s, "x", 1, 0), EAGAIN); /* PAIR with no peer cannot send */

    /* 0: return at once */
    timeout = 0;
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout, sizeof timeout) == 0);
    CHECK_ERR(zmq_recv(s, buf, sizeof buf, 0), EAGAIN);
    CHECK_ERR(zmq_send(s, "x", 1, 0), EAGAIN);

    /* the socket is fine afterwards */
    void *p = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(p);
    CHECK(zmq_connect(p, "inproc://timeouts") == 0);
    CHECK(zmq_send(p, "ok", 2, 0) == 2);
    timeout = 5000;
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout, sizeof timeout) == 0);
    CHECK(zmq_recv(s, buf, sizeof buf, 0) == 2);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_close(p) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
