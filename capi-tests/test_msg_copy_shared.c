/* zmq_msg_copy: a large message's copy shares its buffer and both report ZMQ_SHARED; a small one is copied.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    zmq_msg_t a, b;
    /* large: shared buffer */
    CHECK(zmq_msg_init_size(&a, 100) == 0);
    memset(zmq_msg_data(&a), 'L', 100);
    CHECK(zmq_msg_get(&a, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 100);
    CHECK(zmq_msg_data(&b) == zmq_msg_data(&a));
    CHECK(zmq_msg_get(&a, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_get(&b, ZMQ_SHARED) == 1);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(((char *) zmq_msg_data(&b))[99] == 'L');
    CHECK(zmq_msg_close(&b) == 0);

    /* small: an independent copy, not shared */
    CHECK(zmq_msg_init_size(&a, 5) == 0);
    memcpy(zmq_msg_data(&a), "hello", 5);
    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 5);
    CHECK(memcmp(zmq_msg_data(&b), "hello", 5) == 0);
    CHECK(zmq_msg_data(&b) != zmq_msg_data(&a));
    CHECK(zmq_msg_get(&a, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_get(&b, ZMQ_SHARED) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(zmq_msg_close(&b) == 0);

    /* copying onto an initialised, non-empty message releases its old content */
    CHECK(zmq_msg_init_size(&a, 200) == 0);
    CHECK(zmq_msg_init_size(&b, 300) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_size(&b) == 200);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(zmq_msg_close(&b) == 0);
    return 0;
}
