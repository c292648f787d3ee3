/* test_router_connect_rid: standalone C99 test; the helpers below are repeated in each test file. */
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

/* ZMQ_CONNECT_ROUTING_ID: the routing id a ROUTER gives the peer of its
 * next zmq_connect, whatever that peer declares. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    CHECK(ctx != NULL);

    void *server = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_setsockopt(server, ZMQ_ROUTING_ID, "srv-declared", 12) == 0);
    CHECK(zmq_bind(server, "inproc://crid-a") == 0);
    void *other = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(other, "inproc://crid-b") == 0);

    void *client = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_setsockopt(client, ZMQ_ROUTING_ID, "cli", 3) == 0);
    CHECK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "A", 1) == 0);
    CHECK(zmq_connect(client, "inproc://crid-a") == 0);
    CHECK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "B", 1) == 0);
    CHECK(zmq_connect(client, "inproc://crid-b") == 0);

    /* The client addresses its peers by the ids it chose. */
    send_str(client, "A", 1);
    send_str(client, "to-a", 0);
    send_str(client, "B", 1);
    send_str(client, "to-b", 0);
    expect_str(server, "cli", 1);
    expect_str(server, "to-a", 0);
    expect_str(other, "cli", 1);
    expect_str(other, "to-b", 0);
    /* The name the server declared is not known to the client. */
    set_int(client, ZMQ_ROUTER_MANDATORY, 1);
    CHECK(zmq_send(client, "srv-declared", 12, ZMQ_SNDMORE) == -1 && zmq_errno() == EHOSTUNREACH);

    send_str(server, "cli", 1);
    send_str(server, "back", 0);
    expect_str(client, "A", 1);
    expect_str(client, "back", 0);

    /* Empty is refused; only ROUTER (and REP, built on it) accepts it. */
    CHECK(zmq_setsockopt(client, ZMQ_CONNECT_ROUTING_ID, "", 0) == -1 && zmq_errno() == EINVAL);
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_CONNECT_ROUTING_ID, "x", 1) == -1 && zmq_errno() == EINVAL);
    size_t sz = sizeof buf;
    CHECK(zmq_getsockopt(client, ZMQ_CONNECT_ROUTING_ID, buf, &sz) == -1 && zmq_errno() == EINVAL);

    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(client) == 0);
    CHECK(zmq_close(other) == 0);
    CHECK(zmq_close(server) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
