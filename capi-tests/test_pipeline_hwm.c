/* test_pipeline_hwm: standalone C99 test; the helpers below are repeated in each test file. */
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

/* PUSH blocks at the high-water mark and when it has no peer. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    int i;
    CHECK(ctx != NULL);

    /* No peer yet: DONTWAIT says EAGAIN, a blocking send times out. */
    void *push = make(ctx, ZMQ_PUSH);
    CHECK(zmq_send(push, "x", 1, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);
    set_int(push, ZMQ_SNDTIMEO, 50);
    CHECK(zmq_send(push, "x", 1, 0) == -1 && zmq_errno() == EAGAIN);
    set_int(push, ZMQ_SNDTIMEO, 5000);

    /* inproc: the pipe holds SNDHWM + RCVHWM messages. */
    set_int(push, ZMQ_SNDHWM, 2);
    CHECK(zmq_bind(push, "inproc://hwm") == 0);
    void *pull = make(ctx, ZMQ_PULL);
    set_int(pull, ZMQ_RCVHWM, 3);
    CHECK(zmq_connect(pull, "inproc://hwm") == 0);

    int sent = 0;
    while (sent < 100 && zmq_send(push, "m", 1, ZMQ_DONTWAIT) == 1)
        sent++;
    CHECK(zmq_errno() == EAGAIN);
    CHECK(sent == 5);
    int events = 0;
    size_t sz = sizeof events;
    CHECK(zmq_getsockopt(push, ZMQ_EVENTS, &events, &sz) == 0);
    CHECK((events & ZMQ_POLLOUT) == 0);

    /* Draining the puller lets a blocking send through again. */
    for (i = 0; i < sent; i++)
        CHECK(zmq_recv(pull, buf, sizeof buf, 0) == 1);
    CHECK(zmq_send(push, "again", 5, 0) == 5);
    expect_str(pull, "again", 0);
    zmq_pollitem_t item = {push, 0, ZMQ_POLLOUT, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);

    /* A multipart message counts once and is never split by the HWM. */
    CHECK(zmq_send(push, "p1", 2, ZMQ_SNDMORE) == 2);
    CHECK(zmq_send(push, "p2", 2, ZMQ_SNDMORE) == 2);
    CHECK(zmq_send(push, "p3", 2, 0) == 2);
    expect_str(pull, "p1", 1);
    expect_str(pull, "p2", 1);
    expect_str(pull, "p3", 0);

    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
