/* zmq_ctx_set: valid values read back with zmq_ctx_get; out-of-range values and unknown options are EINVAL.
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

    CHECK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 2) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 2);
    CHECK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 0) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 0);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_IO_THREADS, -1), EINVAL);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 0);
    CHECK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 1) == 0);

    CHECK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 10) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == 10);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 0), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, -1), EINVAL);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == 10);
    /* more than ZMQ_SOCKET_LIMIT is accepted */
    CHECK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 70000) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == 70000);

    /* MSG_T_SIZE is read-only */
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MSG_T_SIZE, 100), EINVAL);

    /* THREAD_PRIORITY shares number 3 with SOCKET_LIMIT: setting it works
       (>= 0), reading number 3 still gives the socket limit */
    CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, 0) == 0);
    CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, 50) == 0);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, -1), EINVAL);
    CHECK(zmq_ctx_get(ctx, ZMQ_SOCKET_LIMIT) == 65535);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, -1), EINVAL);
    CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, 0) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_SCHED_POLICY) == 0);

    CHECK(zmq_ctx_set(ctx, ZMQ_MAX_MSGSZ, 1000) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_MSGSZ) == 1000);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_MAX_MSGSZ, -1), EINVAL);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_MSGSZ) == 1000);

    CHECK(zmq_ctx_set(ctx, ZMQ_IPV6, 1) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_IPV6) == 1);
    CHECK(zmq_ctx_set(ctx, ZMQ_IPV6, 0) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_IPV6) == 0);

    CHECK(zmq_ctx_set(ctx, ZMQ_BLOCKY, 0) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_BLOCKY) == 0);
    CHECK(zmq_ctx_set(ctx, ZMQ_BLOCKY, 1) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_BLOCKY) == 1);

    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_IPV6, -1), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_BLOCKY, -1), EINVAL);

    /* the thread name prefix takes any integer */
    CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_NAME_PREFIX, -5) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_NAME_PREFIX) == -5);

    /* CPU affinity: adding is write-only; removing a CPU never added is EINVAL */
    CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, 0) == 0);
    CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 0) == 0);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, 1), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, -1), EINVAL);

    CHECK_ERR(zmq_ctx_set(ctx, 12345, 1), EINVAL);
    CHECK_ERR(zmq_ctx_set(ctx, -1, 1), EINVAL);

    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
