/* udp:// for RADIO/DISH and DGRAM (DRAFT):
 * - a RADIO connects, a DISH binds (unicast, and an IPv4 multicast group
 *   with ZMQ_MULTICAST_LOOP); the DISH gets the messages of the groups it
 *   joined, with their group, and filters the others itself;
 * - DGRAM: [peer ip:port][body] both ways; a body without an address is
 *   EINVAL; the port `*` binds an ephemeral one; a closed DGRAM's port
 *   can be bound again at once;
 * - the transport rules: RADIO cannot bind udp, DISH cannot connect it,
 *   other types get ENOCOMPATPROTO; the address rules (EINVAL, ENODEV;
 *   bind by interface name); unbind and disconnect end the
 *   endpoint (its port can be bound again at once). */
#include "testutil.h"

static void radio_dish (void *ctx, const char *bind_fmt, const char *conn_fmt)
{
    int port = free_udp_port ();
    char bep[128], cep[128];
    snprintf (bep, sizeof bep, bind_fmt, port);
    snprintf (cep, sizeof cep, conn_fmt, port);
    void *dish = make (ctx, ZMQ_DISH);
    void *radio = make (ctx, ZMQ_RADIO);
    CHECK (zmq_bind (dish, bep) == 0);
    CHECK (zmq_join (dish, "g") == 0);
    CHECK (zmq_connect (radio, cep) == 0);
    sync_radio (radio, dish);
    /* the radio sends every group over udp; the dish keeps its own */
    send_group (radio, "other", "not for us");
    send_group (radio, "g", "for us");
    expect_group (dish, "g", "for us");
    CHECK_ERR (zmq_send (radio, "x", 1, ZMQ_SNDMORE), EINVAL);
#ifndef REAL_LIBZMQ
    /* unbind closes the udp socket at once: the port can be bound again.
       libzmq 4.3.4 answers ENOENT here: it files a udp endpoint under the
       address without "udp://" (as its ZMQ_LAST_ENDPOINT shows), so the
       endpoint the caller bound cannot be unbound; we do not copy that. */
    CHECK (zmq_unbind (dish, bep) == 0);
    CHECK (zmq_bind (dish, bep) == 0);
    CHECK (zmq_disconnect (radio, cep) == 0);
    CHECK_ERR (zmq_disconnect (radio, cep), ENOENT);
#endif
    zmq_close (radio);
    zmq_close (dish);
}

/* any_port: a binds "udp://127.0.0.1:*", an ephemeral port (libzmq reads
   the port `*` as 0), as CZMQ's zsock_new_dgram does for "*:*" after udp:// */
static void dgram (void *ctx, int any_port)
{
    int pa = free_udp_port (), pb = free_udp_port ();
    char ea[64], eb[64], to_b[64];
    if (any_port)
        snprintf (ea, sizeof ea, "udp://127.0.0.1:*");
    else
        snprintf (ea, sizeof ea, "udp://127.0.0.1:%d", pa);
    snprintf (eb, sizeof eb, "udp://127.0.0.1:%d", pb);
    snprintf (to_b, sizeof to_b, "127.0.0.1:%d", pb);
    void *a = make (ctx, ZMQ_DGRAM);
    void *b = make (ctx, ZMQ_DGRAM);
    CHECK (zmq_bind (a, ea) == 0);
    CHECK (zmq_bind (b, eb) == 0);
    CHECK_ERR (zmq_send (a, "body", 4, 0), EINVAL);
    dgram_ping (a, to_b, "ping", b);
    char from[64];
    int n = zmq_recv (b, from, sizeof from - 1, 0);
    CHECK (n > 0);
    from[n] = 0;
    CHECK (more_flag (b) == 1);
    char want[64];
    if (any_port) {
        CHECK (strncmp (from, "127.0.0.1:", 10) == 0);
        CHECK (atoi (from + 10) > 0);
    } else {
        snprintf (want, sizeof want, "127.0.0.1:%d", pa);
        CHECK_STR (from, want);
    }
    expect_s (b, "ping", 0);
    drain (b);
    /* the reply goes to the address received */
    send_s (b, from, ZMQ_SNDMORE);
    send_s (b, "pong", 0);
    while (1) {
        CHECK (zmq_recv (a, from, sizeof from - 1, 0) > 0);
        CHECK (more_flag (a) == 1);
        char body[16];
        n = zmq_recv (a, body, sizeof body, 0);
        if (n == 4 && memcmp (body, "pong", 4) == 0)
            break;
    }
    zmq_close (a);
    zmq_close (b);
}

/* A DGRAM's port is free again once zmq_close returns: another DGRAM binds
   it at once and gets what is sent there (CZMQ's zsock selftest does this
   with port 7777; libzmq opens udp sockets on its I/O thread, after the
   closed one's). */
static void rebind_after_close (void *ctx)
{
    int p = free_udp_port ();
    char ep[64], to[64];
    snprintf (ep, sizeof ep, "udp://*:%d", p);
    snprintf (to, sizeof to, "127.0.0.1:%d", p);
    void *old = make (ctx, ZMQ_DGRAM);
    CHECK (zmq_bind (old, ep) == 0);
    zmq_close (old);
    void *r = make (ctx, ZMQ_DGRAM);
    CHECK (zmq_bind (r, ep) == 0);
    void *s = make (ctx, ZMQ_DGRAM);
    CHECK (zmq_bind (s, "udp://127.0.0.1:*") == 0);
    dgram_ping (s, to, "again", r);
    char from[64];
    CHECK (zmq_recv (r, from, sizeof from - 1, 0) > 0);
    expect_s (r, "again", 0);
    zmq_close (s);
    zmq_close (r);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *radio = make (ctx, ZMQ_RADIO);
    void *dish = make (ctx, ZMQ_DISH);
    void *pub = make (ctx, ZMQ_PUB);
    CHECK_ERR (zmq_bind (radio, "udp://127.0.0.1:5556"), ENOCOMPATPROTO);
    CHECK_ERR (zmq_connect (dish, "udp://127.0.0.1:5556"), ENOCOMPATPROTO);
    CHECK_ERR (zmq_bind (pub, "udp://127.0.0.1:5556"), ENOCOMPATPROTO);
    /* the address rules: a port `*` only to bind, an interface only before
       a group, IPv6 only with ZMQ_IPV6 (test_draft_udp_ipv6) */
    CHECK_ERR (zmq_connect (radio, "udp://127.0.0.1:*"), EINVAL);
    CHECK_ERR (zmq_connect (radio, "udp://127.0.0.1;127.0.0.1:5556"), EINVAL);
    CHECK_ERR (zmq_bind (dish, "udp://127.0.0.1;127.0.0.1:5556"), EINVAL);
    CHECK_ERR (zmq_bind (dish, "udp://239.0.0.1;239.0.0.2:5556"), EINVAL);
    CHECK_ERR (zmq_bind (dish, "udp://no-such-if-zz;239.0.0.2:5556"), ENODEV);
    CHECK_ERR (zmq_bind (dish, "udp://no-such-if-zz:5556"), ENODEV);
    CHECK_ERR (zmq_connect (radio, "udp://[::1]:5556"), EINVAL);
    zmq_close (radio);
    zmq_close (dish);
    zmq_close (pub);

    radio_dish (ctx, "udp://*:%d", "udp://127.0.0.1:%d");
    radio_dish (ctx, "udp://127.0.0.1:%d", "udp://127.0.0.1:%d");
    /* bind by interface name: lo's IPv4 address */
    radio_dish (ctx, "udp://lo:%d", "udp://127.0.0.1:%d");
    radio_dish (ctx, "udp://127.0.0.1;239.101.9.7:%d",
                "udp://127.0.0.1;239.101.9.7:%d");
    dgram (ctx, 0);
    dgram (ctx, 1);
    rebind_after_close (ctx);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
