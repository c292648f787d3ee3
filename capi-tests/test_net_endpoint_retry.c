/* What happens after zmq_connect accepted an address that cannot work,
 * and the monitor events of a failed bind, as libzmq reports them.
 *
 * A tcp address is resolved at each attempt: when that fails (bad port,
 * source without a port, an empty or 0 zone...) no socket
 * is made and the only event is CONNECT_RETRIED, again and again. A
 * socket refused at once (ipc: no such file or nobody listening; tcp: a
 * source address that cannot be bound) is reported CLOSED, then
 * CONNECT_RETRIED. A tcp connect refused later is CONNECT_DELAYED, CLOSED,
 * CONNECT_RETRIED. Ports are cut to 16 bits as for bind: port P + 65536
 * reaches P. A failed bind that had made a socket reports it CLOSED (tcp:
 * with no endpoint yet) before BIND_FAILED, which names the address
 * without its transport. Once a tcp connection is lost, later events name
 * the address it had reached (tcp://ip:port), not the endpoint given. */
#include "testutil.h"

static void *ctx;

/* A DEALER with a fast reconnect and a monitor of every event. */
static void *monitored (void **mon, int n)
{
    char addr[64];
    snprintf (addr, sizeof addr, "inproc://retry-mon-%d", n);
    void *s = make (ctx, ZMQ_DEALER);
    CHECK (set_int (s, ZMQ_RECONNECT_IVL, 20) == 0);
    *mon = monitor_of (ctx, s, addr, ZMQ_EVENT_ALL);
    CHECK (*mon);
    return s;
}

/* connect(ep) succeeds; then the events come in the order `seq` lists
 * (0-terminated), twice over (the attempt is repeated), each naming ep. */
static void expect_cycle (const char *ep, const int *seq)
{
    static int n;
    void *mon;
    void *s = monitored (&mon, ++n);
    if (zmq_connect (s, ep) != 0) {
        fprintf (stderr, "connect(\"%s\"): %s\n", ep, zmq_strerror (zmq_errno ()));
        exit (1);
    }
    for (int round = 0; round < 2; round++)
        for (const int *e = seq; *e; e++) {
            uint32_t value = 0;
            char got[256] = "";
            int ev = read_event (mon, &value, got, sizeof got);
            if (ev != *e || strcmp (got, ep) != 0) {
                fprintf (stderr, "connect(\"%s\") round %d: event 0x%x (%u) '%s', "
                         "expected 0x%x\n", ep, round, ev, value, got, *e);
                exit (1);
            }
        }
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (mon) == 0);
}

static const int unresolved[] = {ZMQ_EVENT_CONNECT_RETRIED, 0};
static const int refused_now[] = {ZMQ_EVENT_CLOSED, ZMQ_EVENT_CONNECT_RETRIED, 0};
static const int refused_later[] = {ZMQ_EVENT_CONNECT_DELAYED, ZMQ_EVENT_CLOSED,
                                    ZMQ_EVENT_CONNECT_RETRIED, 0};

/* bind(ep) fails; the events are [CLOSED naming closed_ep,] BIND_FAILED
 * with `err` naming the address without "proto://". */
static void expect_bind_failed (const char *ep, const char *closed_ep, int err)
{
    static int n;
    void *mon;
    void *s = monitored (&mon, 1000 + ++n);
    CHECK (zmq_bind (s, ep) == -1); /* (libzmq 4.3.4 may report errno EAGAIN here) */
    uint32_t value = 0;
    char got[256] = "";
    if (closed_ep) {
        EXPECT_EVENT (mon, ZMQ_EVENT_CLOSED, value, got);
        CHECK_STR (got, closed_ep);
    }
    EXPECT_EVENT (mon, ZMQ_EVENT_BIND_FAILED, value, got);
    CHECK_INT (value, err);
    CHECK_STR (got, strstr (ep, "://") + 3);
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (mon) == 0);
}

int main (void)
{
    ctx = zmq_ctx_new ();
    CHECK (ctx);
    int port;
    int held = hold_port (&port); /* refuses connections */
    char ep[256];

    /* resolved at each attempt, and failing there (before any DNS look-up,
     * so the test stays on this machine) */
    snprintf (ep, sizeof ep, "tcp://127.0.0.1;127.0.0.1:%d", port);
    expect_cycle (ep, unresolved);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d;", port);
    expect_cycle (ep, unresolved);
    snprintf (ep, sizeof ep, "tcp://[fe80::1%%]:%d", port); /* empty zone */
    expect_cycle (ep, unresolved);
    snprintf (ep, sizeof ep, "tcp://[fe80::1%%0]:%d", port);
    expect_cycle (ep, unresolved);
    expect_cycle ("tcp://127.0.0.1:00", unresolved);
    expect_cycle ("tcp://127.0.0.1:0x10", unresolved);
    expect_cycle ("tcp://127.0.0.1:65536", unresolved);

    /* a socket made, and refused at once */
    expect_cycle ("ipc:///nonexistent-dir/sock", refused_now);
    snprintf (ep, sizeof ep, "ipc://@zmq-retry-nobody-%d", (int) getpid ());
    expect_cycle (ep, refused_now);
    snprintf (ep, sizeof ep, "tcp://192.0.2.1:0;127.0.0.1:%d", port);
    expect_cycle (ep, refused_now); /* the source cannot be bound */

    /* refused by the peer's kernel */
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    expect_cycle (ep, refused_later);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port + 65536);
    expect_cycle (ep, refused_later);
    expect_cycle ("tcp://127.0.0.1:0", refused_later);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:0;127.0.0.1:%d", port);
    expect_cycle (ep, refused_later);
    close (held);

    /* a wrapped port reaches the listener on the port it wraps to */
    void *srv = make (ctx, ZMQ_PULL);
    void *cli = make (ctx, ZMQ_PUSH);
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", bound_port (srv) + 65536);
    CHECK (zmq_connect (cli, ep) == 0);
    send_s (cli, "wrapped", 0);
    expect_s (srv, "wrapped", 0);
    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (cli) == 0);

    /* after a lost connection, events name the address reached: a plain
     * listener that drops the connection it accepts */
    int lport;
    int lfd = tcp_listener (&lport);
    cli = make (ctx, ZMQ_PUSH);
    CHECK (set_int (cli, ZMQ_RECONNECT_IVL, 20) == 0);
    void *mon = monitor_of (ctx, cli, "inproc://retry-mon-lost", ZMQ_EVENT_ALL);
    CHECK (mon);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:0;localhost:%d", lport);
    CHECK (zmq_connect (cli, ep) == 0);
    uint32_t value;
    char got[256];
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECT_DELAYED, value, got);
    CHECK_STR (got, ep);
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECTED, value, got);
    CHECK_STR (got, ep);
    int afd = accept (lfd, NULL, NULL);
    CHECK (afd >= 0);
    close (afd);
    CHECK (wait_event (mon, ZMQ_EVENT_DISCONNECTED, &value, got, sizeof got) >= 0);
    CHECK_STR (got, ep);
    char reached[64];
    snprintf (reached, sizeof reached, "tcp://127.0.0.1:%d", lport);
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECT_RETRIED, value, got);
    CHECK_STR (got, reached);
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECT_DELAYED, value, got);
    CHECK_STR (got, reached);
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECTED, value, got);
    CHECK_STR (got, reached);
    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (mon) == 0);
    close (lfd);

    /* failed binds */
    expect_bind_failed ("tcp://127.0.0.1:abc", NULL, EINVAL);
    expect_bind_failed ("tcp://nosuchif0:5555", NULL, ENODEV);
    expect_bind_failed ("ipc://@", NULL, EINVAL);
    expect_bind_failed ("tcp://192.0.2.1:5555", "", EADDRNOTAVAIL);
    expect_bind_failed ("ipc:///nonexistent-dir/sock", "ipc:///nonexistent-dir/sock", ENOENT);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
