/* Helpers shared by every capi-tests/test_*.c (except test_hostile_*).
 *
 * Each test is one C99 program compiled on its own with `-I capi-tests`;
 * it includes this header first. Everything here is `static inline` (or a
 * macro, or a type) so a test that uses only part of it still compiles
 * warning-free under -Wall. A failed check prints file:line, the failing
 * expression and libzmq's errno, then ends the process with exit status 1.
 * Waits are bounded (TU_WAIT_MS); nothing here sleeps to synchronise. */
#ifndef CAPI_TESTUTIL_H
#define CAPI_TESTUTIL_H

#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <zmq.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/* ---- checks ---------------------------------------------------------- */

/* Fails the test when `cond` is false. */
#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf (stderr, "%s:%d: check failed: %s (errno %d: %s)\n",       \
                     __FILE__, __LINE__, #cond, zmq_errno (),                  \
                     zmq_strerror (zmq_errno ()));                             \
            exit (1);                                                          \
        }                                                                      \
    } while (0)

/* `call` must return -1 with errno `e` (errno is cleared first). */
#define CHECK_ERR(call, e)                                                     \
    do {                                                                       \
        errno = 0;                                                             \
        long rc_ = (long) (call);                                              \
        int en_ = zmq_errno ();                                                \
        if (rc_ != -1 || en_ != (e)) {                                         \
            fprintf (stderr, "%s:%d: %s: want -1/%s, got %ld/errno %d (%s)\n", \
                     __FILE__, __LINE__, #call, #e, rc_, en_,                  \
                     zmq_strerror (en_));                                      \
            exit (1);                                                          \
        }                                                                      \
    } while (0)

/* `expr` must equal the integer `want`. */
#define CHECK_INT(expr, want)                                                  \
    do {                                                                       \
        long got_ = (long) (expr);                                             \
        if (got_ != (long) (want)) {                                           \
            fprintf (stderr, "%s:%d: %s == %ld, expected %ld\n", __FILE__,     \
                     __LINE__, #expr, got_, (long) (want));                    \
            exit (1);                                                          \
        }                                                                      \
    } while (0)

/* `expr` must be a non-NULL string equal to `want`. */
#define CHECK_STR(expr, want)                                                  \
    do {                                                                       \
        const char *got_ = (expr);                                             \
        if (got_ == NULL || strcmp (got_, (want)) != 0) {                      \
            fprintf (stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",         \
                     __FILE__, __LINE__, #expr, got_ ? got_ : "(null)",        \
                     (want));                                                  \
            exit (1);                                                          \
        }                                                                      \
    } while (0)

/* Default bound on every wait, in milliseconds. */
#define TU_WAIT_MS 5000
#define NET_WAIT_MS TU_WAIT_MS

/* ---- zero-copy messages ---------------------------------------------- */

/* A zmq_free_fn that frees `data` and counts the call in the int `hint`
 * points at: zmq_msg_init_data (&m, buf, n, counting_free, &calls). */
static inline void counting_free (void *data, void *hint)
{
    ++*(int *) hint;
    free (data);
}

/* ---- unix-domain sockets --------------------------------------------- */

/* A plain AF_UNIX stream socket bound to `path` (not listening); the
 * test fails if that cannot be done. */
static inline int unix_bound (const char *path)
{
    int fd = socket (AF_UNIX, SOCK_STREAM, 0);
    CHECK (fd >= 0);
    struct sockaddr_un a;
    memset (&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    CHECK (strlen (path) < sizeof a.sun_path);
    strcpy (a.sun_path, path);
    CHECK (bind (fd, (struct sockaddr *) &a, sizeof a) == 0);
    return fd;
}

/* ---- sockets and options --------------------------------------------- */

/* An int socket option; returns zmq_setsockopt's result. */
static inline int set_int (void *s, int opt, int v)
{
    return zmq_setsockopt (s, opt, &v, sizeof v);
}

/* A socket of `type` with LINGER 0 and 5 s send/receive time-outs, so that
 * nothing in a test blocks for long: a hang is a failure. */
static inline void *make (void *ctx, int type)
{
    void *s = zmq_socket (ctx, type);
    CHECK (s != NULL);
    CHECK (set_int (s, ZMQ_LINGER, 0) == 0);
    CHECK (set_int (s, ZMQ_RCVTIMEO, TU_WAIT_MS) == 0);
    CHECK (set_int (s, ZMQ_SNDTIMEO, TU_WAIT_MS) == 0);
    return s;
}

/* The socket's ZMQ_LAST_ENDPOINT into buf; 0 on success. */
static inline int last_endpoint (void *s, char *buf, size_t len)
{
    return zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, buf, &len);
}

/* The port of a "tcp://host:port" endpoint, or -1. */
static inline int port_of (const char *ep)
{
    const char *c = strrchr (ep, ':');
    return c ? atoi (c + 1) : -1;
}

/* The port of the socket's last tcp endpoint (checked). */
static inline int bound_port (void *s)
{
    char ep[256];
    CHECK (last_endpoint (s, ep, sizeof ep) == 0);
    CHECK (strrchr (ep, ':') != NULL);
    return port_of (ep);
}

/* ZMQ_RCVMORE of `s` (checked). */
static inline int more_flag (void *s)
{
    int more = -1;
    size_t sz = sizeof more;
    CHECK (zmq_getsockopt (s, ZMQ_RCVMORE, &more, &sz) == 0);
    return more;
}

/* ---- sending and receiving ------------------------------------------- */

static inline void send_n (void *s, const void *data, size_t n, int flags)
{
    CHECK (zmq_send (s, data, n, flags) == (int) n);
}

/* Sends a string frame with `flags` (checked). */
static inline void send_s (void *s, const char *str, int flags)
{
    send_n (s, str, strlen (str), flags);
}

/* Sends a string; returns 0 on success, -1 otherwise (not checked). */
static inline int send_str (void *s, const char *str, int flags)
{
    int n = zmq_send (s, str, strlen (str), flags);
    return n == (int) strlen (str) ? 0 : -1;
}

/* Receives one frame and checks its bytes and its MORE flag (0 or 1). */
static inline void expect_n (void *s, const void *data, size_t n, int more)
{
    char buf[256];
    int r = zmq_recv (s, buf, sizeof buf, 0);
    if (r != (int) n || memcmp (buf, data, n) != 0) {
        fprintf (stderr, "expected %d bytes '%.*s', got %d '%.*s'\n", (int) n,
                 (int) n, (const char *) data, r,
                 r > 0 ? (r < (int) sizeof buf ? r : (int) sizeof buf) : 0,
                 buf);
    }
    CHECK (r == (int) n && memcmp (buf, data, n) == 0);
    CHECK (more_flag (s) == more);
}

static inline void expect_s (void *s, const char *str, int more)
{
    expect_n (s, str, strlen (str), more);
}

/* Receives a string and compares it; 0 when it is `want`, else -1. */
static inline int recv_is (void *s, const char *want)
{
    char buf[256];
    int n = zmq_recv (s, buf, sizeof buf - 1, 0);
    if (n < 0) {
        fprintf (stderr, "recv failed: %s (wanted '%s')\n",
                 zmq_strerror (zmq_errno ()), want);
        return -1;
    }
    buf[n < (int) sizeof buf - 1 ? n : (int) sizeof buf - 1] = 0;
    if (strcmp (buf, want) != 0) {
        fprintf (stderr, "received '%s', wanted '%s'\n", buf, want);
        return -1;
    }
    return 0;
}

/* ---- bounded waits --------------------------------------------------- */

/* How many of `s`'s messages are readable within `ms` (0 or 1; checked). */
static inline int readable (void *s, long ms)
{
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    int r = zmq_poll (&it, 1, ms);
    CHECK (r >= 0);
    return r;
}

/* True when nothing arrives on `s` within `ms`. */
static inline int quiet (void *s, long ms)
{
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    return zmq_poll (&it, 1, ms) == 0;
}

/* Nothing more to read (everything sent over inproc is already queued). */
static inline void expect_nothing (void *s)
{
    CHECK (readable (s, 50) == 0);
}

/* Reads and drops whatever arrives until `s` is quiet for 20 ms. */
static inline void drain (void *s)
{
    char buf[256];
    while (readable (s, 20))
        CHECK (zmq_recv (s, buf, sizeof buf, 0) >= 0);
}

/* PUB learns subscriptions asynchronously: publish `topic` until `sub`
   sees it, then drop the copies. */
static inline void sync_sub (void *pub, void *sub, const char *topic)
{
    for (int i = 0; i < 1000; i++) {
        send_s (pub, topic, 0);
        if (readable (sub, 10)) {
            drain (sub);
            return;
        }
    }
    CHECK (!"subscription never reached the publisher");
}

/* ---- monitor events -------------------------------------------------- */

/* Starts a monitor of `s` on `addr` and returns the connected PAIR that
 * receives its events (with a receive time-out), or NULL. */
static inline void *monitor_of (void *ctx, void *s, const char *addr,
                                int events)
{
    if (zmq_socket_monitor (s, addr, events) != 0)
        return NULL;
    void *mon = zmq_socket (ctx, ZMQ_PAIR);
    if (!mon)
        return NULL;
    set_int (mon, ZMQ_RCVTIMEO, TU_WAIT_MS);
    set_int (mon, ZMQ_LINGER, 0);
    if (zmq_connect (mon, addr) != 0) {
        zmq_close (mon);
        return NULL;
    }
    return mon;
}

/* Reads one two-frame event (6 bytes: uint16 event + uint32 value in host
 * order, then the endpoint); returns its number and sets *value and ep
 * (either may be NULL), or -1 on time-out or a bad format. */
static inline int read_event (void *mon, uint32_t *value, char *ep,
                              size_t eplen)
{
    unsigned char head[16];
    int more = 0;
    size_t sz = sizeof more;
    int n = zmq_recv (mon, head, sizeof head, 0);
    if (n != 6) {
        if (n >= 0)
            fprintf (stderr, "event frame 1 has %d bytes, expected 6\n", n);
        return -1;
    }
    if (zmq_getsockopt (mon, ZMQ_RCVMORE, &more, &sz) != 0 || !more) {
        fprintf (stderr, "event has no second frame\n");
        return -1;
    }
    uint16_t event;
    uint32_t v;
    memcpy (&event, head, 2);
    memcpy (&v, head + 2, 4);
    char tmp[512];
    n = zmq_recv (mon, tmp, sizeof tmp - 1, 0);
    if (n < 0 || n >= (int) sizeof tmp)
        return -1;
    tmp[n] = 0;
    if (zmq_getsockopt (mon, ZMQ_RCVMORE, &more, &sz) != 0 || more) {
        fprintf (stderr, "event has more than two frames\n");
        return -1;
    }
    if (value)
        *value = v;
    if (ep) {
        strncpy (ep, tmp, eplen - 1);
        ep[eplen - 1] = 0;
    }
    return event;
}

/* Reads events until `event` arrives (others are skipped); returns it, or
 * -1 when the monitor times out first. */
static inline int wait_event (void *mon, int event, uint32_t *value, char *ep,
                              size_t eplen)
{
    for (;;) {
        int ev = read_event (mon, value, ep, eplen);
        if (ev < 0 || ev == event)
            return ev;
    }
}

/* The next event of `mon` must be EV; its value and endpoint land in the
 * caller's `value` (uint32_t) and `ep` (char array). */
#define EXPECT_EVENT(mon, EV, value, ep)                                       \
    do {                                                                       \
        int ev_ = read_event (mon, &(value), ep, sizeof ep);                   \
        if (ev_ != (EV)) {                                                     \
            fprintf (stderr, "%s:%d: got event 0x%x (value %u, '%s'), "       \
                     "expected %s\n", __FILE__, __LINE__, ev_, (value), ep,   \
                     #EV);                                                     \
            exit (1);                                                          \
        }                                                                      \
    } while (0)

/* ---- plain TCP (BSD sockets) on 127.0.0.1 ----------------------------- */

static inline struct sockaddr_in loopback (int port)
{
    struct sockaddr_in a;
    memset (&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons ((unsigned short) port);
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    return a;
}

/* A UDP port on 127.0.0.1 nobody uses now (the kernel's pick, released). */
static inline int free_udp_port (void)
{
    int fd = socket (AF_INET, SOCK_DGRAM, 0);
    CHECK (fd >= 0);
    struct sockaddr_in a = loopback (0);
    CHECK (bind (fd, (struct sockaddr *) &a, sizeof a) == 0);
    socklen_t len = sizeof a;
    CHECK (getsockname (fd, (struct sockaddr *) &a, &len) == 0);
    close (fd);
    return ntohs (a.sin_port);
}

/* A TCP socket bound (not listening) to a free loopback port, stored in
 * *port: connections to it are refused while it stays open, and closing it
 * frees the port. Returns the fd (checked). */
static inline int hold_port (int *port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    CHECK (fd >= 0);
    struct sockaddr_in a = loopback (0);
    socklen_t len = sizeof a;
    CHECK (bind (fd, (struct sockaddr *) &a, sizeof a) == 0);
    CHECK (getsockname (fd, (struct sockaddr *) &a, &len) == 0);
    *port = ntohs (a.sin_port);
    return fd;
}

/* A plain TCP listener on 127.0.0.1 (ephemeral port in *port; checked). */
static inline int tcp_listener (int *port)
{
    int fd = hold_port (port);
    CHECK (listen (fd, 8) == 0);
    return fd;
}

/* A plain TCP client connected to 127.0.0.1:port (checked). */
static inline int tcp_client (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback (port);
    CHECK (fd >= 0);
    CHECK (connect (fd, (struct sockaddr *) &a, sizeof a) == 0);
    return fd;
}

/* Like tcp_client, but with a receive time-out; -1 on failure. */
static inline int raw_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = loopback (port);
    if (connect (fd, (struct sockaddr *) &a, sizeof a) != 0) {
        close (fd);
        return -1;
    }
    struct timeval tv = {TU_WAIT_MS / 1000, 0};
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* Reads exactly n bytes from a raw socket; 0 on success. */
static inline int raw_read_n (int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read (fd, buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t) r;
    }
    return 0;
}

static inline void write_all (int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write (fd, p, len);
        CHECK (n > 0);
        p += n;
        len -= (size_t) n;
    }
}

/* Waits (at most 5 s) for `fd` to be readable, polling the zmq socket too
   so that it keeps processing its commands (libzmq needs that for a close
   requested with an empty message to complete). */
static inline void wait_fd (void *s, int fd)
{
    for (int i = 0; i < 50; i++) {
        zmq_pollitem_t items[2] = {{s, 0, ZMQ_POLLIN, 0},
                                   {NULL, fd, ZMQ_POLLIN, 0}};
        CHECK (zmq_poll (items, 2, 100) >= 0);
        if (items[1].revents)
            return;
    }
    CHECK (!"fd never became readable");
}

/* Reads from `fd` until `want` bytes arrived or EOF; returns the count. */
static inline size_t read_upto (void *s, int fd, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        wait_fd (s, fd);
        ssize_t n = read (fd, buf + got, want - got);
        CHECK (n >= 0);
        if (n == 0)
            break;
        got += (size_t) n;
    }
    return got;
}

/* ---- ZMQ_STREAM messages --------------------------------------------- */

/* Receives one STREAM message: [id][data]. Returns the data length. */
static inline int recv_stream (void *s, char *id, size_t *id_len, char *data,
                               size_t cap)
{
    int n = zmq_recv (s, id, 256, 0);
    CHECK (n > 0);
    *id_len = (size_t) n;
    CHECK (more_flag (s) == 1);
    n = zmq_recv (s, data, cap, 0);
    CHECK (n >= 0 && (size_t) n <= cap);
    CHECK (more_flag (s) == 0);
    return n;
}

/* Sends [id][data] (data may be empty: close the connection). */
static inline void send_stream (void *s, const char *id, size_t id_len,
                                const void *data, size_t len)
{
    CHECK (zmq_send (s, id, id_len, ZMQ_SNDMORE) == (int) id_len);
    CHECK (zmq_send (s, data, len, 0) == (int) len);
}

/* ---- threads ---------------------------------------------------------- */

/* Starts fn(arg) on a new thread with zmq_threadstart (checked); end it
 * with zmq_threadclose. */
static inline void *start_thread (void (*fn) (void *), void *arg)
{
    void *t = zmq_threadstart (fn, arg);
    CHECK (t != NULL);
    return t;
}

/* A proxy run on its own thread (start_thread (run_proxy, &job)):
 * zmq_device (device_type, front, back) when device_type is set, else
 * zmq_proxy_steerable (front, back, cap, ctl) when `steerable`, else
 * zmq_proxy (front, back, cap). rc and err get the result and errno; with
 * `close_after` the thread then closes front and back. */
struct proxy_job
{
    void *front, *back, *cap, *ctl;
    int device_type, steerable, close_after;
    int rc, err;
};

static inline void run_proxy (void *arg)
{
    struct proxy_job *p = (struct proxy_job *) arg;
    if (p->device_type)
        p->rc = zmq_device (p->device_type, p->front, p->back);
    else if (p->steerable)
        p->rc = zmq_proxy_steerable (p->front, p->back, p->cap, p->ctl);
    else
        p->rc = zmq_proxy (p->front, p->back, p->cap);
    p->err = zmq_errno ();
    if (p->close_after) {
        zmq_close (p->front);
        zmq_close (p->back);
    }
}

#ifdef ZMQ_BUILD_DRAFT_API
/* DRAFT: sends `data` as one message of `group` (RADIO). */
static inline void send_group (void *s, const char *group, const char *data)
{
    zmq_msg_t m;
    CHECK (zmq_msg_init_size (&m, strlen (data)) == 0);
    memcpy (zmq_msg_data (&m), data, strlen (data));
    CHECK (zmq_msg_set_group (&m, group) == 0);
    CHECK (zmq_msg_send (&m, s, 0) == (int) strlen (data));
}

/* DRAFT: the next message must be `data` in `group` (DISH). */
static inline void expect_group (void *s, const char *group, const char *data)
{
    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    int n = zmq_msg_recv (&m, s, 0);
    CHECK (n == (int) strlen (data));
    CHECK (memcmp (zmq_msg_data (&m), data, n) == 0);
    CHECK_STR (zmq_msg_group (&m), group);
    zmq_msg_close (&m);
}

/* DRAFT: RADIO `radio` sends to group "g" until DISH `dish` (joined to
   it) has a message, then drops the extras (udp sockets open, and join,
   on the I/O thread after zmq_bind/zmq_connect return). */
static inline void sync_radio (void *radio, void *dish)
{
    int got = 0;
    for (int i = 0; i < 500 && !got; i++) {
        send_group (radio, "g", "sync");
        got = readable (dish, 10);
    }
    CHECK (got);
    drain (dish);
}

/* DRAFT: DGRAM `from` sends `body` to the address `to` until DGRAM `at`
   has a datagram (udp sockets open on the I/O thread after zmq_bind
   returns, and a datagram sent before is lost). */
static inline void dgram_ping (void *from, const char *to, const char *body,
                               void *at)
{
    int got = 0;
    for (int i = 0; i < 500 && !got; i++) {
        send_s (from, to, ZMQ_SNDMORE);
        send_s (from, body, 0);
        got = readable (at, 10);
    }
    CHECK (got);
}
#endif

#endif
