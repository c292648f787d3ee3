/* One side of a DRAFT socket-type exchange (interop/draft_sockets.sh): built once
 * against the real libzmq with --enable-drafts and once against ours, it
 * plays SERVER/CLIENT, RADIO/DISH, SCATTER/GATHER, PEER/PEER or
 * CHANNEL/CHANNEL, binding or connecting:
 *
 *   draft_peer LIB TYPE bind|connect ENDPOINT CTL
 *
 * Over udp (RADIO/DISH, DGRAM), DRAFT_MAX_SIZE caps the payloads, and the
 * connecting DGRAM binds DRAFT_DGRAM_OWN and sends to ENDPOINT's address.
 * DRAFT_IPV6=1 sets ZMQ_IPV6 on the socket (udp://[::1]:..., IPv6 groups).
 *
 * LIB ("ours"/"real") is only checked against zmq_version (4.3.5 is ours).
 * The binding side prints the endpoint it bound on stdout (wildcard tcp
 * ports are resolved). CTL is an ipc endpoint for a PAIR control socket
 * (bound by the binding side): RADIO/DISH use it to agree when a JOIN or
 * LEAVE has taken effect. Every payload is a seeded pattern of a size
 * from a list crossing the 255/256 frame-size boundary up to 1 MiB, so a
 * wrong byte, size or order is reported precisely. Exit 0 on success. */
#define ZMQ_BUILD_DRAFT_API
#define _POSIX_C_SOURCE 200809L
#include <zmq.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 60
static const size_t sizes[] = {0, 1, 5, 255, 256, 1000, 65536, 1 << 20};
static const char *me = "?";

#define FAIL(...)                                                              \
    do {                                                                       \
        fprintf (stderr, "%s: ", me);                                          \
        fprintf (stderr, __VA_ARGS__);                                         \
        fprintf (stderr, " (errno %s)\n", zmq_strerror (zmq_errno ()));        \
        exit (1);                                                              \
    } while (0)
#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c))                                                              \
            FAIL ("line %d: %s", __LINE__, #c);                                \
    } while (0)

/* DRAFT_MAX_SIZE (udp: a datagram) caps the sizes. */
static size_t max_size = (size_t) -1;

static size_t size_of (int i)
{
    size_t n = sizes[i % (int) (sizeof sizes / sizeof sizes[0])];
    return n > max_size ? max_size : n;
}

static void fill (unsigned char *p, size_t n, int i, int dir)
{
    for (size_t j = 0; j < n; j++)
        p[j] = (unsigned char) (i * 31 + (int) j * 7 + dir * 101);
}

/* Message number i of direction dir (its group, if any, is set). */
static void make_msg (zmq_msg_t *m, int i, int dir, const char *group)
{
    size_t n = size_of (i);
    CHECK (zmq_msg_init_size (m, n) == 0);
    fill ((unsigned char *) zmq_msg_data (m), n, i, dir);
    if (group)
        CHECK (zmq_msg_set_group (m, group) == 0);
}

static void check_msg (zmq_msg_t *m, int i, int dir)
{
    size_t n = size_of (i);
    if (zmq_msg_size (m) != n)
        FAIL ("message %d (dir %d): %zu bytes, want %zu", i, dir,
              zmq_msg_size (m), n);
    unsigned char *want = malloc (n + 1);
    fill (want, n, i, dir);
    if (memcmp (want, zmq_msg_data (m), n) != 0)
        FAIL ("message %d (dir %d): wrong bytes", i, dir);
    free (want);
}

static void send_msg (void *s, zmq_msg_t *m)
{
    CHECK (zmq_msg_send (m, s, 0) >= 0);
}

static void recv_msg (void *s, zmq_msg_t *m)
{
    CHECK (zmq_msg_init (m) == 0);
    if (zmq_msg_recv (m, s, 0) < 0)
        FAIL ("recv");
}

static void send_str (void *s, const char *str)
{
    CHECK (zmq_send (s, str, strlen (str), 0) == (int) strlen (str));
}

static int is_str (zmq_msg_t *m, const char *str)
{
    return zmq_msg_size (m) == strlen (str)
           && memcmp (zmq_msg_data (m), str, strlen (str)) == 0;
}

static void expect_str (void *s, const char *str)
{
    zmq_msg_t m;
    recv_msg (s, &m);
    if (!is_str (&m, str))
        FAIL ("expected '%s', got %zu bytes", str, zmq_msg_size (&m));
    zmq_msg_close (&m);
}

/* A control message, if one arrives within ms. */
static int ctl_has (void *ctl, long ms)
{
    zmq_pollitem_t it = {ctl, 0, ZMQ_POLLIN, 0};
    int r = zmq_poll (&it, 1, ms);
    CHECK (r >= 0);
    return r;
}

/* CLIENT sends N, SERVER echoes each (its own pattern) by routing id. */
static void server (void *s)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m, r;
        recv_msg (s, &m);
        check_msg (&m, i, 0);
        uint32_t id = zmq_msg_routing_id (&m);
        CHECK (id != 0);
        zmq_msg_close (&m);
        make_msg (&r, i, 1, NULL);
        CHECK (zmq_msg_set_routing_id (&r, id) == 0);
        send_msg (s, &r);
    }
}

static void client (void *s)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m;
        make_msg (&m, i, 0, NULL);
        send_msg (s, &m);
        recv_msg (s, &m);
        check_msg (&m, i, 1);
        zmq_msg_close (&m);
    }
}

/* PEER: the connecting side names the binder by zmq_connect_peer's id. */
static void peer_connecting (void *s, uint32_t id)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m;
        make_msg (&m, i, 0, NULL);
        CHECK (zmq_msg_set_routing_id (&m, id) == 0);
        send_msg (s, &m);
        recv_msg (s, &m);
        check_msg (&m, i, 1);
        if (zmq_msg_routing_id (&m) != id)
            FAIL ("reply from id %u, want %u", zmq_msg_routing_id (&m), id);
        zmq_msg_close (&m);
    }
}

static void scatter (void *s)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m;
        make_msg (&m, i, 0, NULL);
        send_msg (s, &m);
    }
}

static void gather (void *s)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m;
        recv_msg (s, &m);
        check_msg (&m, i, 0);
        zmq_msg_close (&m);
    }
}

/* CHANNEL: the connecting side sends, the binding side echoes. */
static void channel (void *s, int binder)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m;
        if (binder) {
            recv_msg (s, &m);
            check_msg (&m, i, 0);
            zmq_msg_close (&m);
            make_msg (&m, i, 1, NULL);
            send_msg (s, &m);
        } else {
            make_msg (&m, i, 0, NULL);
            send_msg (s, &m);
            recv_msg (s, &m);
            check_msg (&m, i, 1);
            zmq_msg_close (&m);
        }
    }
}

/* RADIO: sync on g1 until the DISH says it hears; then N messages in g1
 * and g2 mixed with g3 (not joined); then, after the DISH left g1, pairs
 * (late in g1, probe in g2) until the DISH reports a probe with no late
 * before it. */
static void radio (void *s, void *ctl)
{
    zmq_msg_t m;
    int tries = 0;
    do {
        if (++tries > 500)
            FAIL ("the DISH never heard group g1 (JOIN not understood?)");
        CHECK (zmq_msg_init_size (&m, 4) == 0);
        memcpy (zmq_msg_data (&m), "sync", 4);
        CHECK (zmq_msg_set_group (&m, "g1") == 0);
        send_msg (s, &m);
    } while (!ctl_has (ctl, 10));
    expect_str (ctl, "hear");
    for (int i = 0; i < N; i++) {
        make_msg (&m, i, 0, "g3");
        send_msg (s, &m);
        make_msg (&m, i, 0, i % 2 ? "g2" : "g1");
        send_msg (s, &m);
    }
    CHECK (zmq_msg_init_size (&m, 3) == 0);
    memcpy (zmq_msg_data (&m), "end", 3);
    CHECK (zmq_msg_set_group (&m, "g2") == 0);
    send_msg (s, &m);
    expect_str (ctl, "left");
    tries = 0;
    do {
        if (++tries > 500)
            FAIL ("g1 still reaches the DISH (LEAVE not understood?)");
        CHECK (zmq_msg_init_size (&m, 4) == 0);
        memcpy (zmq_msg_data (&m), "late", 4);
        CHECK (zmq_msg_set_group (&m, "g1") == 0);
        send_msg (s, &m);
        CHECK (zmq_msg_init_size (&m, 5) == 0);
        memcpy (zmq_msg_data (&m), "probe", 5);
        CHECK (zmq_msg_set_group (&m, "g2") == 0);
        send_msg (s, &m);
    } while (!ctl_has (ctl, 10));
    expect_str (ctl, "clean");
}

static void dish (void *s, void *ctl)
{
    CHECK (zmq_join (s, "g1") == 0);
    CHECK (zmq_join (s, "g2") == 0);
    zmq_msg_t m;
    recv_msg (s, &m);
    if (!is_str (&m, "sync"))
        FAIL ("first message is not sync");
    if (strcmp (zmq_msg_group (&m), "g1") != 0)
        FAIL ("sync in group '%s'", zmq_msg_group (&m));
    zmq_msg_close (&m);
    send_str (ctl, "hear");
    int i = 0;
    while (1) {
        recv_msg (s, &m);
        if (is_str (&m, "sync") && i == 0) {
            zmq_msg_close (&m);
            continue;
        }
        if (is_str (&m, "end") && i == N)
            break;
        if (i >= N)
            FAIL ("more than %d messages", N);
        const char *want = i % 2 ? "g2" : "g1";
        if (strcmp (zmq_msg_group (&m), want) != 0)
            FAIL ("message %d in group '%s', want %s", i, zmq_msg_group (&m),
                  want);
        check_msg (&m, i, 0);
        zmq_msg_close (&m);
        i++;
    }
    zmq_msg_close (&m);
    CHECK (zmq_leave (s, "g1") == 0);
    send_str (ctl, "left");
    int prev_late = 1;
    while (1) {
        recv_msg (s, &m);
        int late = is_str (&m, "late"), probe = is_str (&m, "probe");
        zmq_msg_close (&m);
        CHECK (late || probe);
        if (probe && !prev_late)
            break;
        prev_late = late;
    }
    send_str (ctl, "clean");
}

/* DGRAM, lockstep: the connecting side binds its own port (DGRAM only
 * binds) and sends [binder's ip:port][message]; the binder answers each
 * to the address it came from. */
static void dgram_binder (void *s)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t a, m;
        recv_msg (s, &a);
        CHECK (zmq_msg_more (&a));
        recv_msg (s, &m);
        check_msg (&m, i, 0);
        zmq_msg_close (&m);
        CHECK (zmq_msg_send (&a, s, ZMQ_SNDMORE) >= 0);
        make_msg (&m, i, 1, NULL);
        send_msg (s, &m);
    }
}

static void dgram_connecting (void *s, const char *to)
{
    for (int i = 0; i < N; i++) {
        zmq_msg_t m;
        CHECK (zmq_send (s, to, strlen (to), ZMQ_SNDMORE) == (int) strlen (to));
        make_msg (&m, i, 0, NULL);
        send_msg (s, &m);
        recv_msg (s, &m);
        CHECK (zmq_msg_more (&m));
        zmq_msg_close (&m);
        recv_msg (s, &m);
        check_msg (&m, i, 1);
        zmq_msg_close (&m);
    }
}

static int type_of (const char *name)
{
    static const struct {
        const char *n;
        int t;
    } t[] = {{"server", ZMQ_SERVER},   {"client", ZMQ_CLIENT},
             {"radio", ZMQ_RADIO},     {"dish", ZMQ_DISH},
             {"scatter", ZMQ_SCATTER}, {"gather", ZMQ_GATHER},
             {"peer", ZMQ_PEER},       {"channel", ZMQ_CHANNEL},
             {"dgram", ZMQ_DGRAM}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcmp (t[i].n, name) == 0)
            return t[i].t;
    return -1;
}

int main (int argc, char **argv)
{
    if (argc != 6) {
        fprintf (stderr, "usage: draft_peer LIB TYPE bind|connect EP CTL\n");
        return 2;
    }
    static char label[64];
    snprintf (label, sizeof label, "%s %s (%s)", argv[1], argv[2], argv[3]);
    me = label;
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    int ours = major == 4 && minor == 3 && patch == 5;
    if (ours != (strcmp (argv[1], "ours") == 0))
        FAIL ("loaded libzmq %d.%d.%d, not the %s library", major, minor,
              patch, argv[1]);
    if (getenv ("DRAFT_MAX_SIZE"))
        max_size = (size_t) atol (getenv ("DRAFT_MAX_SIZE"));
    int type = type_of (argv[2]);
    CHECK (type > 0);
    int binder = strcmp (argv[3], "bind") == 0;

    void *ctx = zmq_ctx_new ();
    void *s = zmq_socket (ctx, type);
    void *ctl = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s && ctl);
    int t = 8000, linger = 3000;
    CHECK (zmq_setsockopt (s, ZMQ_RCVTIMEO, &t, sizeof t) == 0);
    if (getenv ("DRAFT_IPV6") && strcmp (getenv ("DRAFT_IPV6"), "1") == 0) {
        int on = 1;
        CHECK (zmq_setsockopt (s, ZMQ_IPV6, &on, sizeof on) == 0);
    }
    CHECK (zmq_setsockopt (s, ZMQ_SNDTIMEO, &t, sizeof t) == 0);
    CHECK (zmq_setsockopt (ctl, ZMQ_RCVTIMEO, &t, sizeof t) == 0);
    CHECK (zmq_setsockopt (ctl, ZMQ_LINGER, &linger, sizeof linger) == 0);
    uint32_t peer_id = 0;
    if (binder) {
        CHECK (zmq_bind (ctl, argv[5]) == 0);
        CHECK (zmq_bind (s, argv[4]) == 0);
        char ep[256];
        size_t len = sizeof ep;
        CHECK (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len) == 0);
        printf ("%s\n", ep);
        fflush (stdout);
    } else {
        CHECK (zmq_connect (ctl, argv[5]) == 0);
        if (type == ZMQ_PEER) {
            peer_id = zmq_connect_peer (s, argv[4]);
            CHECK (peer_id != 0);
        } else if (type == ZMQ_DGRAM)
            CHECK (zmq_bind (s, getenv ("DRAFT_DGRAM_OWN")) == 0);
        else
            CHECK (zmq_connect (s, argv[4]) == 0);
    }

    switch (type) {
        case ZMQ_SERVER: server (s); break;
        case ZMQ_CLIENT: client (s); break;
        case ZMQ_PEER:
            if (binder)
                server (s);
            else
                peer_connecting (s, peer_id);
            break;
        case ZMQ_SCATTER: scatter (s); break;
        case ZMQ_GATHER: gather (s); break;
        case ZMQ_CHANNEL: channel (s, binder); break;
        case ZMQ_RADIO: radio (s, ctl); break;
        case ZMQ_DISH: dish (s, ctl); break;
        case ZMQ_DGRAM:
            if (binder)
                dgram_binder (s);
            else
                /* udp://HOST:PORT -> HOST:PORT */
                dgram_connecting (s, argv[4] + 6);
            break;
    }
    /* the receiving side says when it is done, so no one closes early */
    if (type == ZMQ_SCATTER || type == ZMQ_SERVER)
        expect_str (ctl, "done");
    if (type == ZMQ_GATHER || type == ZMQ_CLIENT)
        send_str (ctl, "done");
    if (type == ZMQ_PEER || type == ZMQ_CHANNEL || type == ZMQ_DGRAM) {
        if (binder)
            expect_str (ctl, "done");
        else
            send_str (ctl, "done");
    }
    zmq_close (s);
    zmq_close (ctl);
    zmq_ctx_term (ctx);
    fprintf (stderr, "%s: ok\n", me);
    return 0;
}
