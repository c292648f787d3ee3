/* zmq_send_const: constant data is sent without copying and arrives intact, in single and multipart messages.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static const char part1[] = "constant first part, longer than thirty-three bytes";
static const char part2[] = "tail";

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://send-const") == 0);
    CHECK(zmq_connect(b, "inproc://send-const") == 0);

    CHECK(zmq_send_const(a, part1, sizeof part1, ZMQ_SNDMORE) == (int) sizeof part1);
    CHECK(zmq_send_const(a, part2, sizeof part2, 0) == (int) sizeof part2);

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_recv(&msg, b, 0) == (int) sizeof part1);
    CHECK(memcmp(zmq_msg_data(&msg), part1, sizeof part1) == 0);
    CHECK(zmq_msg_more(&msg) == 1);
    CHECK(zmq_msg_recv(&msg, b, 0) == (int) sizeof part2);
    CHECK(memcmp(zmq_msg_data(&msg), part2, sizeof part2) == 0);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_close(&msg) == 0);

    /* with no peer and DONTWAIT it fails like zmq_send */
    void *c = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(c);
    CHECK_ERR(zmq_send_const(c, part2, sizeof part2, ZMQ_DONTWAIT), EAGAIN);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_close(c) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
