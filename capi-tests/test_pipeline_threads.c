/* test_pipeline_threads: standalone C99 test; the helpers below are repeated in each test file. */
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

/* Blocking sends and receives across threads: a PUSH held back by a small
 * HWM, and REQ/REP round trips, must all complete in order. */
#define COUNT 20000
#define TRIPS 2000

static void pusher(void *arg)
{
    void *push = arg;
    int i;
    for (i = 0; i < COUNT; i++) {
        CHECK(zmq_send(push, &i, sizeof i, i % 3 == 0 ? ZMQ_SNDMORE : 0) == (int) sizeof i);
        if (i % 3 == 0)
            CHECK(zmq_send(push, "", 0, 0) == 0);
    }
}

static void server(void *arg)
{
    void *rep = arg;
    int i, v;
    for (i = 0; i < TRIPS; i++) {
        CHECK(zmq_recv(rep, &v, sizeof v, 0) == (int) sizeof v);
        v++;
        CHECK(zmq_send(rep, &v, sizeof v, 0) == (int) sizeof v);
    }
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    int i, v;
    CHECK(ctx != NULL);

    void *pull = make(ctx, ZMQ_PULL);
    set_int(pull, ZMQ_RCVHWM, 5);
    CHECK(zmq_bind(pull, "inproc://threads") == 0);
    void *push = make(ctx, ZMQ_PUSH);
    set_int(push, ZMQ_SNDHWM, 5);
    CHECK(zmq_connect(push, "inproc://threads") == 0);
    void *t = zmq_threadstart(pusher, push);
    CHECK(t != NULL);
    for (i = 0; i < COUNT; i++) {
        CHECK(zmq_recv(pull, &v, sizeof v, 0) == (int) sizeof v);
        CHECK(v == i);
        if (i % 3 == 0) {
            char b;
            CHECK(zmq_recv(pull, &b, 1, 0) == 0);
        }
    }
    zmq_threadclose(t);

    void *rep = make(ctx, ZMQ_REP);
    CHECK(zmq_bind(rep, "inproc://trips") == 0);
    void *req = make(ctx, ZMQ_REQ);
    CHECK(zmq_connect(req, "inproc://trips") == 0);
    t = zmq_threadstart(server, rep);
    CHECK(t != NULL);
    for (i = 0; i < TRIPS; i++) {
        CHECK(zmq_send(req, &i, sizeof i, 0) == (int) sizeof i);
        CHECK(zmq_recv(req, &v, sizeof v, 0) == (int) sizeof v);
        CHECK(v == i + 1);
    }
    zmq_threadclose(t);

    CHECK(zmq_close(req) == 0);
    CHECK(zmq_close(rep) == 0);
    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
