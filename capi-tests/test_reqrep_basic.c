/* test_reqrep_basic: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

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
        send_s(req, "question", ZMQ_SNDMORE);
        send_s(req, "part2", 0);
        /* A second request before the reply: EFSM. */
        CHECK(zmq_send(req, "again", 5, 0) == -1 && zmq_errno() == EFSM);
        expect_s(rep, "question", 1);
        expect_s(rep, "part2", 0);
        /* The reply is pending: REP cannot receive another request. */
        CHECK(zmq_recv(rep, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EFSM);
        send_s(rep, "answer", ZMQ_SNDMORE);
        send_s(rep, "", ZMQ_SNDMORE);
        send_s(rep, "end", 0);
        CHECK(zmq_send(rep, "x", 1, 0) == -1 && zmq_errno() == EFSM);
        expect_s(req, "answer", 1);
        expect_s(req, "", 1);
        expect_s(req, "end", 0);
        CHECK(zmq_recv(req, buf, sizeof buf, 0) == -1 && zmq_errno() == EFSM);
    }

    /* ZMQ_EVENTS follows the state machines. */
    int ev = 0;
    size_t sz = sizeof ev;
    CHECK(zmq_getsockopt(req, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == ZMQ_POLLOUT);
    CHECK(zmq_getsockopt(rep, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == 0);
    send_s(req, "ping", 0);
    CHECK(zmq_getsockopt(req, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == 0);
    zmq_pollitem_t item = {rep, 0, ZMQ_POLLIN, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);
    expect_s(rep, "ping", 0);
    CHECK(zmq_getsockopt(rep, ZMQ_EVENTS, &ev, &sz) == 0);
    CHECK(ev == ZMQ_POLLOUT);

    /* REQ waiting for a reply: a blocking recv with RCVTIMEO gives EAGAIN,
     * and the reply still arrives afterwards. */
    CHECK(set_int(req, ZMQ_RCVTIMEO, 50) == 0);
    CHECK(zmq_recv(req, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);
    send_s(rep, "pong", 0);
    CHECK(set_int(req, ZMQ_RCVTIMEO, 5000) == 0);
    expect_s(req, "pong", 0);

    /* What REP sees on the wire: a DEALER must add the empty delimiter
     * itself, and gets it back in front of the reply. */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK(zmq_connect(dealer, "inproc://reqrep") == 0);
    send_str(dealer, "no-delimiter", 0); /* dropped by REP */
    send_s(dealer, "hop", ZMQ_SNDMORE);
    send_s(dealer, "", ZMQ_SNDMORE);
    send_s(dealer, "body", 0);
    expect_s(rep, "body", 0);
    send_s(rep, "reply", 0);
    expect_s(dealer, "hop", 1);
    expect_s(dealer, "", 1);
    expect_s(dealer, "reply", 0);

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
