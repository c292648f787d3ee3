/*
 * interop/peer.c - one side of a ZMTP interoperability test.
 *
 * Compiled twice from this one source (see interop/run.sh):
 *   peer-real  against Debian's libzmq 4.3.4   (-DPEER_FLAVOR=\"real\")
 *   peer-ours  against zmq-oxide's libzmq 4.3.5 (-DPEER_FLAVOR=\"ours\")
 * and checks at start-up, with zmq_version(), that the library it actually
 * loaded is the expected one. Uses only the public libzmq API.
 *
 * Usage:
 *   peer TYPE bind|connect ENDPOINT SCENARIO [options]
 *
 *   TYPE      pair pub sub xpub xsub req rep dealer router push pull
 *   SCENARIO  with-PEERTYPE   scripted exchange with a peer of that type
 *             reconnect       TYPE rep (server) or dealer (client): numbered
 *                             request/reply rounds that survive the other
 *                             side being SIGKILLed and restarted
 *   options   --ctl EP            control PAIR socket (bound by the binding
 *                                 side): pub/sub sync and the final fin
 *             --timeout S         hard timeout of the whole run (default 10)
 *             --instance N        reconnect server: instance number (1)
 *             --die-after N       reconnect: raise(SIGKILL) after N rounds
 *             --rounds N          reconnect client: rounds to complete (100)
 *             --expect-instances N  reconnect client: distinct servers seen
 *             --min-requests N    reconnect server: requests served by "end"
 *             --ipv6              set ZMQ_IPV6 (for tcp://[::1]:...)
 *
 * A binding peer prints exactly one line on stdout once bound:
 *   ENDPOINTS <main-last-endpoint> <ctl-last-endpoint or ->
 * (so a wildcard tcp://127.0.0.1:* gives every case a fresh port). All
 * diagnostics go to stderr. Exit 0 = the script ran and every byte matched;
 * anything else is a failure with a one-line reason on stderr.
 *
 * No sleeps: every wait is a message, a zmq_poll with a timeout, or the
 * hard timeout (alarm).
 */
#define _GNU_SOURCE
#include <zmq.h>

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef PEER_FLAVOR
#error "compile with -DPEER_FLAVOR=\"real\" or -DPEER_FLAVOR=\"ours\""
#endif

static const char *g_tag = "peer";
static char g_tagbuf[128];

/* milliseconds since start, on every diagnostic line */
static long elapsed_ms (void)
{
    static struct timespec t0;
    struct timespec now;
    clock_gettime (CLOCK_MONOTONIC, &now);
    if (t0.tv_sec == 0 && t0.tv_nsec == 0)
        t0 = now;
    return (long) ((now.tv_sec - t0.tv_sec) * 1000
                   + (now.tv_nsec - t0.tv_nsec) / 1000000);
}

static void die (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, "%s +%ldms: FAIL: ", g_tag, elapsed_ms ());
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
    exit (1);
}

static void note (const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    fprintf (stderr, "%s +%ldms: ", g_tag, elapsed_ms ());
    vfprintf (stderr, fmt, ap);
    fputc ('\n', stderr);
    va_end (ap);
}

static void on_alarm (int sig)
{
    static const char msg[] = ": FAIL: hard timeout expired (peer hung)\n";
    (void) sig;
    if (write (2, g_tag, strlen (g_tag)) < 0 || write (2, msg, sizeof msg - 1) < 0) {
    }
    _exit (3);
}

/* ------------------------------------------------------------------ */
/* options */

static struct
{
    const char *type_name;
    int type;
    int bind;
    const char *endpoint;
    const char *scenario;
    const char *ctl;
    int timeout_s;
    int instance;
    int die_after;
    int rounds;
    int expect_instances;
    int min_requests;
    int ipv6;
} opt = {.timeout_s = 10, .instance = 1, .rounds = 100};

static const struct
{
    const char *name;
    int type;
} types[] = {{"pair", ZMQ_PAIR},     {"pub", ZMQ_PUB},   {"sub", ZMQ_SUB},
             {"xpub", ZMQ_XPUB},     {"xsub", ZMQ_XSUB}, {"req", ZMQ_REQ},
             {"rep", ZMQ_REP},       {"dealer", ZMQ_DEALER},
             {"router", ZMQ_ROUTER}, {"push", ZMQ_PUSH}, {"pull", ZMQ_PULL}};

static int type_of (const char *name)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp (types[i].name, name) == 0)
            return types[i].type;
    return -1;
}

static int int_arg (const char *s, const char *what)
{
    char *end;
    long v = strtol (s, &end, 10);
    if (*s == 0 || *end != 0 || v < 0 || v > 1000000)
        die ("bad value '%s' for %s", s, what);
    return (int) v;
}

static void usage (void)
{
    fprintf (stderr,
             "usage: peer TYPE bind|connect ENDPOINT SCENARIO [--ctl EP] "
             "[--timeout S]\n"
             "            [--instance N] [--die-after N] [--rounds N]\n"
             "            [--expect-instances N] [--min-requests N] [--ipv6]\n"
             "  SCENARIO: with-PEERTYPE | reconnect\n");
    exit (2);
}

static void parse_args (int argc, char **argv)
{
    if (argc < 5)
        usage ();
    opt.type_name = argv[1];
    opt.type = type_of (argv[1]);
    if (opt.type < 0)
        die ("unknown socket type '%s'", argv[1]);
    if (strcmp (argv[2], "bind") == 0)
        opt.bind = 1;
    else if (strcmp (argv[2], "connect") == 0)
        opt.bind = 0;
    else
        usage ();
    opt.endpoint = argv[3];
    opt.scenario = argv[4];
    for (int i = 5; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp (a, "--ipv6") == 0) {
            opt.ipv6 = 1;
            continue;
        }
        if (!v)
            usage ();
        i++;
        if (strcmp (a, "--ctl") == 0)
            opt.ctl = v;
        else if (strcmp (a, "--timeout") == 0)
            opt.timeout_s = int_arg (v, a);
        else if (strcmp (a, "--instance") == 0)
            opt.instance = int_arg (v, a);
        else if (strcmp (a, "--die-after") == 0)
            opt.die_after = int_arg (v, a);
        else if (strcmp (a, "--rounds") == 0)
            opt.rounds = int_arg (v, a);
        else if (strcmp (a, "--expect-instances") == 0)
            opt.expect_instances = int_arg (v, a);
        else if (strcmp (a, "--min-requests") == 0)
            opt.min_requests = int_arg (v, a);
        else
            usage ();
    }
    snprintf (g_tagbuf, sizeof g_tagbuf, "peer-%s[%s %s]", PEER_FLAVOR,
              opt.type_name, opt.bind ? "bind" : "connect");
    g_tag = g_tagbuf;
}

/* ------------------------------------------------------------------ */
/* library check */

static void check_library (void)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    char got[32];
    snprintf (got, sizeof got, "%d.%d.%d", major, minor, patch);
    const char *path = "?";
    Dl_info info;
    union
    {
        void (*fn) (int *, int *, int *);
        void *ptr;
    } sym = {zmq_version};
    if (dladdr (sym.ptr, &info) && info.dli_fname)
        path = info.dli_fname;
    const char *want = strcmp (PEER_FLAVOR, "ours") == 0 ? "4.3.5" : "4.3.4";
    if (strcmp (got, want) != 0)
        die ("loaded libzmq %s from %s, but peer-%s expects %s (wrong library "
             "on the loader path?)",
             got, path, PEER_FLAVOR, want);
    note ("libzmq %s from %s", got, path);
}

/* ------------------------------------------------------------------ */
/* deterministic payloads */

/* byte i of a frame with this seed; a cheap LCG so 1 MiB is fast and any
 * swap, truncation or shift of frames or messages shows up */
static void fill (unsigned char *buf, size_t len, uint32_t seed)
{
    uint32_t s = seed * 2654435761u + 0x9e3779b9u;
    for (size_t i = 0; i < len; i++) {
        s = s * 1103515245u + 12345u;
        buf[i] = (unsigned char) (s >> 16);
    }
}

#define KIB 1024
#define MIB (1024 * 1024)
#define MAX_FRAMES 24

typedef struct
{
    int nframes;
    size_t sizes[MAX_FRAMES];
} shape_t;

/* the message set every exchange sends: sizes 0, 1, 255, 256 (short/long
 * frame boundary), 64 KiB, 1 MiB, empty frames and multipart mixes */
static const shape_t shapes[] = {
  {1, {0}},
  {1, {1}},
  {1, {255}},
  {1, {256}},
  {1, {64 * KIB}},
  {1, {MIB}},
  {3, {0, 0, 0}},
  {6, {1, 0, 255, 256, 64 * KIB, 0}},
  {2, {MIB, MIB}},
  {20, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}},
  {2, {256, 255}},
};
#define NSHAPES ((int) (sizeof shapes / sizeof shapes[0]))

static uint32_t seed_of (int msg, int frame, int reply)
{
    return (uint32_t) ((reply ? 100000 : 0) + msg * 100 + frame);
}

/* ------------------------------------------------------------------ */
/* send / receive helpers (blocking calls are bounded by RCVTIMEO/SNDTIMEO) */

static void *g_ctx;

static void set_int (void *s, int option, int v, const char *name)
{
    if (zmq_setsockopt (s, option, &v, sizeof v) != 0)
        die ("zmq_setsockopt(%s=%d): %s", name, v, zmq_strerror (errno));
}

static void *make_socket (int type, const char *what)
{
    void *s = zmq_socket (g_ctx, type);
    if (!s)
        die ("zmq_socket(%s): %s", what, zmq_strerror (errno));
    int ms = opt.timeout_s * 1000;
    set_int (s, ZMQ_RCVTIMEO, ms, "ZMQ_RCVTIMEO");
    set_int (s, ZMQ_SNDTIMEO, ms, "ZMQ_SNDTIMEO");
    set_int (s, ZMQ_LINGER, 2000, "ZMQ_LINGER");
    if (opt.ipv6)
        set_int (s, ZMQ_IPV6, 1, "ZMQ_IPV6");
    return s;
}

static void attach (void *s, int bind, const char *ep, const char *what)
{
    int rc = bind ? zmq_bind (s, ep) : zmq_connect (s, ep);
    if (rc != 0)
        die ("zmq_%s(%s, %s): %s (errno %d)", bind ? "bind" : "connect", what,
             ep, zmq_strerror (errno), errno);
}

static void send_frame (void *s, const void *data, size_t len, int more,
                        const char *what)
{
    if (zmq_send (s, data, len, more ? ZMQ_SNDMORE : 0) != (int) len)
        die ("zmq_send(%s, %zu bytes): %s", what, len, zmq_strerror (errno));
}

static void send_str (void *s, const char *str, int more, const char *what)
{
    send_frame (s, str, strlen (str), more, what);
}

/* receive one frame into msg (initialised by caller); returns 'more' */
static int recv_frame (void *s, zmq_msg_t *msg, const char *what)
{
    if (zmq_msg_recv (msg, s, 0) < 0) {
        if (errno == EAGAIN)
            die ("zmq_msg_recv(%s): nothing received within %d s", what,
                 opt.timeout_s);
        die ("zmq_msg_recv(%s): %s", what, zmq_strerror (errno));
    }
    return zmq_msg_more (msg);
}

static int msg_is (zmq_msg_t *m, const void *data, size_t len)
{
    return zmq_msg_size (m) == len
           && (len == 0 || memcmp (zmq_msg_data (m), data, len) == 0);
}

static int msg_is_str (zmq_msg_t *m, const char *s)
{
    return msg_is (m, s, strlen (s));
}

/* printable (truncated) rendering of a frame for error messages */
static const char *show (zmq_msg_t *m)
{
    static char buf[4][96];
    static int slot;
    char *b = buf[slot++ & 3];
    const unsigned char *d = zmq_msg_data (m);
    size_t n = zmq_msg_size (m), o = 0;
    o += (size_t) snprintf (b, 96, "%zu B \"", n);
    for (size_t i = 0; i < n && o < 80; i++)
        o += (size_t) snprintf (b + o, 96 - o, (d[i] >= 32 && d[i] < 127) ? "%c" : "\\x%02x",
                                d[i]);
    snprintf (b + o, 96 - o, n > 0 && o >= 80 ? "...\"" : "\"");
    return b;
}

/* receive one frame and require it to equal the given bytes and more flag */
static void expect_frame (void *s, const void *data, size_t len, int more,
                          const char *what)
{
    zmq_msg_t m;
    zmq_msg_init (&m);
    int got_more = recv_frame (s, &m, what);
    zmq_msg_t want;
    zmq_msg_init_size (&want, len);
    if (len)
        memcpy (zmq_msg_data (&want), data, len);
    if (!msg_is (&m, data, len))
        die ("%s: got frame %s, expected %s", what, show (&m), show (&want));
    if (got_more != more)
        die ("%s: frame %s has more=%d, expected more=%d", what, show (&m),
             got_more, more);
    zmq_msg_close (&want);
    zmq_msg_close (&m);
}

static void expect_str (void *s, const char *str, int more, const char *what)
{
    expect_frame (s, str, strlen (str), more, what);
}

/* send the body of message k (reply=0: request pattern, 1: reply pattern) */
static void send_body (void *s, int k, int reply)
{
    const shape_t *sh = &shapes[k];
    for (int f = 0; f < sh->nframes; f++) {
        size_t len = sh->sizes[f];
        unsigned char *buf = malloc (len ? len : 1);
        if (!buf)
            die ("out of memory");
        fill (buf, len, seed_of (k, f, reply));
        char what[64];
        snprintf (what, sizeof what, "message %d frame %d", k, f);
        send_frame (s, buf, len, f + 1 < sh->nframes, what);
        free (buf);
    }
}

/* receive the body of message k and check every frame byte for byte */
static void check_body (void *s, int k, int reply)
{
    const shape_t *sh = &shapes[k];
    for (int f = 0; f < sh->nframes; f++) {
        zmq_msg_t m;
        char what[96];
        snprintf (what, sizeof what, "%s %d frame %d/%d",
                  reply ? "reply" : "message", k, f, sh->nframes);
        zmq_msg_init (&m);
        int more = recv_frame (s, &m, what);
        size_t len = sh->sizes[f];
        if (zmq_msg_size (&m) != len)
            die ("%s: size %zu, expected %zu (content %s)", what,
                 zmq_msg_size (&m), len, show (&m));
        unsigned char *want = malloc (len ? len : 1);
        if (!want)
            die ("out of memory");
        fill (want, len, seed_of (k, f, reply));
        const unsigned char *got = zmq_msg_data (&m);
        for (size_t i = 0; i < len; i++)
            if (got[i] != want[i])
                die ("%s: byte %zu is 0x%02x, expected 0x%02x", what, i,
                     got[i], want[i]);
        free (want);
        if (more != (f + 1 < sh->nframes))
            die ("%s: more=%d, expected %d (frame count differs)", what, more,
                 f + 1 < sh->nframes);
        zmq_msg_close (&m);
    }
}

/* ------------------------------------------------------------------ */
/* control channel: a PAIR socket next to the socket under test */

static void *g_ctl;

static void ctl_open (void)
{
    if (!opt.ctl)
        die ("scenario %s needs --ctl ENDPOINT", opt.scenario);
    g_ctl = make_socket (ZMQ_PAIR, "ctl PAIR");
    attach (g_ctl, opt.bind, opt.ctl, "ctl PAIR");
}

/* wait up to ms for a control message; returns 1 and checks it if one came */
static int ctl_poll (const char *want, long ms)
{
    zmq_pollitem_t it = {g_ctl, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll (&it, 1, ms);
    if (rc < 0)
        die ("zmq_poll(ctl): %s", zmq_strerror (errno));
    if (rc == 0)
        return 0;
    expect_str (g_ctl, want, 0, "control message");
    return 1;
}

/* binding side: tell run.sh the real endpoints (wildcard ports resolved) */
static void announce (void *s)
{
    if (!opt.bind)
        return;
    char ep[512], cep[512] = "-";
    size_t n = sizeof ep;
    if (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &n) != 0)
        die ("zmq_getsockopt(ZMQ_LAST_ENDPOINT): %s", zmq_strerror (errno));
    n = sizeof cep;
    if (g_ctl && zmq_getsockopt (g_ctl, ZMQ_LAST_ENDPOINT, cep, &n) != 0)
        die ("zmq_getsockopt(ctl ZMQ_LAST_ENDPOINT): %s", zmq_strerror (errno));
    printf ("ENDPOINTS %s %s\n", ep, cep);
    fflush (stdout);
}

/* End of every exchange: the connecting side sends "fin", the binding side
 * answers "fin-ack". Once the connecter has the ack, everything it sent has
 * been consumed, so it closes with linger 0; the binder closes with linger
 * (to flush the ack). Without this, a connecting libzmq socket that closes
 * after its peer left waits out its whole linger (its session is busy
 * reconnecting and never drains the pipe), which made runs slow at random. */
static void finish (void *s)
{
    long ms = opt.timeout_s * 1000L;
    if (opt.bind) {
        if (!ctl_poll ("fin", ms))
            die ("no 'fin' from the connecting side on ctl");
        send_str (g_ctl, "fin-ack", 0, "ctl fin-ack");
    } else {
        send_str (g_ctl, "fin", 0, "ctl fin");
        if (!ctl_poll ("fin-ack", ms))
            die ("no 'fin-ack' from the binding side on ctl");
        set_int (s, ZMQ_LINGER, 0, "ZMQ_LINGER");
        set_int (g_ctl, ZMQ_LINGER, 0, "ZMQ_LINGER");
    }
    zmq_close (g_ctl);
    zmq_close (s);
}

/* ------------------------------------------------------------------ */
/* request/reply style exchanges (PAIR, REQ, REP, DEALER, ROUTER) */

static const char CLIENT_ID[] = "cli\xfe\x01id";
static const char SERVER_ID[] = "srv\xfe\x02id";

/* envelope this side adds/strips, given its role and its peer's type */
typedef struct
{
    int client;      /* sends first */
    int peer_type;
    int route;       /* this side is a ROUTER: first frame is the peer id */
    int delim;       /* explicit empty delimiter frame (DEALER<->REP,
                        ROUTER<->REQ) */
    const char *peer_id;
} envelope_t;

static envelope_t envelope_for (int peer_type)
{
    envelope_t e = {0};
    e.peer_type = peer_type;
    int me = opt.type;
    if (me == ZMQ_REQ || (me == ZMQ_DEALER && peer_type != ZMQ_DEALER))
        e.client = 1;
    else if (me == ZMQ_REP || (me == ZMQ_ROUTER && peer_type != ZMQ_ROUTER))
        e.client = 0;
    else /* PAIR/PAIR, DEALER/DEALER, ROUTER/ROUTER: the connecter starts */
        e.client = !opt.bind;
    e.route = me == ZMQ_ROUTER;
    e.delim = (me == ZMQ_DEALER && peer_type == ZMQ_REP)
              || (me == ZMQ_ROUTER && peer_type == ZMQ_REQ);
    if (e.route)
        e.peer_id = peer_type == ZMQ_ROUTER && !e.client ? CLIENT_ID
                    : peer_type == ZMQ_ROUTER           ? SERVER_ID
                                                        : CLIENT_ID;
    return e;
}

static void send_envelope (void *s, const envelope_t *e)
{
    if (e->route)
        send_frame (s, e->peer_id, strlen (e->peer_id), 1, "routing id");
    if (e->delim)
        send_frame (s, "", 0, 1, "empty delimiter");
}

static void expect_envelope (void *s, const envelope_t *e, const char *what)
{
    char w[96];
    if (e->route) {
        snprintf (w, sizeof w, "%s: routing id of the peer", what);
        expect_frame (s, e->peer_id, strlen (e->peer_id), 1, w);
    }
    if (e->delim) {
        snprintf (w, sizeof w, "%s: empty delimiter", what);
        expect_frame (s, "", 0, 1, w);
    }
}

/* ROUTER that must send first (ROUTER/ROUTER client): the peer becomes
 * routable only once its handshake is done, so retry EHOSTUNREACH with
 * ZMQ_ROUTER_MANDATORY, pacing the retries with a short zmq_poll */
static void router_first_send (void *s, const envelope_t *e, int k)
{
    long t0 = elapsed_ms ();
    for (;;) {
        if (elapsed_ms () - t0 > opt.timeout_s * 1000L)
            die ("peer routing id never became routable (EHOSTUNREACH for "
                 "%d s): did the peer announce ZMQ_ROUTING_ID in its "
                 "handshake?",
                 opt.timeout_s);
        int rc = zmq_send (s, e->peer_id, strlen (e->peer_id),
                           ZMQ_SNDMORE | ZMQ_DONTWAIT);
        if (rc >= 0)
            break;
        if (errno != EHOSTUNREACH && errno != EAGAIN)
            die ("zmq_send(routing id): %s", zmq_strerror (errno));
        zmq_pollitem_t it = {s, 0, ZMQ_POLLOUT, 0};
        if (zmq_poll (&it, 1, 20) < 0)
            die ("zmq_poll: %s", zmq_strerror (errno));
    }
    if (e->delim)
        send_frame (s, "", 0, 1, "empty delimiter");
    send_body (s, k, 0);
}

static void run_reqrep (int peer_type)
{
    void *s = make_socket (opt.type, opt.type_name);
    envelope_t e = envelope_for (peer_type);
    /* routing ids: every ROUTER's peer announces one, ROUTERs check it */
    if (peer_type == ZMQ_ROUTER || opt.type == ZMQ_ROUTER) {
        const char *id = opt.type == ZMQ_ROUTER && peer_type == ZMQ_ROUTER
                           ? (e.client ? CLIENT_ID : SERVER_ID)
                         : opt.type == ZMQ_ROUTER ? NULL
                                                  : CLIENT_ID;
        if (id && zmq_setsockopt (s, ZMQ_ROUTING_ID, id, strlen (id)) != 0)
            die ("zmq_setsockopt(ZMQ_ROUTING_ID): %s", zmq_strerror (errno));
    }
    if (opt.type == ZMQ_ROUTER)
        set_int (s, ZMQ_ROUTER_MANDATORY, 1, "ZMQ_ROUTER_MANDATORY");
    attach (s, opt.bind, opt.endpoint, opt.type_name);
    ctl_open ();
    announce (s);
    note ("%s with %s, %d messages", e.client ? "client" : "server",
          opt.scenario, NSHAPES);
    for (int k = 0; k < NSHAPES; k++) {
        char what[64];
        if (e.client) {
            if (e.route && k == 0)
                router_first_send (s, &e, k);
            else {
                send_envelope (s, &e);
                send_body (s, k, 0);
            }
            snprintf (what, sizeof what, "reply %d", k);
            expect_envelope (s, &e, what);
            check_body (s, k, 1);
        } else {
            snprintf (what, sizeof what, "request %d", k);
            expect_envelope (s, &e, what);
            check_body (s, k, 0);
            send_envelope (s, &e);
            send_body (s, k, 1);
        }
    }
    if (e.client) {
        /* a last round trip, so the server knows we got every reply before
         * either side closes */
        send_envelope (s, &e);
        send_str (s, "bye", 0, "bye");
        expect_envelope (s, &e, "bye reply");
        expect_str (s, "bye", 0, "bye reply");
    } else {
        expect_envelope (s, &e, "bye");
        expect_str (s, "bye", 0, "bye");
        send_envelope (s, &e);
        send_str (s, "bye", 0, "bye reply");
    }
    finish (s);
}

/* ------------------------------------------------------------------ */
/* PUSH/PULL */

static void run_pushpull (void)
{
    void *s = make_socket (opt.type, opt.type_name);
    attach (s, opt.bind, opt.endpoint, opt.type_name);
    ctl_open ();
    announce (s);
    if (opt.type == ZMQ_PUSH) {
        for (int k = 0; k < NSHAPES; k++)
            send_body (s, k, 0);
        send_str (s, "end", 0, "end");
        if (!ctl_poll ("done", opt.timeout_s * 1000L))
            die ("PULL side never confirmed (no 'done' on ctl)");
    } else {
        for (int k = 0; k < NSHAPES; k++)
            check_body (s, k, 0);
        expect_str (s, "end", 0, "end marker");
        send_str (g_ctl, "done", 0, "ctl done");
    }
    finish (s);
}

/* ------------------------------------------------------------------ */
/* PUB/SUB family */

static void subscribe (void *s, int on, const char *topic)
{
    if (opt.type == ZMQ_XSUB) {
        size_t n = strlen (topic);
        unsigned char buf[64];
        buf[0] = on ? 1 : 0;
        memcpy (buf + 1, topic, n);
        send_frame (s, buf, n + 1, 0, on ? "subscribe" : "unsubscribe");
    } else if (zmq_setsockopt (s, on ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE, topic,
                               strlen (topic))
               != 0)
        die ("zmq_setsockopt(%s, \"%s\"): %s",
             on ? "ZMQ_SUBSCRIBE" : "ZMQ_UNSUBSCRIBE", topic,
             zmq_strerror (errno));
}

/* publisher: send 'sync' until the subscriber acknowledges on ctl */
static void pub_sync (void *s, const char *sync, const char *ack)
{
    int n = 0;
    for (;;) {
        send_str (s, sync, 0, sync);
        n++;
        if (ctl_poll (ack, 20))
            break;
    }
    note ("subscriber acknowledged '%s' after %d sends", sync, n);
}

/* subscriber: receive the next message that is not 'skip'; returns its
 * first frame (caller closes) */
static void sub_next (void *s, const char *skip, zmq_msg_t *m)
{
    for (;;) {
        zmq_msg_init (m);
        int more = recv_frame (s, m, "subscribed message");
        if (!skip || !msg_is_str (m, skip))
            return;
        if (more)
            die ("sync message '%s' has extra frames", skip);
        zmq_msg_close (m);
    }
}

static void pub_topic_msg (void *s, const char *topic, int k)
{
    send_str (s, topic, 1, topic);
    send_body (s, k, 0);
}

static const char *const SUBS_EXPECTED[] = {"\x01top.a", "\x01hello",
                                            "\x00top.a", "\x01top.c"};

static void run_pubsub (void)
{
    int publisher = opt.type == ZMQ_PUB || opt.type == ZMQ_XPUB;
    void *s = make_socket (opt.type, opt.type_name);
    if (!publisher && opt.type == ZMQ_SUB) {
        subscribe (s, 1, "top.a");
        subscribe (s, 1, "hello");
    }
    attach (s, opt.bind, opt.endpoint, opt.type_name);
    ctl_open ();
    announce (s);
    if (!publisher && opt.type == ZMQ_XSUB) {
        subscribe (s, 1, "top.a");
        subscribe (s, 1, "hello");
    }

    if (publisher) {
        /* phase 1: subscribed to top.a and hello; sync on a top.a topic so
         * that no ordering between the two subscriptions is assumed */
        pub_sync (s, "top.a.sync", "ready");
        for (int k = 0; k < NSHAPES; k++) {
            send_str (s, "top", 0, "non-matching");
            send_str (s, "", 0, "non-matching empty topic");
            send_str (s, "TOP.a", 0, "non-matching");
            pub_topic_msg (s, "top.b", k);
            char t[32];
            snprintf (t, sizeof t, "top.a.%d", k);
            pub_topic_msg (s, t, k);
        }
        send_str (s, "top.a", 0, "single-frame matching");
        send_str (s, "hello", 0, "second subscription");
        send_str (s, "hell", 0, "non-matching");
        send_str (s, "top.a.end", 0, "end of phase 1");
        /* phase 2: top.a unsubscribed, top.c subscribed */
        if (!ctl_poll ("phase2", opt.timeout_s * 1000L))
            die ("subscriber never reached phase 2");
        pub_sync (s, "top.c.sync", "ready2");
        for (int k = 0; k < NSHAPES; k += 3) {
            pub_topic_msg (s, "top.a.late", k);
            pub_topic_msg (s, "top.c", k);
        }
        send_str (s, "top.c.end", 0, "end of phase 2");
        if (!ctl_poll ("done", opt.timeout_s * 1000L))
            die ("subscriber never confirmed (no 'done' on ctl)");
        if (opt.type == ZMQ_XPUB) {
            /* every (un)subscription must have reached us, in order */
            size_t n = sizeof SUBS_EXPECTED / sizeof SUBS_EXPECTED[0];
            int swapped = 0;
            for (size_t i = 0; i < n; i++) {
                zmq_msg_t m;
                zmq_msg_init (&m);
                if (zmq_msg_recv (&m, s, ZMQ_DONTWAIT) < 0)
                    die ("XPUB: subscription message %zu missing (%s)", i,
                         zmq_strerror (errno));
                const char *w = SUBS_EXPECTED[i];
                /* the first two may come in either order: a SUB resends its
                 * cached subscriptions on connect in an order of its own */
                if (i == 0 && msg_is (&m, SUBS_EXPECTED[1],
                                      1 + strlen (SUBS_EXPECTED[1] + 1)))
                    swapped = 1;
                if (i < 2 && swapped)
                    w = SUBS_EXPECTED[1 - i];
                size_t wl = 1 + strlen (w + 1);
                if (!msg_is (&m, w, wl) || zmq_msg_more (&m))
                    die ("XPUB: subscription message %zu is %s, expected "
                         "%s\"%s\"",
                         i, show (&m), w[0] ? "\\x01" : "\\x00", w + 1);
                zmq_msg_close (&m);
            }
            zmq_msg_t m;
            zmq_msg_init (&m);
            if (zmq_msg_recv (&m, s, ZMQ_DONTWAIT) >= 0)
                die ("XPUB: unexpected extra subscription message %s",
                     show (&m));
            zmq_msg_close (&m);
        }
    } else {
        zmq_msg_t m;
        /* phase 1 */
        sub_next (s, NULL, &m);
        if (!msg_is_str (&m, "top.a.sync") || zmq_msg_more (&m))
            die ("first message is %s, expected \"top.a.sync\"", show (&m));
        zmq_msg_close (&m);
        send_str (g_ctl, "ready", 0, "ctl ready");
        for (int k = 0; k < NSHAPES; k++) {
            char t[32];
            snprintf (t, sizeof t, "top.a.%d", k);
            sub_next (s, "top.a.sync", &m);
            if (!msg_is_str (&m, t) || !zmq_msg_more (&m))
                die ("phase 1: got topic %s, expected \"%s\" + body "
                     "(filtering or ordering broken)",
                     show (&m), t);
            zmq_msg_close (&m);
            check_body (s, k, 0);
        }
        sub_next (s, "top.a.sync", &m);
        if (!msg_is_str (&m, "top.a") || zmq_msg_more (&m))
            die ("phase 1: got %s, expected single frame \"top.a\"", show (&m));
        zmq_msg_close (&m);
        sub_next (s, NULL, &m);
        if (!msg_is_str (&m, "hello") || zmq_msg_more (&m))
            die ("phase 1: got %s, expected \"hello\" (second subscription)",
                 show (&m));
        zmq_msg_close (&m);
        sub_next (s, NULL, &m);
        if (!msg_is_str (&m, "top.a.end") || zmq_msg_more (&m))
            die ("phase 1: got %s, expected \"top.a.end\"", show (&m));
        zmq_msg_close (&m);
        /* phase 2: unsubscribe before subscribing, so that once top.c
         * matches the publisher has dropped top.a */
        subscribe (s, 0, "top.a");
        subscribe (s, 1, "top.c");
        send_str (g_ctl, "phase2", 0, "ctl phase2");
        sub_next (s, NULL, &m);
        if (!msg_is_str (&m, "top.c.sync") || zmq_msg_more (&m))
            die ("phase 2: got %s, expected \"top.c.sync\" (unsubscribe not "
                 "honoured?)",
                 show (&m));
        zmq_msg_close (&m);
        send_str (g_ctl, "ready2", 0, "ctl ready2");
        for (int k = 0; k < NSHAPES; k += 3) {
            sub_next (s, "top.c.sync", &m);
            if (!msg_is_str (&m, "top.c") || !zmq_msg_more (&m))
                die ("phase 2: got topic %s, expected \"top.c\" + body "
                     "(unsubscribe not honoured?)",
                     show (&m));
            zmq_msg_close (&m);
            check_body (s, k, 0);
        }
        sub_next (s, "top.c.sync", &m);
        if (!msg_is_str (&m, "top.c.end") || zmq_msg_more (&m))
            die ("phase 2: got %s, expected \"top.c.end\"", show (&m));
        zmq_msg_close (&m);
        send_str (g_ctl, "done", 0, "ctl done");
    }
    finish (s);
}

/* ------------------------------------------------------------------ */
/* reconnect: REP server (may be killed and restarted), DEALER client */

static void run_reconnect (void)
{
    void *s = make_socket (opt.type, opt.type_name);
    attach (s, opt.bind, opt.endpoint, opt.type_name);
    announce (s);
    if (opt.type == ZMQ_REP) {
        int served = 0;
        for (;;) {
            zmq_msg_t m;
            zmq_msg_init (&m);
            recv_frame (s, &m, "request");
            if (zmq_msg_more (&m))
                die ("request %s has extra frames", show (&m));
            if (msg_is_str (&m, "end")) {
                send_str (s, "bye", 0, "bye");
                if (served < opt.min_requests)
                    die ("served %d requests, expected at least %d", served,
                         opt.min_requests);
                note ("instance %d served %d requests", opt.instance, served);
                break;
            }
            char out[128];
            int n = snprintf (out, sizeof out, "%d:%.*s", opt.instance,
                              (int) (zmq_msg_size (&m) < 100 ? zmq_msg_size (&m) : 100),
                              (const char *) zmq_msg_data (&m));
            zmq_msg_close (&m);
            send_frame (s, out, (size_t) n, 0, "reply");
            served++;
            if (opt.die_after && served == opt.die_after) {
                note ("instance %d: SIGKILL after %d replies", opt.instance,
                      served);
                raise (SIGKILL);
            }
        }
    } else if (opt.type == ZMQ_DEALER) {
        int seen[64] = {0}, distinct = 0, resends = 0;
        for (int i = 0; i <= opt.rounds; i++) {
            char req[32], want_suffix[40];
            if (i == opt.rounds)
                snprintf (req, sizeof req, "end");
            else
                snprintf (req, sizeof req, "req-%d", i);
            snprintf (want_suffix, sizeof want_suffix, ":%s", req);
            int got = 0;
            while (!got) {
                send_str (s, "", 1, "delimiter");
                send_str (s, req, 0, req);
                /* a reply, or resend after 300 ms: the request may have died
                 * with the old server */
                for (;;) {
                    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
                    int rc = zmq_poll (&it, 1, 300);
                    if (rc < 0)
                        die ("zmq_poll: %s", zmq_strerror (errno));
                    if (rc == 0) {
                        resends++;
                        break;
                    }
                    expect_str (s, "", 1, "reply delimiter");
                    zmq_msg_t m;
                    zmq_msg_init (&m);
                    recv_frame (s, &m, "reply");
                    if (zmq_msg_more (&m))
                        die ("reply %s has extra frames", show (&m));
                    size_t len = zmq_msg_size (&m);
                    const char *d = zmq_msg_data (&m);
                    if (i == opt.rounds) {
                        if (msg_is_str (&m, "bye"))
                            got = 1;
                    } else {
                        size_t sl = strlen (want_suffix);
                        const char *colon = memchr (d, ':', len);
                        if (!colon)
                            die ("malformed reply %s", show (&m));
                        if (len - (size_t) (colon - d) == sl
                            && memcmp (colon, want_suffix, sl) == 0) {
                            int inst = atoi (d);
                            if (inst <= 0 || inst >= 64)
                                die ("malformed reply %s", show (&m));
                            if (!seen[inst]++)
                                distinct++;
                            got = 1;
                        }
                        /* else: a stale reply to a resent request */
                    }
                    zmq_msg_close (&m);
                    if (got)
                        break;
                }
            }
            if (opt.die_after && i + 1 == opt.die_after) {
                note ("SIGKILL after %d rounds", i + 1);
                raise (SIGKILL);
            }
        }
        /* "bye" received: nothing of ours is left to deliver */
        set_int (s, ZMQ_LINGER, 0, "ZMQ_LINGER");
        note ("%d rounds, %d resends, replies from %d server instance(s)",
              opt.rounds, resends, distinct);
        if (distinct < opt.expect_instances)
            die ("replies came from %d server instance(s), expected %d "
                 "(reconnect to the restarted server did not happen)",
                 distinct, opt.expect_instances);
    } else
        die ("reconnect scenario needs rep (server) or dealer (client)");
    zmq_close (s);
}

/* ------------------------------------------------------------------ */

int main (int argc, char **argv)
{
    elapsed_ms ();
    parse_args (argc, argv);
    signal (SIGALRM, on_alarm);
    alarm ((unsigned) opt.timeout_s + 2);
    check_library ();

    g_ctx = zmq_ctx_new ();
    if (!g_ctx)
        die ("zmq_ctx_new: %s", zmq_strerror (errno));

    if (strcmp (opt.scenario, "reconnect") == 0)
        run_reconnect ();
    else if (strncmp (opt.scenario, "with-", 5) == 0) {
        int peer = type_of (opt.scenario + 5);
        if (peer < 0)
            die ("unknown peer type in scenario '%s'", opt.scenario);
        switch (opt.type) {
            case ZMQ_PUB:
            case ZMQ_XPUB:
            case ZMQ_SUB:
            case ZMQ_XSUB:
                run_pubsub ();
                break;
            case ZMQ_PUSH:
            case ZMQ_PULL:
                run_pushpull ();
                break;
            default:
                run_reqrep (peer);
        }
    } else
        die ("unknown scenario '%s'", opt.scenario);

    note ("script done, terminating context");
    if (zmq_ctx_term (g_ctx) != 0)
        die ("zmq_ctx_term: %s", zmq_strerror (errno));
    note ("OK");
    return 0;
}
