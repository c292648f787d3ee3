/* zmq_unbind of a tcp endpoint stops listening (CLOSED) and closes the
 * connections it accepted: the connecter sees DISCONNECTED. The endpoint
 * can be named by the LAST_ENDPOINT string of a wildcard bind, and a
 * second unbind of it gives ENOENT. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_PULL);
    void *cli = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (srv && cli);
    CHECK (set_int (cli, ZMQ_RECONNECT_IVL, -1) == 0);
    void *smon = monitor_of (ctx, srv, "inproc://mon-s", ZMQ_EVENT_CLOSED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    void *cmon = monitor_of (ctx, cli, "inproc://mon-c",
                             ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (smon && cmon);
    char ep[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, ep, sizeof ep) == 0);
    CHECK (zmq_connect (cli, ep) == 0);
    CHECK (read_event (cmon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (read_event (smon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (send_str (cli, "a", 0) == 0);
    CHECK (recv_is (srv, "a") == 0);

    /* The wildcard string itself is not what was bound. */
    CHECK (zmq_unbind (srv, "tcp://127.0.0.1:*") == -1);
    CHECK (zmq_errno () == ENOENT);

    CHECK (zmq_unbind (srv, ep) == 0);
    CHECK (read_event (smon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CLOSED);
    CHECK (strcmp (ev_ep, ep) == 0);
    /* libzmq closes the accepted connection once the unbinding socket has
     * processed the end of its pipe, so keep that socket busy (ZMQ_EVENTS)
     * while waiting for the connecter's DISCONNECTED. */
    CHECK (set_int (cmon, ZMQ_RCVTIMEO, 50) == 0);
    int ev = -1;
    for (int i = 0; i < 100 && ev != ZMQ_EVENT_DISCONNECTED; i++) {
        int events;
        size_t sz = sizeof events;
        CHECK (zmq_getsockopt (srv, ZMQ_EVENTS, &events, &sz) == 0);
        ev = read_event (cmon, &value, ev_ep, sizeof ev_ep);
    }
    CHECK (ev == ZMQ_EVENT_DISCONNECTED);
    CHECK (strcmp (ev_ep, ep) == 0);

    CHECK (zmq_unbind (srv, ep) == -1);
    CHECK (zmq_errno () == ENOENT);
    CHECK (zmq_disconnect (cli, "tcp://127.0.0.1:1") == -1);
    CHECK (zmq_errno () == ENOENT);

    /* The port is free again. */
    CHECK (zmq_bind (srv, ep) == 0);

    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (smon) == 0);
    CHECK (zmq_close (cmon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
