/* zmq_msg_init: an empty message has size 0, no MORE, and closes cleanly.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_size(&msg) == 0);
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_MORE) == 0);
    CHECK(zmq_msg_get(&msg, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_close(&msg) == 0);
    /* a closed message may be initialised again */
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_close(&msg) == 0);
    return 0;
}
