/* test_router_probe: standalone C99 test; the helpers below are repeated in each test file. */
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

/* ZMQ_PROBE_ROUTER: a new connection starts with an empty message, for
 * ROUTER, DEALER and REQ; the ROUTER peer thereby learns the routing id. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    CHECK(ctx != NULL);

    void *server = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(server, "inproc://probe") == 0);

    /* DEALER: the probe arrives before anything is sent. */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "D", 1) == 0);
    set_int(dealer, ZMQ_PROBE_ROUTER, 1);
    CHECK(zmq_connect(dealer, "inproc://probe") == 0);
    expect_str(server, "D", 1);
    expect_str(server, "", 0);
    send_str(server, "D", 1);
    send_str(server, "welcome", 0);
    expect_str(dealer, "welcome", 0);

    /* ROUTER connecting to ROUTER. */
    void *client = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_setsockopt(client, ZMQ_ROUTING_ID, "C", 1) == 0);
    set_int(client, ZMQ_PROBE_ROUTER, 1);
    CHECK(zmq_connect(client, "inproc://probe") == 0);
    expect_str(server, "C", 1);
    expect_str(server, "", 0);

    /* REQ: the probe goes out without breaking the state machine. */
    void *req = make(ctx, ZMQ_REQ);
    CHECK(zmq_setsockopt(req, ZMQ_ROUTING_ID, "R", 1) == 0);
    set_int(req, ZMQ_PROBE_ROUTER, 1);
    CHECK(zmq_connect(req, "inproc://probe") == 0);
    expect_str(server, "R", 1);
    expect_str(server, "", 0);
    send_str(req, "ask", 0);
    expect_str(server, "R", 1);
    expect_str(server, "", 1);
    expect_str(server, "ask", 0);
    send_str(server, "R", 1);
    send_str(server, "", 1);
    send_str(server, "answer", 0);
    expect_str(req, "answer", 0);

    /* PUSH has no such option; nor do reads of it succeed. */
    void *push = make(ctx, ZMQ_PUSH);
    int v = 1;
    size_t sz = sizeof v;
    CHECK(zmq_setsockopt(push, ZMQ_PROBE_ROUTER, &v, sizeof v) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_getsockopt(dealer, ZMQ_PROBE_ROUTER, &v, &sz) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_recv(server, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);

    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(req) == 0);
    CHECK(zmq_close(client) == 0);
    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
