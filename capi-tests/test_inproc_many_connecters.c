/* inproc: many PUSH sockets connect to one bound PULL; every message arrives (some connect before the bind).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

#define N 10
#define PER 20

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    CHECK(pull);
    void *push[N];
    for (int i = 0; i < N; i++) {
        push[i] = zmq_socket(ctx, ZMQ_PUSH);
        CHECK(push[i]);
        if (i == N / 2)
            CHECK(zmq_bind(pull, "inproc://many") == 0);
        CHECK(zmq_connect(push[i], "inproc://many") == 0);
    }
    for (int j = 0; j < PER; j++)
        for (int i = 0; i < N; i++)
            CHECK(zmq_send(push[i], &i, sizeof i, 0) == (int) sizeof i);

    int seen[N] = {0};
    for (int k = 0; k < N * PER; k++) {
        int who = -1;
        CHECK(zmq_recv(pull, &who, sizeof who, 0) == (int) sizeof who);
        CHECK(who >= 0 && who < N);
        seen[who]++;
    }
    for (int i = 0; i < N; i++)
        CHECK(seen[i] == PER);
    char buf[8];
    CHECK_ERR(zmq_recv(pull, buf, sizeof buf, ZMQ_DONTWAIT), EAGAIN);

    for (int i = 0; i < N; i++)
        CHECK(zmq_close(push[i]) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
