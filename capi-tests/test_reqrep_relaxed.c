/* test_reqrep_relaxed: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

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
    CHECK(set_int(req, ZMQ_REQ_RELAXED, 1) == 0);
    CHECK(set_int(req, ZMQ_REQ_CORRELATE, 1) == 0);
    CHECK(zmq_connect(req, "inproc://relaxed") == 0);

    /* Two requests in a row: allowed when relaxed. Each carries a 4-byte
     * request id before the empty delimiter. */
    send_s(req, "q1", 0);
    send_s(req, "q2", 0);
    idlen = recv_frame(router, id, sizeof id);
    n1 = recv_frame(router, rid1, sizeof rid1);
    CHECK(n1 == 4);
    expect_s(router, "", 1);
    expect_s(router, "q1", 0);
    CHECK(recv_frame(router, buf, sizeof buf) == idlen && memcmp(buf, id, (size_t) idlen) == 0);
    n2 = recv_frame(router, rid2, sizeof rid2);
    CHECK(n2 == 4 && memcmp(rid1, rid2, 4) != 0);
    expect_s(router, "", 1);
    expect_s(router, "q2", 0);

    /* The late reply to q1 is discarded; the one to q2 is delivered. */
    CHECK(zmq_send(router, id, (size_t) idlen, ZMQ_SNDMORE) == idlen);
    CHECK(zmq_send(router, rid1, 4, ZMQ_SNDMORE) == 4);
    send_s(router, "", ZMQ_SNDMORE);
    send_s(router, "late", 0);
    CHECK(zmq_send(router, id, (size_t) idlen, ZMQ_SNDMORE) == idlen);
    send_str(router, "no-id", 0); /* malformed: discarded too */
    CHECK(zmq_send(router, id, (size_t) idlen, ZMQ_SNDMORE) == idlen);
    CHECK(zmq_send(router, rid2, 4, ZMQ_SNDMORE) == 4);
    send_s(router, "", ZMQ_SNDMORE);
    send_s(router, "a2", 0);
    expect_s(req, "a2", 0);

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
    send_s(strict, "to1", 0);
    CHECK(zmq_send(strict, "x", 1, ZMQ_DONTWAIT) == -1 && zmq_errno() == EFSM);
    expect_s(rep1, "to1", 0);
    send_s(rep1, "from1", 0);
    expect_s(strict, "from1", 0);
    send_s(strict, "to2", 0);
    expect_s(rep2, "to2", 0);
    send_s(rep2, "from2", 0);
    expect_s(strict, "from2", 0);

    /* Relaxed without correlation, against REP. */
    void *loose = make(ctx, ZMQ_REQ);
    CHECK(set_int(loose, ZMQ_REQ_RELAXED, 1) == 0);
    CHECK(zmq_connect(loose, "inproc://rep1") == 0);
    send_s(loose, "lost", 0);
    expect_s(rep1, "lost", 0);
    send_str(loose, "kept", 0); /* REP has not answered "lost" yet */
    send_s(rep1, "for-lost", 0);
    expect_s(rep1, "kept", 0);
    send_s(rep1, "for-kept", 0);
    /* Without correlation, the stale reply is indistinguishable: it came
     * from the pipe the new request went to, after the new request. */
    expect_s(loose, "for-lost", 0);
    send_s(loose, "next", 0);
    expect_s(rep1, "next", 0);
    send_s(rep1, "for-next", 0);
    /* "for-kept" was waiting when "next" was sent: dropped then. */
    expect_s(loose, "for-next", 0);

    CHECK(zmq_close(loose) == 0);
    CHECK(zmq_close(strict) == 0);
    CHECK(zmq_close(rep1) == 0);
    CHECK(zmq_close(rep2) == 0);
    CHECK(zmq_close(req) == 0);
    CHECK(zmq_close(router) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
