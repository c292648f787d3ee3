/* zmq_msg_init_data: a zero-copy message sent over inproc is freed by the receiving thread when it closes it, exactly once.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int free_calls;
static pthread_t freeing_thread;

static void my_free(void *data, void *hint)
{
    (void) hint;
    pthread_mutex_lock(&lock);
    free_calls++;
    freeing_thread = pthread_self();
    pthread_mutex_unlock(&lock);
    free(data);
}

static void *receiver(void *sock)
{
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK(zmq_msg_recv(&msg, sock, 0) == 1000);
    CHECK(((char *) zmq_msg_data(&msg))[999] == 'z');
    pthread_mutex_lock(&lock);
    CHECK(free_calls == 0);
    pthread_mutex_unlock(&lock);
    CHECK(zmq_msg_close(&msg) == 0);
    CHECK(zmq_send(sock, "done", 4, 0) == 4);
    return NULL;
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *a = zmq_socket(ctx, ZMQ_PAIR);
    void *b = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(a && b);
    CHECK(zmq_bind(a, "inproc://free-thread") == 0);
    CHECK(zmq_connect(b, "inproc://free-thread") == 0);

    pthread_t t;
    CHECK(pthread_create(&t, NULL, receiver, b) == 0);

    char *buf = (char *) malloc(1000);
    CHECK(buf);
    memset(buf, 'z', 1000);
    zmq_msg_t msg;
    CHECK(zmq_msg_init_data(&msg, buf, 1000, my_free, NULL) == 0);
    CHECK(zmq_msg_send(&msg, a, 0) == 1000);
    CHECK(zmq_msg_close(&msg) == 0); /* a sent message is empty; closing it is harmless */

    char reply[8];
    CHECK(zmq_recv(a, reply, sizeof reply, 0) == 4);
    CHECK(pthread_join(t, NULL) == 0);
    pthread_mutex_lock(&lock);
    CHECK(free_calls == 1);
    CHECK(pthread_equal(freeing_thread, t));
    pthread_mutex_unlock(&lock);

    CHECK(zmq_close(a) == 0);
    CHECK(zmq_close(b) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    CHECK(free_calls == 1);
    return 0;
}
