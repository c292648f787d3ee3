/* zmq_msg_recv into a message holding zero-copy data frees that data (the
 * free function has run when zmq_msg_recv returns), while the receive itself
 * is delivered intact; small copied payloads received into the same
 * zmq_msg_t many times in a row keep arriving intact.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static int free_calls;

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *pull = zmq_socket(ctx, ZMQ_PULL);
    void *push = zmq_socket(ctx, ZMQ_PUSH);
    CHECK(pull && push);
    CHECK(zmq_bind(pull, "inproc://recv-frees") == 0);
    CHECK(zmq_connect(push, "inproc://recv-frees") == 0);

    /* Many 64-byte messages received into one zmq_msg_t. */
    zmq_msg_t m;
    CHECK(zmq_msg_init(&m) == 0);
    for (int i = 0; i < 1000; i++) {
        char out[64];
        memset(out, (char) i, sizeof out);
        CHECK(zmq_send(push, out, sizeof out, 0) == (int) sizeof out);
        CHECK(zmq_msg_recv(&m, pull, 0) == (int) sizeof out);
        CHECK(memcmp(zmq_msg_data(&m), out, sizeof out) == 0);
    }

    /* Zero-copy data in the destination is released by the receive. */
    char *buf = (char *) malloc(64);
    CHECK(buf);
    memset(buf, 'z', 64);
    CHECK(zmq_msg_close(&m) == 0);
    CHECK(zmq_msg_init_data(&m, buf, 64, counting_free, &free_calls) == 0);
    CHECK(zmq_send(push, "hello", 5, 0) == 5);
    CHECK(free_calls == 0);
    CHECK(zmq_msg_recv(&m, pull, 0) == 5);
    CHECK(free_calls == 1);
    CHECK(memcmp(zmq_msg_data(&m), "hello", 5) == 0);

    CHECK(zmq_msg_close(&m) == 0);
    CHECK(zmq_close(push) == 0);
    CHECK(zmq_close(pull) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
