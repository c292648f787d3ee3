/* A zmq_poll blocked forever in another thread returns -1 / ETERM when the
 * context is terminated; the thread then closes its socket so that
 * zmq_ctx_term can finish. */
#include "testutil.h"

struct job
{
    void *sock;
    int ready_fd;
    int rc, err;
};

static void poller (void *arg)
{
    struct job *j = (struct job *) arg;
    zmq_pollitem_t items[1];
    memset (items, 0, sizeof items);
    items[0].socket = j->sock;
    items[0].events = ZMQ_POLLIN;
    /* tell main we are about to block */
    if (write (j->ready_fd, "r", 1) != 1)
        return;
    j->rc = zmq_poll (items, 1, -1);
    j->err = zmq_errno ();
    int linger = 0;
    zmq_setsockopt (j->sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close (j->sock);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_bind (s, "inproc://poll-eterm") == 0);
    int p[2];
    CHECK (pipe (p) == 0);
    struct job j = {s, p[1], 0, 0};
    void *t = zmq_threadstart (poller, &j);
    CHECK (t);
    char c;
    CHECK (read (p[0], &c, 1) == 1);
    CHECK (zmq_ctx_term (ctx) == 0);
    zmq_threadclose (t);
    CHECK (j.rc == -1);
    CHECK (j.err == ETERM);
    close (p[0]);
    close (p[1]);
    return 0;
}
