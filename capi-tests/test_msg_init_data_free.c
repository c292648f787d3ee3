/* zmq_msg_init_data: the free function runs exactly once, with its hint, only after the last copy is closed.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static int free_calls;
static void *freed_data;
static void *freed_hint;

static void my_free(void *data, void *hint)
{
    free_calls++;
    freed_data = data;
    freed_hint = hint;
    free(data);
}

int main(void)
{
    int hint_target = 42;
    size_t size = 100;
    char *buf = (char *) malloc(size);
    CHECK(buf);
    memset(buf, 'x', size);

    zmq_msg_t a, b, c;
    CHECK(zmq_msg_init_data(&a, buf, size, my_free, &hint_target) == 0);
    CHECK(zmq_msg_size(&a) == size);
    CHECK(zmq_msg_data(&a) == buf); /* zero-copy */

    CHECK(zmq_msg_init(&b) == 0);
    CHECK(zmq_msg_copy(&b, &a) == 0);
    CHECK(zmq_msg_init(&c) == 0);
    CHECK(zmq_msg_copy(&c, &b) == 0);

    CHECK(zmq_msg_close(&a) == 0);
    CHECK(free_calls == 0);
    CHECK(zmq_msg_close(&c) == 0);
    CHECK(free_calls == 0);
    CHECK(memcmp(zmq_msg_data(&b), "xxxx", 4) == 0);
    CHECK(zmq_msg_close(&b) == 0);
    CHECK(free_calls == 1);
    CHECK(freed_data == buf);
    CHECK(freed_hint == &hint_target);

    /* a message that is never copied is freed on close */
    buf = (char *) malloc(10);
    CHECK(buf);
    CHECK(zmq_msg_init_data(&a, buf, 10, my_free, NULL) == 0);
    CHECK(zmq_msg_close(&a) == 0);
    CHECK(free_calls == 2);
    CHECK(freed_hint == NULL);
    return 0;
}
