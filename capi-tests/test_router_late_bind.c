/* test_router_late_bind: standalone C99 test; the helpers below are repeated in each test file. */
#include <zmq.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fails the test with the line and libzmq's error when a check is false. */
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n",      \
                    __FILE__, __LINE__, #cond, zmq_errno(),                  \
                    zmq_strerror(zmq_errno()));                              \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

static inline void *make(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    int linger = 0, timeo = 5000;
    CHECK(s != NULL);
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) == 0);
    /* Nothing in these tests may block for long: a hang is a failure. */
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeo, sizeof timeo) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeo, sizeof timeo) == 0);
    return s;
}

static inline void set_int(void *s, int opt, int v)
{
    CHECK(zmq_setsockopt(s, opt, &v, sizeof v) == 0);
}

/* Sends a string frame; `more` adds ZMQ_SNDMORE. */
static inline void send_str(void *s, const char *str, int more)
{
    int n = (int) strlen(str);
    CHECK(zmq_send(s, str, strlen(str), more ? ZMQ_SNDMORE : 0) == n);
}

/* Receives a frame and checks its content and whether more follow. */
static inline void expect_str(void *s, const char *str, int more)
{
    char buf[256];
    int rcvmore = 0;
    size_t sz = sizeof rcvmore;
    int n = zmq_recv(s, buf, sizeof buf - 1, 0);
    if (n < 0 || n != (int) strlen(str) || memcmp(buf, str, (size_t) n) != 0) {
        fprintf(stderr, "expected \"%s\", got %d bytes \"%.*s\" (errno %s)\n",
                str, n, n < 0 ? 0 : n, buf, zmq_strerror(zmq_errno()));
        exit(1);
    }
    CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &rcvmore, &sz) == 0);
    CHECK(rcvmore == more);
}

/* Connect before bind over inproc: the routing id is known only once the
 * binding side exists; messages queued before are delivered. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx != NULL);

    /* A DEALER connects and sends before the ROUTER binds. */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "early", 5) == 0);
    CHECK(zmq_connect(dealer, "inproc://late-router") == 0);
    send_str(dealer, "queued", 0);
    void *router = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(router, "inproc://late-router") == 0);
    expect_str(router, "early", 1);
    expect_str(router, "queued", 0);
    send_str(router, "early", 1);
    send_str(router, "reply", 0);
    expect_str(dealer, "reply", 0);

    /* A ROUTER connects before its DEALER peer binds: it can address the
     * peer once the peer has bound and is known. */
    void *client = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_connect(client, "inproc://late-dealer") == 0);
    void *server = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(server, ZMQ_ROUTING_ID, "srv", 3) == 0);
    CHECK(zmq_bind(server, "inproc://late-dealer") == 0);
    send_str(server, "hello", 0);
    expect_str(client, "srv", 1);
    expect_str(client, "hello", 0);
    send_str(client, "srv", 1);
    send_str(client, "hi", 0);
    expect_str(server, "hi", 0);

    /* PUSH before PULL binds: queued and delivered. */
    void *push = make(ctx, ZMQ_PUSH);
    CHECK(zmq_connect(push, "inproc://late-pull") == 0);
    send_str(push, "m1", 1);
    send_str(push, "m2", 0);
    void *pull = make(ctx, ZMQ_PULL);
    CHECK(zmq_bind(pull, "inproc://late-pull") == 0);
    expect_str(pull, "m1", 1);
    expect_str(pull, "m2", 0);

    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_close(client) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(router) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
