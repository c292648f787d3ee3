/* DRAFT message calls: zmq_msg_init_buffer copies the buffer (small and
 * large sizes, and NULL with size 0); zmq_msg_set_routing_id /
 * zmq_msg_routing_id (0 is EINVAL; a new message has 0);
 * zmq_msg_set_group / zmq_msg_group (short and long groups, up to
 * ZMQ_GROUP_MAX_LENGTH; a new message has ""); copy and move carry both,
 * a copy keeps its own group when the original's changes, close frees. */
#include "testutil.h"

int main (void)
{
    /* init_buffer: a copy, whatever the size */
    size_t sizes[] = {0, 1, 33, 34, 100, 5000, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char *buf = malloc (n + 1);
        CHECK (buf);
        for (size_t j = 0; j < n; j++)
            buf[j] = (unsigned char) (j * 7 + i);
        zmq_msg_t m;
        CHECK (zmq_msg_init_buffer (&m, buf, n) == 0);
        CHECK_INT (zmq_msg_size (&m), n);
        if (n) {
            CHECK (zmq_msg_data (&m) != buf);
            CHECK (memcmp (zmq_msg_data (&m), buf, n) == 0);
            memset (buf, 0, n);
            CHECK (((unsigned char *) zmq_msg_data (&m))[n - 1]
                   == (unsigned char) ((n - 1) * 7 + i));
        }
        CHECK_INT (zmq_msg_routing_id (&m), 0);
        CHECK_STR (zmq_msg_group (&m), "");
        CHECK (zmq_msg_close (&m) == 0);
        free (buf);
    }
    zmq_msg_t m;
    CHECK (zmq_msg_init_buffer (&m, NULL, 0) == 0);
    CHECK_INT (zmq_msg_size (&m), 0);
    CHECK (zmq_msg_close (&m) == 0);

    /* routing id */
    CHECK (zmq_msg_init_size (&m, 10) == 0);
    CHECK_INT (zmq_msg_routing_id (&m), 0);
    CHECK_ERR (zmq_msg_set_routing_id (&m, 0), EINVAL);
    CHECK (zmq_msg_set_routing_id (&m, 42) == 0);
    CHECK_INT (zmq_msg_routing_id (&m), 42);
    CHECK (zmq_msg_set_routing_id (&m, 0xffffffffu) == 0);
    CHECK (zmq_msg_routing_id (&m) == 0xffffffffu);

    /* group: short ones, then long ones, the longest (a short group
       after a long one: test_draft_msg_group_edges) */
    CHECK_STR (zmq_msg_group (&m), "");
    CHECK (zmq_msg_set_group (&m, "short") == 0);
    CHECK_STR (zmq_msg_group (&m), "short");
    CHECK (zmq_msg_set_group (&m, "") == 0);
    CHECK_STR (zmq_msg_group (&m), "");
    CHECK (zmq_msg_set_group (&m, "news") == 0);
    CHECK_STR (zmq_msg_group (&m), "news");
    zmq_msg_t l;
    CHECK (zmq_msg_init (&l) == 0);
    CHECK (zmq_msg_set_group (&l, "a group longer than fourteen") == 0);
    CHECK_STR (zmq_msg_group (&l), "a group longer than fourteen");
    char longest[ZMQ_GROUP_MAX_LENGTH + 1];
    memset (longest, 'g', ZMQ_GROUP_MAX_LENGTH);
    longest[ZMQ_GROUP_MAX_LENGTH] = '\0';
    CHECK (zmq_msg_set_group (&l, longest) == 0);
    CHECK_STR (zmq_msg_group (&l), longest);
    CHECK (zmq_msg_close (&l) == 0);

    /* copy carries both; each copy keeps its own group afterwards */
    zmq_msg_t c;
    CHECK (zmq_msg_init (&c) == 0);
    CHECK (zmq_msg_copy (&c, &m) == 0);
    CHECK_INT (zmq_msg_routing_id (&c), 0xffffffffu);
    CHECK_STR (zmq_msg_group (&c), "news");
    CHECK (zmq_msg_set_group (&m, "weather reports, long form") == 0);
    CHECK (zmq_msg_set_routing_id (&m, 7) == 0);
    CHECK_STR (zmq_msg_group (&c), "news");
    CHECK (zmq_msg_routing_id (&c) == 0xffffffffu);

    /* move carries both and leaves the source as a new message */
    zmq_msg_t d;
    CHECK (zmq_msg_init (&d) == 0);
    CHECK (zmq_msg_move (&d, &m) == 0);
    CHECK_INT (zmq_msg_routing_id (&d), 7);
    CHECK_STR (zmq_msg_group (&d), "weather reports, long form");
    CHECK_INT (zmq_msg_routing_id (&m), 0);
    CHECK_STR (zmq_msg_group (&m), "");

    /* a long group on a copy outlives the closed original */
    CHECK (zmq_msg_copy (&c, &d) == 0);
    CHECK (zmq_msg_close (&d) == 0);
    CHECK_STR (zmq_msg_group (&c), "weather reports, long form");

    CHECK (zmq_msg_close (&c) == 0);
    CHECK (zmq_msg_close (&m) == 0);
    return 0;
}
