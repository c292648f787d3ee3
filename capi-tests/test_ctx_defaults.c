/* zmq_ctx_get: every context option reads back libzmq's default.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include <limits.h>
#include "testutil.h"

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == ZMQ_IO_THREADS_DFLT);
    CHECK(zmq_ctx_get(ctx, ZMQ_IO_THREADS) == 1);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == ZMQ_MAX_SOCKETS_DFLT);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_SOCKETS) == 1023);
    CHECK(zmq_ctx_get(ctx, ZMQ_SOCKET_LIMIT) == 65535);
    /* ZMQ_THREAD_PRIORITY has the same number as ZMQ_SOCKET_LIMIT (3), so
       reading it gives the socket limit: libzmq cannot read the priority back */
    CHECK(ZMQ_THREAD_PRIORITY == ZMQ_SOCKET_LIMIT);
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_SCHED_POLICY) == ZMQ_THREAD_SCHED_POLICY_DFLT);
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_SCHED_POLICY) == -1);
    CHECK(zmq_ctx_get(ctx, ZMQ_MAX_MSGSZ) == INT_MAX);
    CHECK(zmq_ctx_get(ctx, ZMQ_MSG_T_SIZE) == (int) sizeof(zmq_msg_t));
    CHECK(zmq_ctx_get(ctx, ZMQ_MSG_T_SIZE) == 64);
    CHECK(zmq_ctx_get(ctx, ZMQ_IPV6) == 0);
    CHECK(zmq_ctx_get(ctx, ZMQ_BLOCKY) == 1);
    CHECK(zmq_ctx_get(ctx, ZMQ_THREAD_NAME_PREFIX) == 0);
    /* the affinity options are write-only */
    CHECK_ERR(zmq_ctx_get(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, 12345), EINVAL);
    CHECK_ERR(zmq_ctx_get(ctx, -1), EINVAL);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
