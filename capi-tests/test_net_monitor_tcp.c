/* Monitor events over tcp, with libzmq's values and endpoints:
 * binder: LISTENING (fd of the listening socket), ACCEPTED (fd of the
 * accepted socket), HANDSHAKE_SUCCEEDED (0), DISCONNECTED (fd) when the
 * peer goes, CLOSED (fd) on unbind, MONITOR_STOPPED (0, "") on stop;
 * connecter: CONNECT_DELAYED (EINPROGRESS), CONNECTED (fd),
 * HANDSHAKE_SUCCEEDED (0). Endpoints are the resolved bound address on
 * the binder and the connect string on the connecter. */
#include "testutil.h"

static int sock_port (int fd, int peer)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int r = peer ? getpeername (fd, (struct sockaddr *) &a, &len)
                 : getsockname (fd, (struct sockaddr *) &a, &len);
    return r == 0 ? ntohs (a.sin_port) : -1;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_PAIR);
    void *cli = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (srv && cli);
    void *smon = monitor_of (ctx, srv, "inproc://mon-srv", ZMQ_EVENT_ALL);
    void *cmon = monitor_of (ctx, cli, "inproc://mon-cli", ZMQ_EVENT_ALL);
    CHECK (smon && cmon);

    char bound[256], ep[256];
    uint32_t value = 0;
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, bound, sizeof bound) == 0);
    int port = port_of (bound);
    CHECK (port > 0);

    EXPECT_EVENT (smon, ZMQ_EVENT_LISTENING, value, ep);
    CHECK (strcmp (ep, bound) == 0);
    CHECK (sock_port ((int) value, 0) == port);

    CHECK (zmq_connect (cli, bound) == 0);
    EXPECT_EVENT (cmon, ZMQ_EVENT_CONNECT_DELAYED, value, ep);
    CHECK (strcmp (ep, bound) == 0);
    CHECK (value == EINPROGRESS);
    EXPECT_EVENT (cmon, ZMQ_EVENT_CONNECTED, value, ep);
    CHECK (strcmp (ep, bound) == 0);
    CHECK (sock_port ((int) value, 1) == port);
    EXPECT_EVENT (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, value, ep);
    CHECK (value == 0);
    CHECK (strcmp (ep, bound) == 0);

    EXPECT_EVENT (smon, ZMQ_EVENT_ACCEPTED, value, ep);
    CHECK (strcmp (ep, bound) == 0);
    CHECK (sock_port ((int) value, 0) == port);
    uint32_t accepted_fd = value;
    EXPECT_EVENT (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, value, ep);
    CHECK (value == 0);
    CHECK (strcmp (ep, bound) == 0);

    /* Traffic works. */
    CHECK (send_str (cli, "hello", 0) == 0);
    CHECK (recv_is (srv, "hello") == 0);

    /* Stop the connecter's monitor explicitly: MONITOR_STOPPED, value 0. */
    CHECK (zmq_socket_monitor (cli, NULL, 0) == 0);
    EXPECT_EVENT (cmon, ZMQ_EVENT_MONITOR_STOPPED, value, ep);
    CHECK (value == 0 && ep[0] == 0);

    /* The peer goes away: DISCONNECTED with the accepted fd. */
    CHECK (zmq_close (cli) == 0);
    EXPECT_EVENT (smon, ZMQ_EVENT_DISCONNECTED, value, ep);
    CHECK (value == accepted_fd);
    CHECK (strcmp (ep, bound) == 0);

    /* Unbind: CLOSED with the listening socket's endpoint. */
    CHECK (zmq_unbind (srv, bound) == 0);
    EXPECT_EVENT (smon, ZMQ_EVENT_CLOSED, value, ep);
    CHECK (strcmp (ep, bound) == 0);

    CHECK (zmq_socket_monitor (srv, NULL, 0) == 0);
    EXPECT_EVENT (smon, ZMQ_EVENT_MONITOR_STOPPED, value, ep);
    CHECK (value == 0 && ep[0] == 0);

    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (smon) == 0);
    CHECK (zmq_close (cmon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
