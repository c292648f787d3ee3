/* test_pipeline_threads: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

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
    CHECK(set_int(pull, ZMQ_RCVHWM, 5) == 0);
    CHECK(zmq_bind(pull, "inproc://threads") == 0);
    void *push = make(ctx, ZMQ_PUSH);
    CHECK(set_int(push, ZMQ_SNDHWM, 5) == 0);
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
