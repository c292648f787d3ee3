/* zmq_setsockopt/zmq_getsockopt: unknown options and wrongly sized values are EINVAL and change nothing.
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
    void *s = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(s);
    int v = 5;
    size_t size = sizeof v;
    CHECK_ERR(zmq_setsockopt(s, 9999, &v, sizeof v), EINVAL);
    CHECK_ERR(zmq_getsockopt(s, 9999, &v, &size), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, -1, &v, sizeof v), EINVAL);

    /* an int option given 2 bytes, or 8 */
    long long big = 5;
    CHECK_ERR(zmq_setsockopt(s, ZMQ_LINGER, &v, 2), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_LINGER, &big, sizeof big), EINVAL);
    size = sizeof v;
    CHECK(zmq_getsockopt(s, ZMQ_LINGER, &v, &size) == 0);
    CHECK(v == -1); /* default unchanged */

    /* an out-of-range value */
    v = -5;
    CHECK_ERR(zmq_setsockopt(s, ZMQ_SNDHWM, &v, sizeof v), EINVAL);
    size = sizeof v;
    CHECK(zmq_getsockopt(s, ZMQ_SNDHWM, &v, &size) == 0);
    CHECK(v == 1000);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
