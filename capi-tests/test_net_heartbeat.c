/* ZMQ_HEARTBEAT_IVL / ZMQ_HEARTBEAT_TIMEOUT over tcp: a peer that
 * completes the ZMTP 3.1 handshake (done by hand on a plain BSD socket)
 * and then never answers receives PING commands, and is disconnected
 * after the time-out (DISCONNECTED on the monitor, EOF on the raw
 * socket). */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (srv);
    CHECK (set_int (srv, ZMQ_HEARTBEAT_IVL, 100) == 0);
    CHECK (set_int (srv, ZMQ_HEARTBEAT_TIMEOUT, 400) == 0);
    void *mon = monitor_of (ctx, srv, "inproc://mon",
                            ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED);
    CHECK (mon);
    char ep[256], ev_ep[256];
    uint32_t value;
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, ep, sizeof ep) == 0);

    int fd = raw_connect (port_of (ep));
    CHECK (fd >= 0);
    unsigned char g[64];
    memset (g, 0, sizeof g);
    g[0] = 0xff;
    g[8] = 1;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = 1;
    memcpy (g + 12, "NULL", 4);
    CHECK (write (fd, g, 64) == 64);
    unsigned char ready[64];
    size_t n = 0;
    ready[n++] = 0x04; /* command, short */
    ready[n++] = 28;
    ready[n++] = 5;
    memcpy (ready + n, "READY", 5);
    n += 5;
    ready[n++] = 11;
    memcpy (ready + n, "Socket-Type", 11);
    n += 11;
    ready[n++] = 0;
    ready[n++] = 0;
    ready[n++] = 0;
    ready[n++] = 6;
    memcpy (ready + n, "DEALER", 6);
    n += 6;
    CHECK (n == 30);
    CHECK (write (fd, ready, n) == (ssize_t) n);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);

    /* Now silent: read everything the socket sends until it closes. */
    static unsigned char in[65536];
    size_t got = 0;
    for (;;) {
        ssize_t r = read (fd, in + got, sizeof in - got);
        if (r <= 0)
            break;
        got += (size_t) r;
        CHECK (got < sizeof in);
    }
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_DISCONNECTED);
    CHECK (strcmp (ev_ep, ep) == 0);
    int ping = 0;
    for (size_t i = 0; i + 5 <= got; i++)
        if (in[i] == 4 && memcmp (in + i + 1, "PING", 4) == 0)
            ping = 1;
    CHECK (ping);
    close (fd);

    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
