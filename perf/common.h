/* Shared helpers for the perf programs: error exits, clocks, the library
 * banner, and the options both libraries get identically (never tune one
 * side).  Public libzmq API only (<zmq.h>, the system header). */
#ifndef ZBENCH_COMMON_H
#define ZBENCH_COMMON_H

#define _GNU_SOURCE
#include <zmq.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIE(what)                                                          \
    do {                                                                   \
        fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, (what),     \
                zmq_strerror(zmq_errno()));                                \
        exit(2);                                                           \
    } while (0)

#define CHECK(expr)                                                        \
    do {                                                                   \
        if ((expr) < 0) DIE(#expr);                                        \
    } while (0)

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Print which libzmq the loader gave us (ours reports 4.3.5, Debian's 4.3.4).
 * The runner checks this line so a wrong LD_LIBRARY_PATH can't go unnoticed. */
static inline void banner(const char *prog)
{
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    fprintf(stderr, "%s: libzmq %d.%d.%d\n", prog, major, minor, patch);
    printf("LIB %d.%d.%d\n", major, minor, patch);
}

/* Identical settings for both libraries: default I/O threads (1), HWM 1000
 * (libzmq's default, set explicitly so both agree), OS default buffers.
 * 30 s send/receive timeouts so a dead peer ends a run (DIE) instead of
 * blocking it forever; no healthy run comes near them. */
#define BENCH_HWM 1000

static inline void common_opts(void *s)
{
    int hwm = BENCH_HWM;
    CHECK(zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm));
    CHECK(zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm));
    int tmo = 30000;
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &tmo, sizeof tmo));
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo));
}

/* ZBENCH_CURVE=1: the measured sockets speak CURVE, the binding side as
 * server, the connecting side as client, with the key pairs of the
 * zmq_curve(7) manual page (fixed, so both libraries see the same keys).
 * No ZAP handler: every client with a valid vouch is accepted, on both. */
#define CURVE_SERVER_PUBLIC "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
#define CURVE_SERVER_SECRET "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"
#define CURVE_CLIENT_PUBLIC "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
#define CURVE_CLIENT_SECRET "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"

static inline int curve_on(void)
{
    const char *v = getenv("ZBENCH_CURVE");
    return v && *v && strcmp(v, "0") != 0;
}

static inline void curve_opts(void *s, int server)
{
    if (!curve_on())
        return;
    if (server) {
        int one = 1;
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SERVER, &one, sizeof one));
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, CURVE_SERVER_SECRET, 40));
    } else {
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SERVERKEY, CURVE_SERVER_PUBLIC, 40));
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_PUBLICKEY, CURVE_CLIENT_PUBLIC, 40));
        CHECK(zmq_setsockopt(s, ZMQ_CURVE_SECRETKEY, CURVE_CLIENT_SECRET, 40));
    }
}

static inline void *new_ctx(void)
{
    void *ctx = zmq_ctx_new();
    if (!ctx) DIE("zmq_ctx_new");
    CHECK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 1));
    return ctx;
}

static inline long parse_long(const char *s, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 0) {
        fprintf(stderr, "bad %s: %s\n", what, s);
        exit(2);
    }
    return v;
}

/* Receive exactly one message part into msg; returns its size. */
static inline size_t recv_part(void *s, zmq_msg_t *msg)
{
    int rc = zmq_msg_recv(msg, s, 0);
    if (rc < 0) DIE("zmq_msg_recv");
    return (size_t) rc;
}

/* Send size bytes as one part with the given flags.  The whole payload is
 * written, as a real application would: otherwise a library that leaves
 * zmq_msg_init_size memory untouched would queue never-faulted pages and
 * look smaller in RSS than it would be in use. */
static inline void send_part(void *s, size_t size, int flags)
{
    zmq_msg_t msg;
    CHECK(zmq_msg_init_size(&msg, size));
    if (size) memset(zmq_msg_data(&msg), 'x', size);
    if (zmq_msg_send(&msg, s, flags) < 0) DIE("zmq_msg_send");
}

#endif
