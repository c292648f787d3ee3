/* zmq_msg_init_size: the buffer is writable and sized, for 0, small and large sizes.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void check_size(size_t size)
{
    zmq_msg_t msg;
    CHECK(zmq_msg_init_size(&msg, size) == 0);
    CHECK(zmq_msg_size(&msg) == size);
    unsigned char *p = (unsigned char *) zmq_msg_data(&msg);
    if (size > 0) {
        CHECK(p != NULL);
        for (size_t i = 0; i < size; i++)
            p[i] = (unsigned char) (i * 7);
        p = (unsigned char *) zmq_msg_data(&msg);
        for (size_t i = 0; i < size; i++)
            CHECK(p[i] == (unsigned char) (i * 7));
    }
    CHECK(zmq_msg_more(&msg) == 0);
    CHECK(zmq_msg_close(&msg) == 0);
}

int main(void)
{
    check_size(0);
    check_size(1);
    check_size(32);
    check_size(33);
    check_size(34);
    check_size(1000);
    check_size(1 << 20);
    return 0;
}
