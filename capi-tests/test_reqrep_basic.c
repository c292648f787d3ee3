/* test_reqrep_basic: standalone C99 test; the helpers below are repeated in each test file. */
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

/* REQ/REP round trips (multipart), the envelope REP hands back, and the
 * EFSM rules of both sides. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    int i;
    CHECK(ctx != NULL);

    void *rep = make(ctx, ZMQ_REP);
    CHECK(zmq_bind(rep, "inproc://reqrep") == 0);
    void *req = make(ctx, ZMQ_REQ);
    CHECK(zmq_connect(req, "inproc://reqrep") == 0);

    /* Nothing asked yet: REQ cannot receive, REP cannot send. */
    CHECK(zmq_recv(req, buf, sizeof buf, 0) == -1 && zmq_errno() == EFSM);
    CHECK(zmq_send(rep, "x", 1, 0) == -1 && zmq_errno() == EFSM);

    for (i = 0; i < 3; i++) {
        send_str(req, "question", 1);
        send_str(req, "part2", 0);
        /* A second request before the reply: EFSM. */
        CHECK(zmq_send(req, "again", 5, 0) == -1 && zmq_errno() == EFSM);
        expect_str(rep, "question", 1);
        expect_str(rep, "part2", 0);
        /* The reply is pending: REP cannot receive another request. */
        CHECK(zmq_recv(rep, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EFSM);
        send_str(rep, "answer", 1);
        send_str(rep, "", 1);
        send_str(rep, "end", 0);
        CHECK(zmq_send(rep, "x", 1, 0) == -1 && zmq_errno() == EFSM);
        expect_str(req, "answer", 1);
        expect_str(req, "", 1);
        expect_str(req, "end", 0);
        CHECK(zmq_recv(req, buf, sizeof buf, 0) == -1 && zmq_errno() == EFSM);
    }

    /* ZMQ_EVENTS follows the state machines. */
    int ev = 0;
    size_t sz = sizeof ev;
    CHECK(zmq_getsockopt(req, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == ZMQ_POLLOUT);
    CHECK(zmq_getsockopt(rep, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == 0);
    send_str(req, "ping", 0);
    CHECK(zmq_getsockopt(req, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == 0);
    zmq_pollitem_t item = {rep, 0, ZMQ_POLLIN, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);
    expect_str(rep, "ping", 0);
    CHECK(zmq_getsockopt(rep, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == ZMQ_POLLOUT);

    /* REQ waiting for a reply: a blocking recv with RCVTIMEO gives EAGAIN,
     * and the reply still arrives afterwards. */
    set_int(req, ZMQ_RCVTIMEO, 50);
    CHECK(zmq_recv(req, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
    send_str(rep, "pong", 0);
    set_int(req, ZMQ_RCVTIMEO, 5000);
    expect_str(req, "pong", 0);

    /* What REP sees on the wire: a DEALER must add the empty delimiter
     * itself, and gets it back in front of the reply. */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, "inproc://reqrep") == 0);
    send_str(dealer, "no-delimiter", 0); /* dropped by REP */
    send_str(dealer, "hop", 1);
    send_str(dealer, "", 1);
    send_str(dealer, "body", 0);
    expect_str(rep, "body", 0);
    send_str(rep, "reply", 0);
    expect_str(dealer, "hop", 1);
    expect_str(dealer, "", 1);
    expect_str(dealer, "reply", 0);

    /* The options of the family are write-only and typed. */
    int v = 1;
    sz = sizeof v;
    CHECK(zmq_getsockopt(req, ZMQ_REQ_RELAXED, &v, &sz) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_setsockopt(req, ZMQ_REQ_RELAXED, &v, 2) == -1 && zmq_errno() == EINVAL);
    v = -1;
    CHECK(zmq_setsockopt(req, ZMQ_REQ_CORRELATE, &v, sizeof v) == -1 && zmq_errno() == EINVAL);
    v = 1;
    CHECK(zmq_setsockopt(rep, ZMQ_REQ_RELAXED, &v, sizeof v) == -1 && zmq_errno() == EINVAL);
    CHECK(zmq_setsockopt(dealer, ZMQ_REQ_CORRELATE, &v, sizeof v) == -1 && zmq_errno() == EINVAL);

    CHECK(zmq_close(dealer) == 0);
    CHECK(zmq_close(req) == 0);
    CHECK(zmq_close(rep) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
