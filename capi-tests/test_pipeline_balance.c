/* test_pipeline_balance: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* PUSH load-balances across two PULLs; PULL fair-queues from two PUSHes. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    char buf[16];
    int i;
    CHECK(ctx != NULL);

    /* One PUSH, two PULLs: messages alternate between the pullers. */
    void *push = make(ctx, ZMQ_PUSH);
    CHECK(zmq_bind(push, "inproc://balance") == 0);
    void *pull1 = make(ctx, ZMQ_PULL);
    void *pull2 = make(ctx, ZMQ_PULL);
    CHECK(zmq_connect(pull1, "inproc://balance") == 0);
    CHECK(zmq_connect(pull2, "inproc://balance") == 0);
    /* recv on PUSH and send on PULL are not supported. */
    CHECK(zmq_recv(push, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == ENOTSUP);
    CHECK(zmq_send(pull1, "x", 1, ZMQ_DONTWAIT) == -1 && zmq_errno() == ENOTSUP);

    for (i = 0; i < 4; i++) {
        /* A two-frame message stays whole on one puller. */
        buf[0] = (char) ('0' + i);
        CHECK(zmq_send(push, buf, 1, ZMQ_SNDMORE) == 1);
        CHECK(zmq_send(push, "tail", 4, 0) == 4);
    }
    int n1 = 0, n2 = 0;
    char first1 = 0, first2 = 0;
    for (i = 0; i < 2; i++) {
        CHECK(zmq_recv(pull1, buf, sizeof buf, 0) == 1);
        if (i == 0) first1 = buf[0];
        expect_s(pull1, "tail", 0);
        n1++;
        CHECK(zmq_recv(pull2, buf, sizeof buf, 0) == 1);
        if (i == 0) first2 = buf[0];
        expect_s(pull2, "tail", 0);
        n2++;
    }
    CHECK(n1 == 2 && n2 == 2 && first1 != first2);
    CHECK(zmq_recv(pull1, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);
    CHECK(zmq_recv(pull2, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && zmq_errno() == EAGAIN);
    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull1) == 0);
    CHECK(zmq_close(pull2) == 0);

    /* Two PUSHes, one PULL: the puller takes turns between them. */
    void *pull = make(ctx, ZMQ_PULL);
    CHECK(zmq_bind(pull, "inproc://fair") == 0);
    void *pa = make(ctx, ZMQ_PUSH);
    void *pb = make(ctx, ZMQ_PUSH);
    CHECK(zmq_connect(pa, "inproc://fair") == 0);
    CHECK(zmq_connect(pb, "inproc://fair") == 0);
    for (i = 0; i < 3; i++) {
        send_s(pa, "A", ZMQ_SNDMORE);
        send_s(pa, "a", 0);
        send_s(pb, "B", 0);
    }
    /* Wait until something is readable, then everything was sent. */
    zmq_pollitem_t item = {pull, 0, ZMQ_POLLIN, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);
    char prev = 0;
    int a = 0, b = 0;
    for (i = 0; i < 6; i++) {
        CHECK(zmq_recv(pull, buf, sizeof buf, 0) == 1);
        if (buf[0] == 'A') {
            expect_s(pull, "a", 0);
            a++;
        } else {
            int more = 1;
            size_t sz = sizeof more;
            CHECK(zmq_getsockopt(pull, ZMQ_RCVMORE, &more, &sz) == 0 && more == 0);
            b++;
        }
        CHECK(buf[0] != prev); /* strict alternation while both have data */
        prev = buf[0];
    }
    CHECK(a == 3 && b == 3);

    /* A blocking recv with RCVTIMEO gives up with EAGAIN. */
    CHECK(set_int(pull, ZMQ_RCVTIMEO, 50) == 0);
    CHECK(zmq_recv(pull, buf, sizeof buf, 0) == -1 && zmq_errno() == EAGAIN);

    CHECK(zmq_close(pa) == 0);
    CHECK(zmq_close(pb) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
