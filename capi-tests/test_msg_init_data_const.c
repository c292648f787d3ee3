/* zmq_msg_init_data with no free function: constant data, never freed, reported as ZMQ_SHARED.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static const char text[] = "constant data that the library must never free";

int main(void)
{
    zmq_msg_t m, c;
    CHECK(zmq_msg_init_data(&m, (void *) text, sizeof text, NULL, NULL) == 0);
    CHECK(zmq_msg_size(&m) == sizeof text);
    CHECK(zmq_msg_data(&m) == (void *) text);
    CHECK(zmq_msg_get(&m, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_init(&c) == 0);
    CHECK(zmq_msg_copy(&c, &m) == 0);
    CHECK(zmq_msg_get(&c, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_data(&c) == (void *) text);
    CHECK(zmq_msg_close(&m) == 0);
    CHECK(zmq_msg_close(&c) == 0);

    /* an empty zero-copy message */
    CHECK(zmq_msg_init_data(&m, (void *) text, 0, NULL, NULL) == 0);
    CHECK(zmq_msg_size(&m) == 0);
    CHECK(zmq_msg_close(&m) == 0);
    return 0;
}
