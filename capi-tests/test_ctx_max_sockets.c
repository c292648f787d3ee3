/* ZMQ_MAX_SOCKETS: creating one socket more than the limit fails with EMFILE. (Closing one makes room again, but libzmq frees the slot asynchronously, so that is not checked.)
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
    CHECK(zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, 3) == 0);
    void *s[3];
    for (int i = 0; i < 3; i++) {
        s[i] = zmq_socket(ctx, ZMQ_PAIR);
        CHECK(s[i]);
    }
    errno = 0;
    CHECK(zmq_socket(ctx, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == EMFILE);

    /* a new context has its own count */
    void *ctx2 = zmq_ctx_new();
    CHECK(ctx2);
    CHECK(zmq_ctx_set(ctx2, ZMQ_MAX_SOCKETS, 1) == 0);
    void *t = zmq_socket(ctx2, ZMQ_PAIR);
    CHECK(t);
    errno = 0;
    CHECK(zmq_socket(ctx2, ZMQ_PAIR) == NULL);
    CHECK(zmq_errno() == EMFILE);
    CHECK(zmq_close(t) == 0);
    CHECK(zmq_ctx_term(ctx2) == 0);

    for (int i = 0; i < 3; i++)
        CHECK(zmq_close(s[i]) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
