/* zmq_ctx_term: a zmq_recv blocked in another thread returns ETERM, and zmq_ctx_term returns only after that socket is closed.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void *ctx;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int closing; /* set by the thread just before it closes its socket */

static void *blocked_reader(void *sock)
{
    /* tell main we are about to block */
    void *ready = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(ready);
    CHECK(zmq_connect(ready, "inproc://ready") == 0);
    CHECK(zmq_send(ready, "r", 1, 0) == 1);

    char buf[8];
    CHECK_ERR(zmq_recv(sock, buf, sizeof buf, 0), ETERM);
    CHECK_ERR(zmq_recv(sock, buf, sizeof buf, 0), ETERM); /* stays terminated */
    pthread_mutex_lock(&lock);
    closing = 1;
    pthread_mutex_unlock(&lock);
    CHECK(zmq_close(ready) == 0);
    CHECK(zmq_close(sock) == 0);
    return NULL;
}

int main(void)
{
    ctx = zmq_ctx_new();
    CHECK(ctx);
    void *sync = zmq_socket(ctx, ZMQ_PAIR);
    void *sock = zmq_socket(ctx, ZMQ_PAIR);
    CHECK(sync && sock);
    CHECK(zmq_bind(sync, "inproc://ready") == 0);
    CHECK(zmq_bind(sock, "inproc://blocked") == 0);

    pthread_t t;
    CHECK(pthread_create(&t, NULL, blocked_reader, sock) == 0);
    char buf[8];
    CHECK(zmq_recv(sync, buf, sizeof buf, 0) == 1);
    CHECK(zmq_close(sync) == 0);

    /* the reader is (about to be) blocked in zmq_recv; terminating wakes it */
    CHECK(zmq_ctx_term(ctx) == 0);
    pthread_mutex_lock(&lock);
    CHECK(closing == 1);
    pthread_mutex_unlock(&lock);
    CHECK(pthread_join(t, NULL) == 0);
    return 0;
}
