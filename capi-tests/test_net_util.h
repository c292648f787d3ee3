/* Helpers shared by the capi-tests/test_net_*.c tests (tcp and ipc).
 * Every helper is `static inline` so a test that does not use one compiles
 * without warnings. Waits are bounded (a monitor or a socket with a
 * receive time-out); nothing sleeps to synchronise. */
#ifndef TEST_NET_UTIL_H
#define TEST_NET_UTIL_H

#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <zmq.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK(c)                                                               \
    do {                                                                       \
        if (!(c)) {                                                            \
            fprintf (stderr, "%s:%d: check failed: %s (errno %d: %s)\n",       \
                     __FILE__, __LINE__, #c, zmq_errno (),                     \
                     zmq_strerror (zmq_errno ()));                             \
            return 1;                                                          \
        }                                                                      \
    } while (0)

/* Default bound on every wait, in milliseconds. */
#define NET_WAIT_MS 5000

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

static inline int set_int (void *s, int opt, int v)
{
    return zmq_setsockopt (s, opt, &v, sizeof v);
}

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
    set_int (mon, ZMQ_RCVTIMEO, NET_WAIT_MS);
    set_int (mon, ZMQ_LINGER, 0);
    if (zmq_connect (mon, addr) != 0) {
        zmq_close (mon);
        return NULL;
    }
    return mon;
}

/* Reads one event; returns its number, or -1 (time-out or bad format). */
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
    if (zmq_getsockopt (mon, ZMQ_RCVMORE, &more, &sz) != 0 || !more)
        return -1;
    uint16_t event;
    uint32_t v;
    memcpy (&event, head, 2);
    memcpy (&v, head + 2, 4);
    char tmp[512];
    n = zmq_recv (mon, tmp, sizeof tmp - 1, 0);
    if (n < 0 || n >= (int) sizeof tmp)
        return -1;
    tmp[n] = 0;
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

/* True when nothing arrives on `s` within `ms`. */
static inline int quiet (void *s, long ms)
{
    zmq_pollitem_t it = {s, 0, ZMQ_POLLIN, 0};
    return zmq_poll (&it, 1, ms) == 0;
}

/* Sends a string; 0 on success. */
static inline int send_str (void *s, const char *str, int flags)
{
    int n = zmq_send (s, str, strlen (str), flags);
    return n == (int) strlen (str) ? 0 : -1;
}

/* Receives a string and compares it; 0 when it is `want`. */
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

/* A plain blocking BSD tcp socket connected to 127.0.0.1:port, or -1. */
static inline int raw_connect (int port)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a;
    memset (&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons ((unsigned short) port);
    a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    if (connect (fd, (struct sockaddr *) &a, sizeof a) != 0) {
        close (fd);
        return -1;
    }
    struct timeval tv = {NET_WAIT_MS / 1000, 0};
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

#endif
