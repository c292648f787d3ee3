/* NULL buffers and option values. With a size of 0 a NULL buffer is an
 * empty message everywhere (zmq_send, zmq_recv, zmq_msg_init_data). With a
 * size above 0, or a NULL option value / length pointer, libzmq 4.3.4
 * aborts on an assertion (zmq_send, zmq_send_const, zmq_msg_init_data) or
 * dereferences NULL (zmq_setsockopt, zmq_getsockopt); we fail with EFAULT
 * and change nothing. Build with -DREAL_LIBZMQ to run only the part
 * libzmq survives.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = make(ctx, ZMQ_PAIR);
    void *b = make(ctx, ZMQ_PAIR);
    CHECK(zmq_bind(a, "inproc://null-buffers") == 0);
    CHECK(zmq_connect(b, "inproc://null-buffers") == 0);

    /* size 0: an empty message */
    CHECK(zmq_send(b, NULL, 0, 0) == 0);
    CHECK(zmq_recv(a, NULL, 0, 0) == 0);
    CHECK(more_flag(a) == 0);
    zmq_msg_t m;
    CHECK(zmq_msg_init_data(&m, NULL, 0, NULL, NULL) == 0);
    CHECK(zmq_msg_size(&m) == 0);
    CHECK(zmq_msg_close(&m) == 0);

#ifndef REAL_LIBZMQ
    /* size above 0: EFAULT, nothing sent */
    CHECK_ERR(zmq_send(b, NULL, 5, 0), EFAULT);
    CHECK_ERR(zmq_send_const(b, NULL, 3, 0), EFAULT);
    CHECK_ERR(zmq_msg_init_data(&m, NULL, 5, NULL, NULL), EFAULT);
    expect_nothing(a);

    /* NULL option values and lengths */
    int v = 7;
    size_t len = sizeof v;
    CHECK_ERR(zmq_setsockopt(a, ZMQ_LINGER, NULL, sizeof v), EFAULT);
    CHECK_ERR(zmq_getsockopt(a, ZMQ_LINGER, NULL, &len), EFAULT);
    CHECK_ERR(zmq_getsockopt(a, ZMQ_LINGER, &v, NULL), EFAULT);
    len = sizeof v;
    CHECK(zmq_getsockopt(a, ZMQ_LINGER, &v, &len) == 0);
    CHECK_INT(v, 0); /* as make() set it */
#endif

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
