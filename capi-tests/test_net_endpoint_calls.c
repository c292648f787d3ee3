/* What zmq_bind and zmq_connect say at the call about each form of
 * endpoint, as libzmq does (probed on Debian's 4.3.4; libzmq 4.3.5's
 * socket_base.cpp, ip_resolver.cpp and ipc_address.cpp are the same here).
 *
 * connect checks little: a tcp address must start with a letter, digit,
 * '[' or ':', hold only letters, digits and ".-:%;[]_*", and have a digit
 * after its last ':'; everything else (host, port, source) is resolved at
 * each connection attempt, so `tcp://:5`, port 0, 65536, "0x10", a source
 * without a port or an IPv6 address without ZMQ_IPV6 are accepted (and
 * retried: test_net_endpoint_retry). bind resolves at once: ENODEV for a
 * host that is neither an interface nor a numeric address, EINVAL for a
 * bad port, and a port is read as C's atoi reads it, cut to 16 bits.
 * ipc: an empty abstract name is EINVAL, a path longer than sun_path
 * ENAMETOOLONG. Transports: udp exists in every libzmq and is
 * ENOCOMPATPROTO on a DEALER; the optional ones are EPROTONOSUPPORT when
 * the build lacks them (zmq_has), ENOCOMPATPROTO otherwise.
 *
 * Bind errors are read without a monitor: libzmq 4.3.4 clobbers errno
 * with EAGAIN when the BIND_FAILED event is a monitor's first. */
#include "testutil.h"

static void *ctx;
static int port; /* a free port, for forms that bind or connect to one */

/* One call on a fresh DEALER; `want` 0 for success (with `last` then the
 * expected ZMQ_LAST_ENDPOINT, NULL to skip), else the errno. */
static void check (int bind, const char *ep, int ipv6, int want, const char *last)
{
    void *s = make (ctx, ZMQ_DEALER);
    CHECK (set_int (s, ZMQ_IPV6, ipv6) == 0);
    errno = 0;
    int rc = bind ? zmq_bind (s, ep) : zmq_connect (s, ep);
    int err = rc == 0 ? 0 : zmq_errno ();
    if ((want == 0 && rc != 0) || (want != 0 && (rc != -1 || err != want))) {
        fprintf (stderr, "%s(\"%s\", ipv6 %d): rc %d errno %d (%s), want %s%d\n",
                 bind ? "bind" : "connect", ep, ipv6, rc, err,
                 zmq_strerror (err), want ? "errno " : "", want);
        exit (1);
    }
    if (want == 0 && last) {
        char got[512];
        CHECK (last_endpoint (s, got, sizeof got) == 0);
        if (strcmp (got, last) != 0) {
            fprintf (stderr, "%s(\"%s\"): last endpoint \"%s\", want \"%s\"\n",
                     bind ? "bind" : "connect", ep, got, last);
            exit (1);
        }
    }
    CHECK (zmq_close (s) == 0);
}

/* A port nobody uses right now (each bind gets its own: libzmq closes a
 * listener in the background, so rebinding one port at once could race). */
static int fresh_port (void)
{
    int p;
    close (hold_port (&p));
    return p;
}

/* fmt with the port in place of its "%d", if it has one. */
static void with_port (char *out, size_t len, const char *fmt)
{
    snprintf (out, len, fmt, port);
}

/* fmt and last take the port once (or not at all); last "" skips it. */
#define BIND(fmt, ipv6, want, last)                                            \
    do {                                                                       \
        char e_[256], l_[256];                                                 \
        port = fresh_port ();                                                  \
        with_port (e_, sizeof e_, fmt);                                        \
        with_port (l_, sizeof l_, last);                                       \
        check (1, e_, ipv6, want, *l_ ? l_ : NULL);                            \
    } while (0)
#define CONNECT(fmt, ipv6, want)                                               \
    do {                                                                       \
        char e_[256];                                                          \
        with_port (e_, sizeof e_, fmt);                                        \
        check (0, e_, ipv6, want, want ? NULL : e_);                           \
    } while (0)

int main (void)
{
    ctx = zmq_ctx_new ();
    CHECK (ctx);
    port = fresh_port ();
    char ep[256];

    /* ---- tcp: accepted by connect, whatever they resolve to later (names
     * that are not numeric or in /etc/hosts get port 00, which fails the
     * attempt before any DNS look-up: the test stays on this machine) */
    CONNECT ("tcp://127.0.0.1:%d", 0, 0);
    CONNECT ("tcp://:%d", 0, 0);
    CONNECT ("tcp://localhost:%d", 0, 0);
    CONNECT ("tcp://127.0.0.1:0", 0, 0);
    CONNECT ("tcp://127.0.0.1:65535", 0, 0);
    CONNECT ("tcp://127.0.0.1:65536", 0, 0);
    CONNECT ("tcp://127.0.0.1:70000", 0, 0);
    CONNECT ("tcp://127.0.0.1:12x", 0, 0);
    CONNECT ("tcp://127.0.0.1:0x10", 0, 0);
    CONNECT ("tcp://127.0.0.1:00", 0, 0);
    CONNECT ("tcp://127.0.0.1;127.0.0.1:%d", 0, 0);  /* source without port */
    CONNECT ("tcp://127.0.0.1:%d;", 0, 0);           /* nothing after ';' */
    CONNECT ("tcp://127.0.0.1:0;127.0.0.1:%d", 0, 0);
    CONNECT ("tcp://127.0.0.1:*;127.0.0.1:%d", 0, 0);
    CONNECT ("tcp://[::1]:00", 0, 0);                /* IPv6 without ZMQ_IPV6 */
    CONNECT ("tcp://::1:00", 0, 0);
    CONNECT ("tcp://[::1:00", 0, 0);
    CONNECT ("tcp://[]:00", 0, 0);
    CONNECT ("tcp://[fe80::1%%lo]:00", 0, 0);
    CONNECT ("tcp://[fe80::1%%]:%d", 1, 0);          /* empty zone */
    CONNECT ("tcp://lo:00", 0, 0);
    CONNECT ("tcp://h_st:00", 0, 0);
    CONNECT ("tcp://host.:00", 0, 0);
    CONNECT ("tcp://999.1.1.1:00", 0, 0);
    CONNECT ("tcp://0:%d", 0, 0);
    CONNECT ("tcp://[::1]:%d", 1, 0);
    CONNECT ("tcp://[::1]:%d;[::1]:1", 1, 0);

    /* ---- tcp: refused by connect's syntax check */
    CONNECT ("tcp://in val id:%d", 0, EINVAL);
    CONNECT ("tcp://*:%d", 0, EINVAL);
    CONNECT ("tcp://*:*", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1:*", 0, EINVAL);
    CONNECT ("tcp://[::1]:*", 1, EINVAL);
    CONNECT ("tcp://127.0.0.1:-1", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1:+5", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1: 5", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1:5 ", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1:abc", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1:", 0, EINVAL);
    CONNECT ("tcp://127.0.0.1", 0, EINVAL);
    CONNECT ("tcp://*", 0, EINVAL);
    CONNECT ("tcp://;127.0.0.1:%d", 0, EINVAL);
    CONNECT ("tcp://bad host;127.0.0.1:%d", 0, EINVAL);
    CONNECT ("tcp://-host:%d", 0, EINVAL);
    CONNECT ("tcp://_host:%d", 0, EINVAL);
    CONNECT ("tcp://.host:%d", 0, EINVAL);
    CONNECT ("tcp://ho/st:%d", 0, EINVAL);
    CONNECT ("tcp://h\xc3\xa9:%d", 0, EINVAL);

    /* ---- tcp bind: resolved at once */
    BIND ("tcp://127.0.0.1:%d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://*:%d", 0, 0, "tcp://0.0.0.0:%d");
    BIND ("tcp://0:%d", 0, 0, "tcp://0.0.0.0:%d");
    BIND ("tcp://lo:%d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://[127.0.0.1]:%d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://127.0.0.1:0%d", 0, 0, "tcp://127.0.0.1:%d");
    /* a source part is resolved, then ignored */
    BIND ("tcp://127.0.0.1:1;127.0.0.1:%d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://127.0.0.1:*;127.0.0.1:%d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://127.0.0.1:1;;127.0.0.1:%d", 0, 0, "tcp://127.0.0.1:%d"); /* last ';' */
    BIND ("tcp://127.0.0.1;127.0.0.1:%d", 0, EINVAL, "");
    BIND ("tcp://;127.0.0.1:%d", 0, EINVAL, "");
    BIND ("tcp://127.0.0.1:%d;", 0, EINVAL, "");
    BIND ("tcp://bad host;127.0.0.1:%d", 0, EINVAL, "");
    /* ports as atoi reads them, cut to 16 bits */
    char want[64];
    port = fresh_port ();
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port + 65536);
    snprintf (want, sizeof want, "tcp://127.0.0.1:%d", port);
    check (1, ep, 0, 0, want);
    port = fresh_port ();
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:-%d", 65536 - port);
    snprintf (want, sizeof want, "tcp://127.0.0.1:%d", port);
    check (1, ep, 0, 0, want);
    BIND ("tcp://127.0.0.1:%dx", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://127.0.0.1: %d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://127.0.0.1:+%d", 0, 0, "tcp://127.0.0.1:%d");
    BIND ("tcp://127.0.0.1:65536", 0, EINVAL, "");
    BIND ("tcp://127.0.0.1:00", 0, EINVAL, "");
    BIND ("tcp://127.0.0.1:0x10", 0, EINVAL, "");
    BIND ("tcp://127.0.0.1:abc", 0, EINVAL, "");
    BIND ("tcp://127.0.0.1:", 0, EINVAL, "");
    BIND ("tcp://127.0.0.1", 0, EINVAL, "");
    BIND ("tcp://*", 0, EINVAL, "");
    /* hosts: interfaces and numeric addresses only */
    BIND ("tcp://:%d", 0, ENODEV, "");
    BIND ("tcp://localhost:%d", 0, ENODEV, "");
    BIND ("tcp://nosuchif0:%d", 0, ENODEV, "");
    BIND ("tcp://in val id:%d", 0, ENODEV, "");
    BIND ("tcp://999.1.1.1:%d", 0, ENODEV, "");
    BIND ("tcp://[]:%d", 0, ENODEV, "");
    BIND ("tcp://[::1]:%d", 0, ENODEV, "");  /* IPv6 without ZMQ_IPV6 */
    BIND ("tcp://::1:%d", 0, ENODEV, "");
    BIND ("tcp://[fe80::1%%lo]:%d", 0, ENODEV, "");
    BIND ("tcp://192.0.2.1:%d", 0, EADDRNOTAVAIL, "");
    /* with ZMQ_IPV6: v6 sockets, IPv4 addresses mapped */
    BIND ("tcp://[::1]:%d", 1, 0, "tcp://[::1]:%d");
    BIND ("tcp://::1:%d", 1, 0, "tcp://[::1]:%d");
    BIND ("tcp://*:%d", 1, 0, "tcp://[::]:%d");
    BIND ("tcp://127.0.0.1:%d", 1, 0, "tcp://[::ffff:127.0.0.1]:%d");
    BIND ("tcp://0:%d", 1, 0, "tcp://[::ffff:0.0.0.0]:%d");
    BIND ("tcp://lo:%d", 1, 0, "tcp://[::1]:%d"); /* the interface's IPv6 address */
    BIND ("tcp://[::1%%lo]:%d", 1, 0, "tcp://[::1]:%d");
    BIND ("tcp://[fe80::1%%lo]:%d", 1, EADDRNOTAVAIL, "");
    BIND ("tcp://[fe80::1%%1]:%d", 1, EADDRNOTAVAIL, "");
    BIND ("tcp://[fe80::1%%]:%d", 1, EINVAL, "");
    BIND ("tcp://[fe80::1%%0]:%d", 1, EINVAL, "");
    BIND ("tcp://[fe80::1%%nosuchif0]:%d", 1, EINVAL, "");
    BIND ("tcp://localhost:%d", 1, ENODEV, "");

    /* ---- ipc */
    char longp[200], longa[200];
    snprintf (longp, sizeof longp, "ipc:///tmp/%0102d", 0); /* 107 bytes: fits */
    snprintf (longa, sizeof longa, "ipc://@%0106d", getpid ());
    check (0, longp, 0, 0, longp);
    check (0, longa, 0, 0, longa);
    check (1, longa, 0, 0, longa);
    snprintf (longp, sizeof longp, "ipc:///tmp/%0103d", 0); /* 108: too long */
    snprintf (longa, sizeof longa, "ipc://@%0107d", getpid ());
    check (0, longp, 0, ENAMETOOLONG, NULL);
    check (1, longp, 0, ENAMETOOLONG, NULL);
    check (0, longa, 0, ENAMETOOLONG, NULL);
    check (1, longa, 0, ENAMETOOLONG, NULL);
    check (0, "ipc://@", 0, EINVAL, NULL);
    check (1, "ipc://@", 0, EINVAL, NULL);
    check (0, "ipc://", 0, EINVAL, NULL);
    check (1, "ipc://", 0, EINVAL, NULL);
    check (0, "ipc://*", 0, 0, "ipc://*"); /* a file named "*" */
    check (0, "ipc:///nonexistent-dir/sock", 0, 0, "ipc:///nonexistent-dir/sock");
    check (1, "ipc:///nonexistent-dir/sock", 0, ENOENT, NULL);
    snprintf (ep, sizeof ep, "ipc://@zmq-calls-%d;x", (int) getpid ());
    check (1, ep, 0, 0, ep);
    check (0, ep, 0, 0, ep);

    /* ---- inproc */
    check (0, "inproc://", 0, EINVAL, NULL);
    check (1, "inproc://", 0, EINVAL, NULL);
    check (0, "inproc://nobody-yet", 0, 0, "inproc://nobody-yet");
    check (1, "inproc://*", 0, 0, "inproc://*");

    /* ---- transports */
    check (0, "udp://127.0.0.1:5555", 0, ENOCOMPATPROTO, NULL);
    check (1, "udp://127.0.0.1:5555", 0, ENOCOMPATPROTO, NULL);
    check (1, "udp://x", 0, ENOCOMPATPROTO, NULL);
    check (1, "udp://", 0, EINVAL, NULL);
    int pgm = zmq_has ("pgm") ? ENOCOMPATPROTO : EPROTONOSUPPORT;
    check (0, "pgm://127.0.0.1;239.192.1.1:5555", 0, pgm, NULL);
    check (1, "epgm://127.0.0.1;239.192.1.1:5555", 0, pgm, NULL);
    int norm = zmq_has ("norm") ? ENOCOMPATPROTO : EPROTONOSUPPORT;
    check (1, "norm://1,127.0.0.1:5557", 0, norm, NULL);
    if (!zmq_has ("tipc"))
        check (1, "tipc://{5560,0,0}", 0, EPROTONOSUPPORT, NULL);
    if (!zmq_has ("vmci"))
        check (0, "vmci://1:5558", 0, EPROTONOSUPPORT, NULL);
    check (1, "foo://x", 0, EPROTONOSUPPORT, NULL);
    check (1, "TCP://127.0.0.1:5555", 0, EPROTONOSUPPORT, NULL);
    check (1, "foo://", 0, EINVAL, NULL);

    /* the same check for unbind, disconnect and monitor */
    void *s = make (ctx, ZMQ_DEALER);
    CHECK_ERR (zmq_unbind (s, "udp://127.0.0.1:5555"), ENOCOMPATPROTO);
    CHECK_ERR (zmq_disconnect (s, "foo://x"), EPROTONOSUPPORT);
    CHECK_ERR (zmq_socket_monitor (s, "udp://x", ZMQ_EVENT_ALL), ENOCOMPATPROTO);
    CHECK_ERR (zmq_socket_monitor (s, "tcp://127.0.0.1:5555", ZMQ_EVENT_ALL), EPROTONOSUPPORT);
    CHECK (zmq_close (s) == 0);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
