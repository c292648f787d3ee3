/* test_router_handover: standalone C99 test; the helpers below are repeated in each test file. */
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

/* Two peers declaring the same routing id: without ZMQ_ROUTER_HANDOVER
 * the newcomer is ignored; with it, the newcomer takes the id over. */
static void run(void *ctx, const char *ep, int handover)
{
    char buf[16];
    void *router = make(ctx, ZMQ_ROUTER);
    set_int(router, ZMQ_ROUTER_HANDOVER, handover);
    CHECK(zmq_bind(router, ep) == 0);

    void *first = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(first, ZMQ_ROUTING_ID, "X", 1) == 0);
    CHECK(zmq_connect(first, ep) == 0);
    send_str(first, "1", 0);
    expect_str(router, "X", 1);
    expect_str(router, "1", 0);

    void *second = make(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(second, ZMQ_ROUTING_ID, "X", 1) == 0);
    CHECK(zmq_connect(second, ep) == 0);
    send_str(second, "2", 0);

    if (handover) {
        expect_str(router, "X", 1);
        expect_str(router, "2", 0);
        send_str(router, "X", 1);
        send_str(router, "to-x", 0);
        expect_str(second, "to-x", 0);
        set_int(first, ZMQ_RCVTIMEO, 50);
        CHECK(zmq_recv(first, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
    } else {
        set_int(router, ZMQ_RCVTIMEO, 100);
        CHECK(zmq_recv(router, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
        send_str(router, "X", 1);
        send_str(router, "to-x", 0);
        expect_str(first, "to-x", 0);
        set_int(second, ZMQ_RCVTIMEO, 50);
        CHECK(zmq_recv(second, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
        /* The first peer keeps its id. */
        send_str(first, "3", 0);
        set_int(router, ZMQ_RCVTIMEO, 5000);
        expect_str(router, "X", 1);
        expect_str(router, "3", 0);
    }
    CHECK(zmq_close(first) == 0);
    CHECK(zmq_close(second) == 0);
    CHECK(zmq_close(router) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx != NULL);
    run(ctx, "inproc://ignore", 0);
    run(ctx, "inproc://handover", 1);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
