/* ZMQ_PRIORITY sets SO_PRIORITY, and ZMQ_BUSY_POLL (libzmq 4.3.5) sets
 * SO_BUSY_POLL, on the tcp socket of a connection the socket makes: read
 * back from the descriptor a received message names (ZMQ_SRCFD). The
 * kernel lets only a privileged process raise SO_BUSY_POLL; when this one
 * cannot, that part is not asserted. */
#include "testutil.h"

#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif

static int sockopt (int fd, int name)
{
    int v = -1;
    socklen_t len = sizeof v;
    CHECK (getsockopt (fd, SOL_SOCKET, name, &v, &len) == 0);
    return v;
}

int main (void)
{
    /* Can this process raise SO_BUSY_POLL at all? */
    int probe = socket (AF_INET, SOCK_STREAM, 0);
    CHECK (probe >= 0);
    int fifty = 50;
    int can_busy_poll =
      setsockopt (probe, SOL_SOCKET, SO_BUSY_POLL, &fifty, sizeof fifty) == 0;
    close (probe);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = make (ctx, ZMQ_DEALER);
    void *cli = make (ctx, ZMQ_DEALER);
    CHECK (set_int (cli, ZMQ_PRIORITY, 5) == 0);
#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)
    CHECK (set_int (cli, ZMQ_BUSY_POLL, 50) == 0);
#endif
    char ep[256];
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, ep, sizeof ep) == 0);
    CHECK (zmq_connect (cli, ep) == 0);
    send_s (srv, "x", 0);

    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, cli, 0) == 1);
    int fd = zmq_msg_get (&m, ZMQ_SRCFD);
    CHECK (fd >= 0);
    CHECK (sockopt (fd, SO_PRIORITY) == 5);
#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)
    if (can_busy_poll)
        CHECK (sockopt (fd, SO_BUSY_POLL) == 50);
    else
        fprintf (stderr, "SO_BUSY_POLL needs CAP_NET_ADMIN here: not checked\n");
#endif
    (void) can_busy_poll;
    CHECK (zmq_msg_close (&m) == 0);
    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
