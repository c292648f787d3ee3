/* test_pipeline_hwm: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

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
    CHECK(set_int(push, ZMQ_SNDTIMEO, 50) == 0);
    CHECK(zmq_send(push, "x", 1, 0) == -1 && zmq_errno() == EAGAIN);
    CHECK(set_int(push, ZMQ_SNDTIMEO, 5000) == 0);

    /* inproc: the pipe holds SNDHWM + RCVHWM messages. */
    CHECK(set_int(push, ZMQ_SNDHWM, 2) == 0);
    CHECK(zmq_bind(push, "inproc://hwm") == 0);
    void *pull = make(ctx, ZMQ_PULL);
    CHECK(set_int(pull, ZMQ_RCVHWM, 3) == 0);
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
    expect_s(pull, "again", 0);
    zmq_pollitem_t item = {push, 0, ZMQ_POLLOUT, 0};
    CHECK(zmq_poll(&item, 1, 5000) == 1);

    /* A multipart message counts once and is never split by the HWM. */
    CHECK(zmq_send(push, "p1", 2, ZMQ_SNDMORE) == 2);
    CHECK(zmq_send(push, "p2", 2, ZMQ_SNDMORE) == 2);
    CHECK(zmq_send(push, "p3", 2, 0) == 2);
    expect_s(pull, "p1", 1);
    expect_s(pull, "p2", 1);
    expect_s(pull, "p3", 0);

    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
