/* Message properties over tcp: zmq_msg_gets gives the peer's
 * "Socket-Type", its "Identity" (routing id, when set) and
 * "Peer-Address" (the peer's IP); zmq_msg_get(ZMQ_SRCFD) gives the fd of
 * the connection the message came in on (a socket connected to the
 * peer). Over ipc there is no Peer-Address property... libzmq gives ""
 * there, which is not asserted. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_DEALER);
    void *cli = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (srv && cli);
    CHECK (set_int (srv, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (zmq_setsockopt (cli, ZMQ_ROUTING_ID, "client-7", 8) == 0);
    char ep[256];
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, ep, sizeof ep) == 0);
    CHECK (zmq_connect (cli, ep) == 0);
    CHECK (send_str (cli, "with props", 0) == 0);

    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, srv, 0) == 10);
    const char *v = zmq_msg_gets (&m, "Socket-Type");
    CHECK (v && strcmp (v, "DEALER") == 0);
    v = zmq_msg_gets (&m, "Identity");
    CHECK (v && strcmp (v, "client-7") == 0);
    v = zmq_msg_gets (&m, "Peer-Address");
    CHECK (v && strcmp (v, "127.0.0.1") == 0);
    CHECK (zmq_msg_gets (&m, "No-Such-Property") == NULL);
    CHECK (zmq_errno () == EINVAL);
    int fd = zmq_msg_get (&m, ZMQ_SRCFD);
    CHECK (fd >= 0);
    /* That fd is the accepted connection: its local port is the bound one. */
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    CHECK (getsockname (fd, (struct sockaddr *) &a, &len) == 0);
    CHECK (ntohs (a.sin_port) == port_of (ep));
    CHECK (zmq_msg_close (&m) == 0);

    /* The other direction: the binder has no routing id set, so no
     * Identity... libzmq sends an empty one, which is not asserted. */
    CHECK (set_int (cli, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (send_str (srv, "back", 0) == 0);
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, cli, 0) == 4);
    v = zmq_msg_gets (&m, "Socket-Type");
    CHECK (v && strcmp (v, "DEALER") == 0);
    v = zmq_msg_gets (&m, "Peer-Address");
    CHECK (v && strcmp (v, "127.0.0.1") == 0);
    CHECK (zmq_msg_close (&m) == 0);

    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
