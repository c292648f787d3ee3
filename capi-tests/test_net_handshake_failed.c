/* A raw tcp client (plain BSD socket) that sends a ZMTP 3.0 greeting with
 * a mechanism the socket does not use ("PLAIN" against NULL): the binder
 * reports HANDSHAKE_FAILED_PROTOCOL with value
 * ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH and its bound endpoint, then
 * closes the connection (DISCONNECTED). */
#include "testutil.h"

static void greeting (unsigned char *g, const char *mech)
{
    memset (g, 0, 64);
    g[0] = 0xff;
    g[8] = 1;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = 0;
    memcpy (g + 12, mech, strlen (mech));
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_PULL);
    CHECK (srv);
    void *mon = monitor_of (ctx, srv, "inproc://mon",
                            ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL
                              | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                              | ZMQ_EVENT_HANDSHAKE_SUCCEEDED
                              | ZMQ_EVENT_DISCONNECTED);
    CHECK (mon);
    char bound[256], ep[256];
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, bound, sizeof bound) == 0);

    int fd = raw_connect (port_of (bound));
    CHECK (fd >= 0);
    unsigned char g[64], peer[64];
    /* The socket starts with its greeting's signature (read it first: a
     * reset after the failure could discard unread data)... */
    CHECK (raw_read_n (fd, peer, 10) == 0);
    CHECK (peer[0] == 0xff && peer[9] == 0x7f);
    greeting (g, "PLAIN");
    CHECK (write (fd, g, 64) == 64);

    /* ...then fails the handshake. */
    uint32_t value = 0;
    int ev = read_event (mon, &value, ep, sizeof ep);
    if (ev != ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
        fprintf (stderr, "event 0x%x value 0x%x ep '%s'\n", ev, value, ep);
    CHECK (ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    CHECK (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    CHECK (strcmp (ep, bound) == 0);
    ev = read_event (mon, &value, ep, sizeof ep);
    if (ev != ZMQ_EVENT_DISCONNECTED)
        fprintf (stderr, "event 0x%x value 0x%x ep '%s'\n", ev, value, ep);
    CHECK (ev == ZMQ_EVENT_DISCONNECTED);
    CHECK (strcmp (ep, bound) == 0);

    /* The connection is closed: read returns 0 (EOF) or an error. */
    unsigned char b;
    CHECK (read (fd, &b, 1) <= 0);
    close (fd);

    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
