/* DRAFT zmq_msg_set_group at its edges: a group longer than
 * ZMQ_GROUP_MAX_LENGTH (255) is refused with EINVAL, the message's group
 * unchanged; a short group (or "") set after a long one replaces it. */
#include "testutil.h"

int main (void)
{
    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_set_group (&m, "kept") == 0);
    char too_long[ZMQ_GROUP_MAX_LENGTH + 2];
    memset (too_long, 'x', ZMQ_GROUP_MAX_LENGTH + 1);
    too_long[ZMQ_GROUP_MAX_LENGTH + 1] = '\0';
    CHECK_ERR (zmq_msg_set_group (&m, too_long), EINVAL);
    CHECK_STR (zmq_msg_group (&m), "kept");

    CHECK (zmq_msg_set_group (&m, "a group longer than fourteen") == 0);
    CHECK (zmq_msg_set_group (&m, "short") == 0);
    CHECK_STR (zmq_msg_group (&m), "short");
    CHECK (zmq_msg_set_group (&m, "another rather long group") == 0);
    CHECK (zmq_msg_set_group (&m, "") == 0);
    CHECK_STR (zmq_msg_group (&m), "");
    CHECK (zmq_msg_close (&m) == 0);
    return 0;
}
