/* zmq_poll timeouts: 0 returns at once, a positive timeout elapses, -1 is
 * woken by a message sent from another thread; no items sleeps for the
 * timeout; bad arguments give EFAULT / ENOTSOCK. */
#include "testutil.h"

struct job
{
    void *sock;
    int go_fd;
    int rc;
};

/* Waits for main to signal it is about to poll, then sends one message. */
static void sender (void *arg)
{
    struct job *j = (struct job *) arg;
    char c;
    j->rc = -1;
    if (read (j->go_fd, &c, 1) != 1)
        return;
    if (zmq_send (j->sock, "wake", 4, 0) == 4)
        j->rc = 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *a = zmq_socket (ctx, ZMQ_PAIR);
    void *b = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (a && b);
    CHECK (zmq_bind (a, "inproc://poll-timeouts") == 0);
    CHECK (zmq_connect (b, "inproc://poll-timeouts") == 0);

    zmq_pollitem_t items[1];
    memset (items, 0, sizeof items);
    items[0].socket = a;
    items[0].events = ZMQ_POLLIN;

    /* timeout 0: nothing pending, immediate return */
    void *w = zmq_stopwatch_start ();
    CHECK (zmq_poll (items, 1, 0) == 0);
    CHECK (items[0].revents == 0);
    unsigned long us = zmq_stopwatch_intermediate (w);
    CHECK (us < 1000000);

    /* positive timeout elapses */
    us = zmq_stopwatch_intermediate (w);
    CHECK (zmq_poll (items, 1, 100) == 0);
    unsigned long el = zmq_stopwatch_intermediate (w) - us;
    if (el < 90000) {
        fprintf (stderr, "poll(100ms) returned after %lu us\n", el);
        return 1;
    }

    /* no items: sleeps for the timeout */
    us = zmq_stopwatch_intermediate (w);
    CHECK (zmq_poll (NULL, 0, 50) == 0);
    el = zmq_stopwatch_intermediate (w) - us;
    if (el < 40000) {
        fprintf (stderr, "poll(no items, 50ms) returned after %lu us\n", el);
        return 1;
    }
    CHECK (zmq_poll (NULL, 0, 0) == 0);
    zmq_stopwatch_stop (w);

    /* message already queued: timeout 0 reports it */
    CHECK (zmq_send (b, "x", 1, 0) == 1);
    CHECK (zmq_poll (items, 1, 0) == 1);
    CHECK (items[0].revents == ZMQ_POLLIN);
    char buf[16];
    CHECK (zmq_recv (a, buf, sizeof buf, 0) == 1);
    CHECK (zmq_poll (items, 1, 0) == 0);
    CHECK (items[0].revents == 0);

    /* infinite timeout woken by another thread */
    int go[2];
    CHECK (pipe (go) == 0);
    struct job j = {b, go[0], -1};
    void *t = zmq_threadstart (sender, &j);
    CHECK (t);
    CHECK (write (go[1], "g", 1) == 1);
    CHECK (zmq_poll (items, 1, -1) == 1);
    CHECK (items[0].revents == ZMQ_POLLIN);
    zmq_threadclose (t);
    CHECK (j.rc == 0);
    CHECK (zmq_recv (a, buf, sizeof buf, 0) == 4);
    CHECK (memcmp (buf, "wake", 4) == 0);

    /* a long timeout also returns as soon as a message arrives */
    j.rc = -1;
    t = zmq_threadstart (sender, &j);
    CHECK (t);
    CHECK (write (go[1], "g", 1) == 1);
    CHECK (zmq_poll (items, 1, 60000) == 1);
    zmq_threadclose (t);
    CHECK (j.rc == 0);
    CHECK (zmq_recv (a, buf, sizeof buf, 0) == 4);
    close (go[0]);
    close (go[1]);

    /* bad arguments */
    CHECK (zmq_poll (NULL, 1, 0) == -1);
    CHECK (zmq_errno () == EFAULT);

    CHECK (zmq_close (b) == 0);
    CHECK (zmq_close (a) == 0);
    CHECK (zmq_poll (items, 1, 0) == -1);
    CHECK (zmq_errno () == ENOTSOCK);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
