/* zmq_poll on raw file descriptors (a pipe), ZMQ_POLLOUT on sockets and
 * fds, and sockets and fds mixed in one call. */
#include "testutil.h"

int main (void)
{
    int p[2];
    CHECK (pipe (p) == 0);
    char buf[16];

    /* raw fds alone */
    zmq_pollitem_t fds[2];
    memset (fds, 0, sizeof fds);
    fds[0].fd = p[0];
    fds[0].events = ZMQ_POLLIN;
    fds[1].fd = p[1];
    fds[1].events = ZMQ_POLLOUT;
    CHECK (zmq_poll (fds, 2, 0) == 1);
    CHECK (fds[0].revents == 0);
    CHECK (fds[1].revents == ZMQ_POLLOUT);
    fds[1].events = 0;
    CHECK (zmq_poll (fds, 2, 10) == 0);
    CHECK (write (p[1], "z", 1) == 1);
    CHECK (zmq_poll (fds, 2, -1) == 1);
    CHECK (fds[0].revents == ZMQ_POLLIN);
    CHECK (read (p[0], buf, 1) == 1);
    CHECK (zmq_poll (fds, 2, 0) == 0);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *tx = zmq_socket (ctx, ZMQ_PAIR);
    void *rx = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (tx && rx);

    /* PAIR without a peer cannot send: no POLLOUT */
    zmq_pollitem_t out[1];
    memset (out, 0, sizeof out);
    out[0].socket = tx;
    out[0].events = ZMQ_POLLOUT | ZMQ_POLLIN;
    CHECK (zmq_poll (out, 1, 0) == 0);
    CHECK (out[0].revents == 0);

    CHECK (zmq_bind (rx, "inproc://poll-mixed") == 0);
    CHECK (zmq_connect (tx, "inproc://poll-mixed") == 0);
    CHECK (zmq_poll (out, 1, -1) == 1);
    CHECK (out[0].revents == ZMQ_POLLOUT);

    /* mixed: the socket item is ignored when the fd is ready, and the
       other way round */
    zmq_pollitem_t mix[2];
    memset (mix, 0, sizeof mix);
    mix[0].socket = rx;
    mix[0].fd = -1;
    mix[0].events = ZMQ_POLLIN;
    mix[1].socket = NULL;
    mix[1].fd = p[0];
    mix[1].events = ZMQ_POLLIN;
    CHECK (zmq_poll (mix, 2, 0) == 0);

    CHECK (write (p[1], "y", 1) == 1);
    CHECK (zmq_poll (mix, 2, -1) == 1);
    CHECK (mix[0].revents == 0);
    CHECK (mix[1].revents == ZMQ_POLLIN);
    CHECK (read (p[0], buf, 1) == 1);

    CHECK (zmq_send (tx, "hello", 5, 0) == 5);
    CHECK (zmq_poll (mix, 2, -1) == 1);
    CHECK (mix[0].revents == ZMQ_POLLIN);
    CHECK (mix[1].revents == 0);

    CHECK (write (p[1], "w", 1) == 1);
    CHECK (zmq_poll (mix, 2, -1) == 2);
    CHECK (mix[0].revents == ZMQ_POLLIN);
    CHECK (mix[1].revents == ZMQ_POLLIN);
    CHECK (zmq_recv (rx, buf, sizeof buf, 0) == 5);
    CHECK (read (p[0], buf, 1) == 1);
    CHECK (zmq_poll (mix, 2, 0) == 0);

    /* a closed writer shows up as ZMQ_POLLERR on the reading end */
    close (p[1]);
    CHECK (zmq_poll (mix, 2, 0) == 1);
    CHECK ((mix[1].revents & ZMQ_POLLERR) != 0);

    CHECK (zmq_close (tx) == 0);
    CHECK (zmq_close (rx) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    close (p[0]);
    return 0;
}
