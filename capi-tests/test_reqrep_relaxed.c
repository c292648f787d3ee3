/* test_reqrep_relaxed: standalone C99 test; the helpers below are repeated in each test file. */
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

/* Receives one frame into buf, returning its size. */
static int recv_frame(void *s, char *buf, size_t cap)
{
    int n = zmq_recv(s, buf, cap, 0);
    CHECK(n >= 0 && (size_t) n <= cap);
    return n;
}

/* ZMQ_REQ_RELAXED and ZMQ_REQ_CORRELATE, seen from a ROUTER that plays
 * the server and answers out of order. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char id[256], rid1[16], rid2[16], buf[64];
    int idlen, n1, n2;
    CHECK(ctx != NULL);

    void *router = make(ctx, ZMQ_ROUTER);
    CHECK(zmq_bind(router, "inproc://relaxed") == 0);
    void *req = make(ctx, ZMQ_REQ);
    set_int(req, ZMQ_REQ_RELAXED, 1);
    set_int(req, ZMQ_REQ_CORRELATE, 1);
    CHECK(zmq_connect(req, "inproc://relaxed") == 0);

    /* Two requests in a row: allowed when relaxed. Each carries a 4-byte
     * request id before the empty delimiter. */
    send_str(req, "q1", 0);
    send_str(req, "q2", 0);
    idlen = recv_frame(router, id, sizeof id);
    n1 = recv_frame(router, rid1, sizeof rid1);
    CHECK(n1 == 4);
    expect_str(router, "", 1);
    expect_str(router, "q1", 0);
    CHECK(recv_frame(router, buf, sizeof buf) == idlen && memcmp(buf, id, (size_t) idlen) == 0);
    n2 = recv_frame(router, rid2, sizeof rid2);
    CHECK(n2 == 4 && memcmp(rid1, rid2, 4) != 0);
    expect_str(router, "", 1);
    expect_str(router, "q2", 0);

    /* The late reply to q1 is discarded; the one to q2 is delivered. */
    CHECK(zmq_send(router, id, (size_t) idlen, ZMQ_SNDMORE) == idlen);
    CHECK(zmq_send(router, rid1, 4, ZMQ_SNDMORE) == 4);
    send_str(router, "", 1);
    send_str(router, "late", 0);
    CHECK(zmq_send(router, id, (size_t) idlen, ZMQ_SNDMORE) == idlen);
    send_str(router, "no-id", 0); /* malformed: discarded too */
    CHECK(zmq_send(router, id, (size_t) idlen, ZMQ_SNDMORE) == idlen);
    CHECK(zmq_send(router, rid2, 4, ZMQ_SNDMORE) == 4);
    send_str(router, "", 1);
    send_str(router, "a2", 0);
    expect_str(req, "a2", 0);

    /* Relaxed REQ may still not receive before it has asked. */
    CHECK(zmq_recv(req, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EFSM);

    /* A strict REQ to two REPs: requests alternate, each reply comes back. */
    void *rep1 = make(ctx, ZMQ_REP);
    void *rep2 = make(ctx, ZMQ_REP);
    CHECK(zmq_bind(rep1, "inproc://rep1") == 0);
    CHECK(zmq_bind(rep2, "inproc://rep2") == 0);
    void *strict = make(ctx, ZMQ_REQ);
    CHECK(zmq_connect(strict, "inproc://rep1") == 0);
    CHECK(zmq_connect(strict, "inproc://rep2") == 0);
    send_str(strict, "to1", 0);
    CHECK(zmq_send(strict, "x", 1, ZMQ_DONTWAIT) == -1 && zmq_errno() == EFSM);
    expect_str(rep1, "to1", 0);
    send_str(rep1, "from1", 0);
    expect_str(strict, "from1", 0);
    send_str(strict, "to2", 0);
    expect_str(rep2, "to2", 0);
    send_str(rep2, "from2", 0);
    expect_str(strict, "from2", 0);

    /* Relaxed without correlation, against REP. */
    void *loose = make(ctx, ZMQ_REQ);
    set_int(loose, ZMQ_REQ_RELAXED, 1);
    CHECK(zmq_connect(loose, "inproc://rep1") == 0);
    send_str(loose, "lost", 0);
    expect_str(rep1, "lost", 0);
    send_str(loose, "kept", 0); /* REP has not answered "lost" yet */
    send_str(rep1, "for-lost", 0);
    expect_str(rep1, "kept", 0);
    send_str(rep1, "for-kept", 0);
    /* Without correlation, the stale reply is indistinguishable: it came
     * from the pipe the new request went to, after the new request. */
    expect_str(loose, "for-lost", 0);
    send_str(loose, "next", 0);
    expect_str(rep1, "next", 0);
    send_str(rep1, "for-next", 0);
    /* "for-kept" was waiting when "next" was sent: dropped then. */
    expect_str(loose, "for-next", 0);

    CHECK(zmq_close(loose) == 0);
    CHECK(zmq_close(strict) == 0);
    CHECK(zmq_close(rep1) == 0);
    CHECK(zmq_close(rep2) == 0);
    CHECK(zmq_close(req) == 0);
    CHECK(zmq_close(router) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
