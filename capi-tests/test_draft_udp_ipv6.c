/* udp:// over IPv6 (DRAFT; ZMQ_IPV6 set on the socket):
 * - RADIO -> DISH unicast on [::1], and multicast to a group joined with no
 *   interface, with `*;`, with an interface name (`IF;[group]`) and with a
 *   zone on the sender's group (`[group%IF]`); ZMQ_MULTICAST_LOOP 0 keeps a
 *   RADIO's datagrams from the host's own DISH;
 * - the address rules: IPv6 needs ZMQ_IPV6 (ENODEV to bind, EINVAL to
 *   connect); an IPv6 group is joined by interface index, so an interface
 *   given by address is ENODEV; a group as the interface, or an interface
 *   before a unicast address, is EINVAL;
 * - (ours only) DGRAM over IPv6, with "[addr]:port" address frames (a
 *   dual-stack one on `*` talking to an IPv4 one too), and
 *   IPv4 multicast under ZMQ_IPV6 (libzmq maps the group into IPv6, where
 *   it is none: EINVAL with an interface).
 *
 * Multicast needs an interface that loops IPv6 multicast back: the test
 * finds one with plain sockets first (Linux's lo does not, even with a
 * multicast route and flag: on the test machine it is eth0), and only if
 * no interface passes that does it skip the multicast part, saying so. */
#include "testutil.h"
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>

/* A transient link-local group (ff12::/16): nobody else's. */
#define GROUP "ff12::7a71:4c1"

static int free_udp6_port (void)
{
    int fd = socket (AF_INET6, SOCK_DGRAM, 0);
    CHECK (fd >= 0);
    struct sockaddr_in6 a;
    memset (&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    CHECK (bind (fd, (struct sockaddr *) &a, sizeof a) == 0);
    socklen_t len = sizeof a;
    CHECK (getsockname (fd, (struct sockaddr *) &a, &len) == 0);
    close (fd);
    return ntohs (a.sin6_port);
}

/* Whether the kernel loops a datagram to GROUP sent on interface `idx`
   (0: the route's choice) back to a socket that joined it there. */
static int mcast6_loops (unsigned idx)
{
    int port = free_udp6_port ();
    int r = socket (AF_INET6, SOCK_DGRAM, 0), s = socket (AF_INET6, SOCK_DGRAM, 0);
    CHECK (r >= 0 && s >= 0);
    struct sockaddr_in6 a;
    memset (&a, 0, sizeof a);
    a.sin6_family = AF_INET6;
    a.sin6_port = htons (port);
    int ok = bind (r, (struct sockaddr *) &a, sizeof a) == 0;
    struct ipv6_mreq m;
    CHECK (inet_pton (AF_INET6, GROUP, &m.ipv6mr_multiaddr) == 1);
    m.ipv6mr_interface = idx;
    ok = ok && setsockopt (r, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m) == 0;
    int on = 1;
    ok = ok && setsockopt (s, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &on, sizeof on) == 0;
    if (idx)
        ok = ok && setsockopt (s, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof idx) == 0;
    a.sin6_addr = m.ipv6mr_multiaddr;
    ok = ok && sendto (s, "probe", 5, 0, (struct sockaddr *) &a, sizeof a) == 5;
    struct pollfd p = {r, POLLIN, 0};
    ok = ok && poll (&p, 1, 500) == 1;
    close (r);
    close (s);
    return ok;
}

/* The first interface (in getifaddrs order) with an IPv6 address that
   loops GROUP back, into name; 0 when there is none. */
static int pick_interface (char *name, size_t len)
{
    struct ifaddrs *list, *i;
    CHECK (getifaddrs (&list) == 0);
    int found = 0;
    for (i = list; i && !found; i = i->ifa_next) {
        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6
            || !(i->ifa_flags & IFF_UP))
            continue;
        unsigned idx = if_nametoindex (i->ifa_name);
        if (idx && mcast6_loops (idx)) {
            snprintf (name, len, "%s", i->ifa_name);
            found = 1;
        }
    }
    freeifaddrs (list);
    return found;
}

static void *make6 (void *ctx, int type)
{
    void *s = make (ctx, type);
    CHECK (set_int (s, ZMQ_IPV6, 1) == 0);
    return s;
}

/* bind_fmt/conn_fmt hold one %d, the port. */
static void radio_dish (void *ctx, const char *bind_fmt, const char *conn_fmt)
{
    int port = free_udp6_port ();
    char bep[128], cep[128];
    snprintf (bep, sizeof bep, bind_fmt, port);
    snprintf (cep, sizeof cep, conn_fmt, port);
    void *dish = make6 (ctx, ZMQ_DISH);
    void *radio = make6 (ctx, ZMQ_RADIO);
    if (zmq_bind (dish, bep) != 0) {
        fprintf (stderr, "bind %s: %s\n", bep, zmq_strerror (zmq_errno ()));
        CHECK (0);
    }
    CHECK (zmq_join (dish, "g") == 0);
    if (zmq_connect (radio, cep) != 0) {
        fprintf (stderr, "connect %s: %s\n", cep, zmq_strerror (zmq_errno ()));
        CHECK (0);
    }
    sync_radio (radio, dish);
    send_group (radio, "other", "not for us");
    send_group (radio, "g", "for us");
    expect_group (dish, "g", "for us");
    zmq_close (radio);
    zmq_close (dish);
}

/* Two RADIOs to one group on `iface`, one with ZMQ_MULTICAST_LOOP 0: the
   DISH on this host hears the looping one many times and the other never,
   though it sends before each of the first's messages. */
static void multicast_loop_off (void *ctx, const char *iface)
{
    int port = free_udp6_port ();
    char ep[128];
    snprintf (ep, sizeof ep, "udp://%s;[" GROUP "]:%d", iface, port);
    void *dish = make6 (ctx, ZMQ_DISH);
    void *loud = make6 (ctx, ZMQ_RADIO);
    void *mute = make6 (ctx, ZMQ_RADIO);
    CHECK (set_int (mute, ZMQ_MULTICAST_LOOP, 0) == 0);
    CHECK (zmq_bind (dish, ep) == 0);
    CHECK (zmq_join (dish, "g") == 0);
    CHECK (zmq_connect (loud, ep) == 0);
    CHECK (zmq_connect (mute, ep) == 0);
    sync_radio (loud, dish);
    for (int i = 0; i < 20; i++) {
        send_group (mute, "g", "mute");
        send_group (loud, "g", "loud");
        expect_group (dish, "g", "loud");
    }
    zmq_close (mute);
    zmq_close (loud);
    zmq_close (dish);
}

static void address_rules (void *ctx)
{
    void *dish4 = make (ctx, ZMQ_DISH);
    void *radio4 = make (ctx, ZMQ_RADIO);
    /* without ZMQ_IPV6 an IPv6 address does not resolve */
    CHECK_ERR (zmq_bind (dish4, "udp://[::1]:5556"), ENODEV);
    CHECK_ERR (zmq_connect (radio4, "udp://[::1]:5556"), EINVAL);
    CHECK_ERR (zmq_bind (dish4, "udp://*;[" GROUP "]:5556"), ENODEV);
    CHECK_ERR (zmq_connect (radio4, "udp://[" GROUP "]:5556"), EINVAL);
    zmq_close (dish4);
    zmq_close (radio4);

    void *dish = make6 (ctx, ZMQ_DISH);
    void *radio = make6 (ctx, ZMQ_RADIO);
    /* an IPv6 group is joined on an interface index: an interface given by
       its address names none */
    CHECK_ERR (zmq_bind (dish, "udp://[::1];[" GROUP "]:5556"), ENODEV);
    CHECK_ERR (zmq_connect (radio, "udp://[::1];[" GROUP "]:5556"), ENODEV);
    CHECK_ERR (zmq_bind (dish, "udp://no-such-if-zz;[" GROUP "]:5556"), ENODEV);
    /* the interface is no group, and comes only before one */
    CHECK_ERR (zmq_bind (dish, "udp://[ff12::1];[" GROUP "]:5556"), EINVAL);
    CHECK_ERR (zmq_connect (radio, "udp://[ff12::1];[" GROUP "]:5556"), EINVAL);
    CHECK_ERR (zmq_bind (dish, "udp://lo;[::1]:5556"), EINVAL);
    CHECK_ERR (zmq_connect (radio, "udp://*;[::1]:5556"), EINVAL);
    /* ports and zones */
    CHECK_ERR (zmq_connect (radio, "udp://[::1]"), EINVAL);
    CHECK_ERR (zmq_connect (radio, "udp://[::1]:*"), EINVAL);
    CHECK_ERR (zmq_connect (radio, "udp://[" GROUP "%]:5556"), EINVAL);
    CHECK_ERR (zmq_connect (radio, "udp://[" GROUP "%no-such-if-zz]:5556"),
               EINVAL);
    zmq_close (dish);
    zmq_close (radio);
}

#ifndef REAL_LIBZMQ
/* DGRAM over IPv6: the peer's address frame is "[addr]:port", and a reply
   to it arrives. libzmq 4.3.4 has no IPv6 DGRAM: it reads an address frame
   only as IPv4 (dropping "[::1]:port") and asserts (aborts) on an IPv6
   datagram received. */
static void dgram6 (void *ctx)
{
    int pa = free_udp6_port (), pb = free_udp6_port ();
    char ea[64], eb[64], to_b[64], want[64];
    snprintf (ea, sizeof ea, "udp://[::1]:%d", pa);
    snprintf (eb, sizeof eb, "udp://[::1]:%d", pb);
    snprintf (to_b, sizeof to_b, "[::1]:%d", pb);
    snprintf (want, sizeof want, "[::1]:%d", pa);
    void *a = make6 (ctx, ZMQ_DGRAM);
    void *b = make6 (ctx, ZMQ_DGRAM);
    CHECK (zmq_bind (a, ea) == 0);
    CHECK (zmq_bind (b, eb) == 0);
    dgram_ping (a, to_b, "ping", b);
    char from[64];
    int n = zmq_recv (b, from, sizeof from - 1, 0);
    CHECK (n > 0);
    from[n] = 0;
    CHECK_STR (from, want);
    expect_s (b, "ping", 0);
    drain (b);
    send_s (b, from, ZMQ_SNDMORE);
    send_s (b, "pong", 0);
    while (1) {
        CHECK (zmq_recv (a, from, sizeof from - 1, 0) > 0);
        char body[16];
        n = zmq_recv (a, body, sizeof body, 0);
        if (n == 4 && memcmp (body, "pong", 4) == 0)
            break;
    }
    zmq_close (a);
    zmq_close (b);

    /* a DGRAM on `*` with ZMQ_IPV6 (dual stack) reaches an IPv4 one by its
       plain "ip:port" (Linux takes an IPv4 destination on an IPv6 udp
       socket), and hears its answer from the mapped address */
    int pc = free_udp_port (), pd = free_udp6_port ();
    char ec[64], ed[64], to_c[64];
    snprintf (ec, sizeof ec, "udp://127.0.0.1:%d", pc);
    snprintf (ed, sizeof ed, "udp://*:%d", pd);
    snprintf (to_c, sizeof to_c, "127.0.0.1:%d", pc);
    void *c = make (ctx, ZMQ_DGRAM);
    void *d = make6 (ctx, ZMQ_DGRAM);
    CHECK (zmq_bind (c, ec) == 0);
    CHECK (zmq_bind (d, ed) == 0);
    dgram_ping (d, to_c, "ping4", c);
    n = zmq_recv (c, from, sizeof from - 1, 0);
    CHECK (n > 0);
    from[n] = 0;
    snprintf (want, sizeof want, "127.0.0.1:%d", pd);
    CHECK_STR (from, want);
    expect_s (c, "ping4", 0);
    drain (c);
    send_s (c, from, ZMQ_SNDMORE);
    send_s (c, "pong4", 0);
    snprintf (want, sizeof want, "[::ffff:127.0.0.1]:%d", pc);
    while (1) {
        n = zmq_recv (d, from, sizeof from - 1, 0);
        CHECK (n > 0);
        from[n] = 0;
        CHECK_STR (from, want);
        char body[16];
        n = zmq_recv (d, body, sizeof body, 0);
        if (n == 5 && memcmp (body, "pong4", 5) == 0)
            break;
    }
    zmq_close (c);
    zmq_close (d);
}
#endif

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    address_rules (ctx);

    radio_dish (ctx, "udp://[::1]:%d", "udp://[::1]:%d");
    radio_dish (ctx, "udp://*:%d", "udp://[::1]:%d");
    /* an IPv4 address under ZMQ_IPV6: mapped, still reachable */
    radio_dish (ctx, "udp://*:%d", "udp://127.0.0.1:%d");
#ifndef REAL_LIBZMQ
    dgram6 (ctx);
    /* an IPv4 group under ZMQ_IPV6 stays an IPv4 group */
    radio_dish (ctx, "udp://127.0.0.1;239.101.9.8:%d",
                "udp://127.0.0.1;239.101.9.8:%d");
#else
    /* libzmq maps it to ::ffff:239.101.9.8, no group: an interface before
       it is refused (and without one, the bind never joins) */
    void *d = make6 (ctx, ZMQ_DISH);
    CHECK_ERR (zmq_bind (d, "udp://127.0.0.1;239.101.9.8:5556"), EINVAL);
    zmq_close (d);
#endif

    char iface[IF_NAMESIZE + 1];
    if (!pick_interface (iface, sizeof iface)) {
        printf ("no interface loops IPv6 multicast back (plain sockets "
                "neither): multicast cases skipped\n");
    } else {
        char bfmt[128], cfmt[128];
        printf ("IPv6 multicast on %s\n", iface);
        snprintf (bfmt, sizeof bfmt, "udp://%s;[" GROUP "]:%%d", iface);
        radio_dish (ctx, bfmt, bfmt);
        snprintf (cfmt, sizeof cfmt, "udp://[" GROUP "%%%%%s]:%%d", iface);
        radio_dish (ctx, bfmt, cfmt);
        snprintf (cfmt, sizeof cfmt, "udp://*;[" GROUP "]:%%d");
        if (mcast6_loops (0)) {
            /* the interface of the group's route, by `*;` or no interface */
            radio_dish (ctx, cfmt, cfmt);
            radio_dish (ctx, "udp://[" GROUP "]:%d", "udp://[" GROUP "]:%d");
        }
        multicast_loop_off (ctx, iface);
    }
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
