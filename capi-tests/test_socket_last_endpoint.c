/* ZMQ_LAST_ENDPOINT: empty before any bind/connect, then the last endpoint bound or connected, NUL-terminated.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include <zmq.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: CHECK(%s) failed (errno %d: %s)\n",      \
                    __FILE__, __LINE__, #cond, zmq_errno(),                  \
                    zmq_strerror(zmq_errno()));                              \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

/* `call` must fail with -1 and errno `e`. */
#define CHECK_ERR(call, e)                                                   \
    do {                                                                     \
        errno = 0;                                                           \
        int rc_ = (int) (call);                                              \
        int en_ = zmq_errno();                                               \
        if (rc_ != -1 || en_ != (e)) {                                       \
            fprintf(stderr, "%s:%d: %s: want -1/%s, got %d/errno %d (%s)\n", \
                    __FILE__, __LINE__, #call, #e, rc_, en_,                 \
                    zmq_strerror(en_));                                      \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

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
