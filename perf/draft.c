/* draft: the DRAFT socket types, compiled against a draft-enabled zmq.h
 * (ZMQ_BUILD_DRAFT_API).  One program, two roles: the bind side and the
 * connect side, as two processes (tcp, ipc) or two threads of one process
 * sharing a context (ROLE "both", inproc).  A PAIR on ACK_ENDPOINT (bound
 * by the bind side) carries the "all received" ack, so that the sender need
 * not rely on ZMQ_LINGER.
 *   usage: draft MODE bind|connect|both ENDPOINT ACK_ENDPOINT SIZE COUNT
 * MODE:
 *   cs  CLIENT (connect) -> SERVER (bind) throughput; the SERVER times
 *   sc  SERVER (bind) -> CLIENT (connect) throughput, addressed by the
 *       routing id of a hello the CLIENT sent first; the CLIENT times
 *   rd  RADIO (connect) -> DISH (bind, joined to the group) throughput.
 *       The RADIO sets ZMQ_XPUB_NODROP (libzmq's RADIO takes it), so a full
 *       pipe makes it wait instead of dropping, as PUSH does; the DISH
 *       reports what it received per second between its first message
 *       and the first end marker (sent right after the last), and how
 *       many it got.  The RADIO sends empty probes until
 *       the DISH acks one (its JOIN has arrived), then COUNT messages, then
 *       1-byte end markers until the DISH acks.
 *   ru  RADIO sending to a group nobody joined (a DISH is connected and
 *       joined to another group): the RADIO's send rate; nothing reaches
 *       the wire
 *   lat CLIENT <-> SERVER round trips; the CLIENT reports half the mean
 *       round trip in µs (the first excluded) */
#define ZMQ_BUILD_DRAFT_API
#include "common.h"
#include <pthread.h>

static void *ctx;
static const char *mode, *ep, *ackep;
static size_t size;
static long count;

static void *sock(int type)
{
    void *s = zmq_socket(ctx, type);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    return s;
}

static void send_sized(void *s, size_t n, const char *group, uint32_t rid)
{
    zmq_msg_t msg;
    CHECK(zmq_msg_init_size(&msg, n));
    if (n) memset(zmq_msg_data(&msg), 'x', n);
    if (group) CHECK(zmq_msg_set_group(&msg, group));
    if (rid) CHECK(zmq_msg_set_routing_id(&msg, rid));
    if (zmq_msg_send(&msg, s, 0) < 0) DIE("zmq_msg_send");
}

static void result_thr(long got, double t0, double t1)
{
    double secs = t1 - t0;
    double n = got > 1 ? (double) (got - 1) : 1.0;
    if (secs <= 0) secs = 1e-9;
    printf("RESULT thr msgs=%ld size=%zu secs=%.6f msgps=%.1f mbps=%.3f got=%ld\n",
           count, size, secs, n / secs, n * (double) size / secs / 1e6, got);
    fflush(stdout);
}

/* Receives COUNT messages of SIZE bytes (skipping empty ones), timing
 * first->last. */
static void recv_count(void *s, zmq_msg_t *msg)
{
    double t0 = 0;
    for (long i = 0; i < count;) {
        size_t got = recv_part(s, msg);
        if (got == 0) continue;
        if (got != size) { fprintf(stderr, "%zu bytes, expected %zu\n", got, size); exit(1); }
        if (i == 0) t0 = now_s();
        i++;
    }
    result_thr(count, t0, now_s());
}

static void bind_side(void)
{
    void *ack = zmq_socket(ctx, ZMQ_PAIR);
    if (!ack) DIE("zmq_socket");
    CHECK(zmq_bind(ack, ackep));
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    void *s;
    if (!strcmp(mode, "cs")) {
        s = sock(ZMQ_SERVER);
        CHECK(zmq_bind(s, ep));
        printf("BOUND\n"); fflush(stdout);
        recv_count(s, &msg);
        send_part(ack, 1, 0);
    } else if (!strcmp(mode, "sc")) {
        s = sock(ZMQ_SERVER);
        CHECK(zmq_bind(s, ep));
        printf("BOUND\n"); fflush(stdout);
        recv_part(s, &msg); /* hello */
        uint32_t rid = zmq_msg_routing_id(&msg);
        for (long i = 0; i < count; i++) send_sized(s, size, NULL, rid);
        recv_part(ack, &msg);
    } else if (!strcmp(mode, "rd") || !strcmp(mode, "ru")) {
        s = sock(ZMQ_DISH);
        CHECK(zmq_join(s, "g"));
        CHECK(zmq_bind(s, ep));
        printf("BOUND\n"); fflush(stdout);
        int acked = 0;
        long got = 0;
        double t0 = 0, t1 = 0;
        for (;;) {
            size_t n = recv_part(s, &msg);
            if (n == 0) { /* probe: the JOIN has arrived */
                if (!acked) { send_part(ack, 0, 0); acked = 1; }
                if (!strcmp(mode, "ru")) break;
                continue;
            }
            if (n == 1) { t1 = now_s(); break; } /* end marker, sent right after the last */
            if (got == 0) t0 = now_s();
            got++;
        }
        if (!strcmp(mode, "rd")) result_thr(got, t0, t1);
        send_part(ack, 1, 0);
    } else if (!strcmp(mode, "lat")) {
        s = sock(ZMQ_SERVER);
        CHECK(zmq_bind(s, ep));
        printf("BOUND\n"); fflush(stdout);
        for (long i = 0; i < count; i++) {
            recv_part(s, &msg);
            if (zmq_msg_send(&msg, s, 0) < 0) DIE("zmq_msg_send"); /* keeps its routing id */
        }
    } else { fprintf(stderr, "bad mode %s\n", mode); exit(2); }
    zmq_msg_close(&msg);
    zmq_close(s);
    zmq_close(ack);
}

static void connect_side(void)
{
    void *ack = zmq_socket(ctx, ZMQ_PAIR);
    if (!ack) DIE("zmq_socket");
    CHECK(zmq_connect(ack, ackep));
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    void *s;
    if (!strcmp(mode, "cs")) {
        s = sock(ZMQ_CLIENT);
        CHECK(zmq_connect(s, ep));
        for (long i = 0; i < count; i++) send_sized(s, size, NULL, 0);
        recv_part(ack, &msg);
    } else if (!strcmp(mode, "sc")) {
        s = sock(ZMQ_CLIENT);
        CHECK(zmq_connect(s, ep));
        send_sized(s, 0, NULL, 0);
        recv_count(s, &msg);
        send_part(ack, 1, 0);
    } else if (!strcmp(mode, "rd") || !strcmp(mode, "ru")) {
        s = sock(ZMQ_RADIO);
        int one = 1;
        CHECK(zmq_setsockopt(s, ZMQ_XPUB_NODROP, &one, sizeof one));
        CHECK(zmq_connect(s, ep));
        zmq_pollitem_t it = {ack, 0, ZMQ_POLLIN, 0};
        do send_sized(s, 0, "g", 0); /* probes until the DISH has joined */
        while (zmq_poll(&it, 1, 1) == 0);
        recv_part(ack, &msg);
        if (!strcmp(mode, "ru")) {
            double t0 = now_s();
            for (long i = 0; i < count; i++) send_sized(s, size, "other", 0);
            double t1 = now_s();
            count++; /* result_thr reports count-1 intervals */
            result_thr(count, t0, t1);
            count--;
        } else {
            for (long i = 0; i < count; i++) send_sized(s, size, "g", 0);
            do send_sized(s, 1, "g", 0); /* end markers until acked */
            while (zmq_poll(&it, 1, 1) == 0);
        }
        recv_part(ack, &msg);
    } else if (!strcmp(mode, "lat")) {
        s = sock(ZMQ_CLIENT);
        CHECK(zmq_connect(s, ep));
        double t0 = 0;
        for (long i = 0; i < count; i++) {
            if (i == 1) t0 = now_s();
            send_sized(s, size, NULL, 0);
            size_t got = recv_part(s, &msg);
            if (got != size) { fprintf(stderr, "reply %ld: %zu bytes\n", i, got); exit(1); }
        }
        double secs = now_s() - t0;
        printf("RESULT lat msgs=%ld size=%zu secs=%.6f usec=%.3f\n", count - 1, size,
               secs, secs / (double) (count - 1) / 2.0 * 1e6);
    } else { fprintf(stderr, "bad mode %s\n", mode); exit(2); }
    zmq_msg_close(&msg);
    zmq_close(s);
    zmq_close(ack);
}

static void *connect_thread(void *arg)
{
    (void) arg;
    connect_side();
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: draft cs|sc|rd|ru|lat bind|connect|both ENDPOINT ACK_ENDPOINT SIZE COUNT\n");
        return 2;
    }
    mode = argv[1];
    ep = argv[3];
    ackep = argv[4];
    size = (size_t) parse_long(argv[5], "size");
    count = parse_long(argv[6], "count");
    if (count < 2) count = 2;
    if (size < 2 && strcmp(mode, "lat") != 0) { fprintf(stderr, "size must be >= 2\n"); return 2; }
    banner("draft");
    ctx = new_ctx();
    if (!strcmp(argv[2], "bind")) bind_side();
    else if (!strcmp(argv[2], "connect")) connect_side();
    else { /* both: bind first (inproc needs it), then the peer thread */
        /* inproc connects before the bind are allowed by both libraries */
        pthread_t th;
        if (pthread_create(&th, NULL, connect_thread, NULL) != 0) { perror("pthread_create"); return 2; }
        bind_side();
        pthread_join(th, NULL);
    }
    zmq_ctx_term(ctx);
    return 0;
}
