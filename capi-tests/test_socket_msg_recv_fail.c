/* A failed zmq_msg_recv on a live socket (EAGAIN, ETERM) releases the message's old content and leaves it empty; on a NULL socket the message is untouched.
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
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    CHECK(zmq_bind(s, "inproc://recv-fail") == 0);

    zmq_msg_t m;
    char *buf = (char *) malloc(100);
    CHECK(buf);
    CHECK(zmq_msg_init_data(&m, buf, 100, counting_free, &free_calls) == 0);
    CHECK_ERR(zmq_msg_recv(&m, s, ZMQ_DONTWAIT), EAGAIN);
    CHECK(zmq_msg_size(&m) == 0);
    CHECK(free_calls == 1);

    CHECK(zmq_msg_init_size(&m, 5) == 0);
    CHECK_ERR(zmq_msg_recv(&m, NULL, ZMQ_DONTWAIT), ENOTSOCK);
    CHECK(zmq_msg_size(&m) == 5);

    CHECK(zmq_ctx_shutdown(ctx) == 0);
    CHECK_ERR(zmq_msg_recv(&m, s, ZMQ_DONTWAIT), ETERM);
    CHECK(zmq_msg_size(&m) == 0);
    CHECK(zmq_msg_close(&m) == 0);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
