/* ZMQ_LAST_ENDPOINT: empty before any bind/connect, then the last endpoint bound or connected, NUL-terminated.
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
    void *p = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s && p);
    char buf[256];
    size_t size = sizeof buf;
    CHECK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &size) == 0);
    CHECK(size == 1 && buf[0] == '\0');

    CHECK(zmq_bind(s, "inproc://last-ep") == 0);
    size = sizeof buf;
    CHECK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &size) == 0);
    CHECK(size == strlen("inproc://last-ep") + 1);
    CHECK(strcmp(buf, "inproc://last-ep") == 0);

    CHECK(zmq_bind(s, "inproc://last-ep-2") == 0);
    size = sizeof buf;
    CHECK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &size) == 0);
    CHECK(strcmp(buf, "inproc://last-ep-2") == 0);

    /* a failed bind does not change it */
    CHECK_ERR(zmq_bind(s, "inproc://last-ep"), EADDRINUSE);
    size = sizeof buf;
    CHECK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, buf, &size) == 0);
    CHECK(strcmp(buf, "inproc://last-ep-2") == 0);

    CHECK(zmq_connect(p, "inproc://last-ep") == 0);
    size = sizeof buf;
    CHECK(zmq_getsockopt(p, ZMQ_LAST_ENDPOINT, buf, &size) == 0);
    CHECK(strcmp(buf, "inproc://last-ep") == 0);

    /* a buffer too small is EINVAL */
    size = 5;
    CHECK_ERR(zmq_getsockopt(p, ZMQ_LAST_ENDPOINT, buf, &size), EINVAL);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_close(p) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
