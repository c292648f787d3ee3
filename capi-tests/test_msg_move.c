/* zmq_msg_move: the destination takes the content, the source becomes empty.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    zmq_msg_t a, b;
    CHECK(zmq_msg_init_size(&a, 100) == 0);
    memset(zmq_msg_data(&a), 'M', 100);
    void *data = zmq_msg_data(&a);
    CHECK(zmq_msg_init_size(&b, 7) == 0); /* old content of dest is released */
    CHECK(zmq_msg_move(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 100);
    CHECK(zmq_msg_data(&b) == data);
    CHECK(zmq_msg_get(&b, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_size(&a) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(((char *) zmq_msg_data(&b))[0] == 'M');
    CHECK(zmq_msg_close(&b) == 0);

    /* small message */
    CHECK(zmq_msg_init_size(&a, 3) == 0);
    memcpy(zmq_msg_data(&a), "abc", 3);
    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_move(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 3);
    CHECK(memcmp(zmq_msg_data(&b), "abc", 3) == 0);
    CHECK(zmq_msg_size(&a) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(zmq_msg_close(&b) == 0);
    return 0;
}
