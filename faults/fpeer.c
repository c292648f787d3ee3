/* fpeer: one end of a fault scenario (faults/run.sh drives it).
 *
 * Built against /usr/include/zmq.h, so the same binary runs on Debian's
 * libzmq and on ours (LD_LIBRARY_PATH picks the library). It sends or
 * receives numbered messages and writes one line per event to stdout,
 * line-buffered, each stamped with CLOCK_MONOTONIC in milliseconds (the
 * clock the runner's time.monotonic() reads, so both share one time line):
 *
 *   <ms> UP <version>          the socket is set up (bound or connecting)
 *   <ms> EV <name> <value>     a monitor event of the socket
 *   <ms> TX <seq>              <seq> was accepted by zmq_send
 *   <ms> RX <seq>              <seq> arrived (a request, a message, an echo)
 *   <ms> REPLY <seq>           a REQ got the reply to its request <seq>
 *   <ms> MISMATCH <got> <want> a REQ got a reply that is not to its request
 *   <ms> DONE <sent>           a sender has sent everything
 *
 * usage: fpeer ROLE ENDPOINT bind|connect [key=value...]
 *   ROLE: push pull dealer router xpub sub req rep storm
 *   n=1600 ivl=5 (ms between sends) hb=200 hbto=1000 hbttl=1000
 *   hwm=1000 (SNDHWM and RCVHWM) reqto=500 (REQ: retry after, ms)
 *   pause_at=-1 pause=0 (a receiver stops reading at message pause_at for
 *   pause ms) size=8 (bytes per message, >= 8) clients=1000 (storm)
 *   rivl=100 (ZMQ_RECONNECT_IVL)
 * A receiver runs until SIGTERM; a sender exits after sending n and a grace
 * of linger= ms (default 3000) during which it still logs events.
 *
 * storm: `clients` DEALERs in one process connect to one ROUTER (role
 * router, which echoes); each sends "<i>" and resends every reqto ms
 * until its echo arrives. Lines: "<ms> ALL <round>" when every client has
 * its echo; on SIGUSR1 a new round starts (every client sends again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static volatile sig_atomic_t stop_flag, round_flag;
static void on_term(int s) { (void)s; stop_flag = 1; }
static void on_usr1(int s) { (void)s; round_flag = 1; }

static long n = 1600, ivl = 5, hb = 200, hbto = 1000, hbttl = 1000, hwm = 1000,
            reqto = 500, pause_at = -1, pause_ms = 0, size = 8, clients = 1000,
            linger_ms = 3000, rivl = 100;

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void die(const char *what) {
    fprintf(stderr, "fpeer: %s: %s\n", what, zmq_strerror(zmq_errno()));
    exit(2);
}

static const char *event_name(unsigned e) {
    switch (e) {
    case ZMQ_EVENT_CONNECTED: return "CONNECTED";
    case ZMQ_EVENT_CONNECT_DELAYED: return "CONNECT_DELAYED";
    case ZMQ_EVENT_CONNECT_RETRIED: return "CONNECT_RETRIED";
    case ZMQ_EVENT_LISTENING: return "LISTENING";
    case ZMQ_EVENT_BIND_FAILED: return "BIND_FAILED";
    case ZMQ_EVENT_ACCEPTED: return "ACCEPTED";
    case ZMQ_EVENT_ACCEPT_FAILED: return "ACCEPT_FAILED";
    case ZMQ_EVENT_CLOSED: return "CLOSED";
    case ZMQ_EVENT_CLOSE_FAILED: return "CLOSE_FAILED";
    case ZMQ_EVENT_DISCONNECTED: return "DISCONNECTED";
    case ZMQ_EVENT_MONITOR_STOPPED: return "MONITOR_STOPPED";
    case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: return "HANDSHAKE_FAILED_NO_DETAIL";
    case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: return "HANDSHAKE_SUCCEEDED";
    case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: return "HANDSHAKE_FAILED_PROTOCOL";
    case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: return "HANDSHAKE_FAILED_AUTH";
    default: return "OTHER";
    }
}

/* reads every pending monitor event and logs it */
static void drain_monitor(void *mon) {
    for (;;) {
        zmq_msg_t a, b;
        zmq_msg_init(&a);
        if (zmq_msg_recv(&a, mon, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&a);
            return;
        }
        uint16_t ev = 0;
        uint32_t val = 0;
        if (zmq_msg_size(&a) >= 6) {
            memcpy(&ev, zmq_msg_data(&a), 2);
            memcpy(&val, (char *)zmq_msg_data(&a) + 2, 4);
        }
        zmq_msg_close(&a);
        zmq_msg_init(&b); /* the endpoint frame */
        zmq_msg_recv(&b, mon, 0);
        zmq_msg_close(&b);
        printf("%ld EV %s %u\n", now_ms(), event_name(ev), val);
    }
}

static void set_int(void *s, int opt, long v) {
    int x = (int)v;
    if (zmq_setsockopt(s, opt, &x, sizeof x) != 0) die("zmq_setsockopt");
}

static void *make_socket(void *ctx, int type, void **mon, const char *tag) {
    void *s = zmq_socket(ctx, type);
    if (!s) die("zmq_socket");
    set_int(s, ZMQ_HEARTBEAT_IVL, hb);
    set_int(s, ZMQ_HEARTBEAT_TIMEOUT, hbto);
    set_int(s, ZMQ_HEARTBEAT_TTL, hbttl);
    set_int(s, ZMQ_SNDHWM, hwm);
    set_int(s, ZMQ_RCVHWM, hwm);
    set_int(s, ZMQ_RECONNECT_IVL, rivl);
    set_int(s, ZMQ_LINGER, 0);
    if (mon) {
        char ep[64];
        snprintf(ep, sizeof ep, "inproc://mon-%s", tag);
        if (zmq_socket_monitor(s, ep, ZMQ_EVENT_ALL) != 0) die("zmq_socket_monitor");
        *mon = zmq_socket(ctx, ZMQ_PAIR);
        if (!*mon || zmq_connect(*mon, ep) != 0) die("monitor connect");
    }
    return s;
}

static void attach(void *s, const char *ep, int bind) {
    if ((bind ? zmq_bind(s, ep) : zmq_connect(s, ep)) != 0) die(bind ? "zmq_bind" : "zmq_connect");
}

static void payload(char *buf, long seq) {
    memset(buf, '.', (size_t)size);
    char tmp[32];
    int k = snprintf(tmp, sizeof tmp, "%ld", seq);
    memcpy(buf, tmp, (size_t)k);
    buf[k] = ' ';
}

/* waits up to `ms` for input on s (or only for monitor events if s is
 * NULL), logging events; returns 1 if s is readable */
static int wait_input(void *s, void *mon, long ms) {
    zmq_pollitem_t it[2] = {{mon, 0, ZMQ_POLLIN, 0}, {s, 0, ZMQ_POLLIN, 0}};
    int rc = zmq_poll(it, s ? 2 : 1, ms < 0 ? 0 : ms);
    if (rc < 0 && zmq_errno() != EINTR) die("zmq_poll");
    drain_monitor(mon);
    return rc > 0 && s && (it[1].revents & ZMQ_POLLIN);
}

/* receives one message (all frames); returns the leading number of its
 * last frame, -1 if none; for a ROUTER the routing id goes to *rid */
static long recv_seq(void *s, zmq_msg_t *rid, int want_rid) {
    long seq = -1;
    int more = 1, first = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&m);
            return seq;
        }
        more = zmq_msg_more(&m);
        if (first && want_rid) {
            zmq_msg_copy(rid, &m);
        } else if (zmq_msg_size(&m) > 0) {
            char tmp[32] = {0};
            size_t k = zmq_msg_size(&m) < 31 ? zmq_msg_size(&m) : 31;
            memcpy(tmp, zmq_msg_data(&m), k);
            seq = strtol(tmp, NULL, 10);
        }
        first = 0;
        zmq_msg_close(&m);
    }
    return seq;
}

static int receiver(void *ctx, int type, const char *ep, int bind) {
    void *mon;
    void *s = make_socket(ctx, type, &mon, "r");
    if (type == ZMQ_SUB) zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
    attach(s, ep, bind);
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("%ld UP %d.%d.%d\n", now_ms(), major, minor, patch);
    long count = 0, paused_until = 0;
    char *buf = malloc((size_t)size + 32);
    while (!stop_flag) {
        if (paused_until) {
            wait_input(NULL, mon, paused_until - now_ms());
            if (now_ms() >= paused_until) paused_until = 0;
            continue;
        }
        if (!wait_input(s, mon, 100)) continue;
        for (;;) {
            zmq_msg_t rid;
            zmq_msg_init(&rid);
            long seq = recv_seq(s, &rid, type == ZMQ_ROUTER);
            if (seq < 0) {
                zmq_msg_close(&rid);
                break;
            }
            printf("%ld RX %ld\n", now_ms(), seq);
            count++;
            if (type == ZMQ_REP || type == ZMQ_ROUTER) {
                /* echo: a REP must reply; a ROUTER answers its sender */
                payload(buf, seq);
                if (type == ZMQ_ROUTER) zmq_msg_send(&rid, s, ZMQ_SNDMORE | ZMQ_DONTWAIT);
                zmq_send(s, buf, (size_t)size, ZMQ_DONTWAIT);
            }
            zmq_msg_close(&rid);
            if (pause_at >= 0 && count == pause_at + 1) {
                printf("%ld PAUSE %ld\n", now_ms(), pause_ms);
                paused_until = now_ms() + pause_ms;
                break;
            }
        }
    }
    drain_monitor(mon);
    printf("%ld END %ld\n", now_ms(), count);
    return 0;
}

/* sends 0..n-1, one every ivl ms; a send refused with EAGAIN is retried
 * at the next tick (so a full pipe delays, never skips, a number) */
static int sender(void *ctx, int type, const char *ep, int bind) {
    void *mon;
    void *s = make_socket(ctx, type, &mon, "s");
    if (type == ZMQ_REQ) {
        set_int(s, ZMQ_REQ_RELAXED, 1);
        set_int(s, ZMQ_REQ_CORRELATE, 1);
    }
    attach(s, ep, bind);
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("%ld UP %d.%d.%d\n", now_ms(), major, minor, patch);
    char *buf = malloc((size_t)size + 32);
    /* start when the peer is there: a handshake (xpub: its subscription) */
    for (int ready = 0; !ready && !stop_flag;) {
        zmq_pollitem_t it[2] = {{mon, 0, ZMQ_POLLIN, 0}, {s, 0, ZMQ_POLLIN, 0}};
        zmq_poll(it, type == ZMQ_XPUB ? 2 : 1, 100);
        if (type == ZMQ_XPUB) {
            drain_monitor(mon);
            zmq_msg_t rid;
            zmq_msg_init(&rid);
            if (it[1].revents & ZMQ_POLLIN) {
                recv_seq(s, &rid, 0);
                ready = 1;
            }
            zmq_msg_close(&rid);
        } else if (it[0].revents & ZMQ_POLLIN) {
            fflush(stdout);
            zmq_msg_t a, b;
            zmq_msg_init(&a);
            zmq_msg_init(&b);
            if (zmq_msg_recv(&a, mon, 0) >= 0 && zmq_msg_recv(&b, mon, 0) >= 0) {
                uint16_t ev;
                memcpy(&ev, zmq_msg_data(&a), 2);
                printf("%ld EV %s 0\n", now_ms(), event_name(ev));
                ready = ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
            }
            zmq_msg_close(&a);
            zmq_msg_close(&b);
        }
    }
    long seq = 0, next = now_ms(), sent_at = 0, waiting = -1;
    while (seq < n && !stop_flag) {
        long t = now_ms();
        if (t < next) {
            if (wait_input(type == ZMQ_XPUB ? NULL : s, mon, next - t)) {
                /* a reply (REQ) or an echo (DEALER); xpub: subscriptions */
                zmq_msg_t rid;
                zmq_msg_init(&rid);
                long r;
                while ((r = recv_seq(s, &rid, 0)) >= 0) {
                    if (type == ZMQ_REQ) {
                        if (r == waiting) {
                            printf("%ld REPLY %ld\n", now_ms(), r);
                            waiting = -1;
                            seq++;
                        } else {
                            printf("%ld MISMATCH %ld %ld\n", now_ms(), r, waiting);
                        }
                    } else {
                        printf("%ld RX %ld\n", now_ms(), r);
                    }
                }
                zmq_msg_close(&rid);
            }
            continue;
        }
        next = t + ivl;
        if (type == ZMQ_REQ) {
            if (waiting >= 0 && t - sent_at < reqto) continue;
            if (waiting >= 0) printf("%ld RETRY %ld\n", t, waiting);
        }
        payload(buf, seq);
        if (zmq_send(s, buf, (size_t)size, ZMQ_DONTWAIT) < 0) {
            if (zmq_errno() != EAGAIN) die("zmq_send");
            continue;
        }
        printf("%ld TX %ld\n", now_ms(), seq);
        if (type == ZMQ_REQ) {
            waiting = seq;
            sent_at = t;
        } else {
            seq++;
        }
    }
    printf("%ld DONE %ld\n", now_ms(), seq);
    long end = now_ms() + linger_ms;
    while (now_ms() < end && !stop_flag) {
        if (wait_input(type == ZMQ_DEALER ? s : NULL, mon, end - now_ms())) {
            zmq_msg_t rid;
            zmq_msg_init(&rid);
            long r;
            while ((r = recv_seq(s, &rid, 0)) >= 0) printf("%ld RX %ld\n", now_ms(), r);
            zmq_msg_close(&rid);
        }
    }
    printf("%ld END %ld\n", now_ms(), seq);
    return 0;
}

/* many DEALERs, one ROUTER: see the header */
static int storm(void *ctx, const char *ep) {
    zmq_ctx_set(ctx, ZMQ_MAX_SOCKETS, (int)clients + 16);
    void **s = calloc((size_t)clients, sizeof *s);
    zmq_pollitem_t *it = calloc((size_t)clients, sizeof *it);
    long *sent = calloc((size_t)clients, sizeof *sent);
    char *done = calloc((size_t)clients, 1);
    for (long i = 0; i < clients; i++) {
        s[i] = make_socket(ctx, ZMQ_DEALER, NULL, "");
        attach(s[i], ep, 0);
        it[i].socket = s[i];
        it[i].events = ZMQ_POLLIN;
    }
    int major, minor, patch;
    zmq_version(&major, &minor, &patch);
    printf("%ld UP %d.%d.%d\n", now_ms(), major, minor, patch);
    long round = 1, left = clients, resent = 0;
    char buf[32];
    round_flag = 1;
    while (!stop_flag) {
        long t = now_ms();
        if (round_flag) {
            round_flag = 0;
            if (left == 0) round++;
            left = clients;
            memset(done, 0, (size_t)clients);
            for (long i = 0; i < clients; i++) sent[i] = 0;
            printf("%ld ROUND %ld\n", t, round);
        }
        for (long i = 0; i < clients; i++) {
            if (done[i] || (sent[i] && t - sent[i] < reqto)) continue;
            if (sent[i]) resent++;
            int k = snprintf(buf, sizeof buf, "%ld", i);
            if (zmq_send(s[i], buf, (size_t)k, ZMQ_DONTWAIT) >= 0) sent[i] = t;
        }
        if (zmq_poll(it, (int)clients, 50) < 0 && zmq_errno() != EINTR) die("zmq_poll");
        for (long i = 0; i < clients; i++) {
            if (!(it[i].revents & ZMQ_POLLIN)) continue;
            zmq_msg_t rid;
            zmq_msg_init(&rid);
            long r;
            while ((r = recv_seq(s[i], &rid, 0)) >= 0) {
                if (r == i && !done[i]) {
                    done[i] = 1;
                    if (--left == 0) printf("%ld ALL %ld resent %ld\n", now_ms(), round, resent);
                }
            }
            zmq_msg_close(&rid);
        }
    }
    printf("%ld END %ld\n", now_ms(), clients - left);
    for (long i = 0; i < clients; i++) zmq_close(s[i]);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: fpeer ROLE ENDPOINT bind|connect [key=value...]\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 4; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) continue;
        *eq = 0;
        long v = strtol(eq + 1, NULL, 10);
        struct { const char *k; long *p; } keys[] = {
            {"n", &n}, {"ivl", &ivl}, {"hb", &hb}, {"hbto", &hbto}, {"hbttl", &hbttl},
            {"hwm", &hwm}, {"reqto", &reqto}, {"pause_at", &pause_at}, {"pause", &pause_ms},
            {"size", &size}, {"clients", &clients}, {"linger", &linger_ms}, {"rivl", &rivl}};
        int found = 0;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (!strcmp(argv[i], keys[k].k)) *keys[k].p = v, found = 1;
        if (!found) {
            fprintf(stderr, "fpeer: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (size < 8) size = 8;
    struct sigaction sa = {0};
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    void *ctx = zmq_ctx_new();
    const char *role = argv[1], *ep = argv[2];
    int bind = !strcmp(argv[3], "bind");
    int rc;
    if (!strcmp(role, "storm")) rc = storm(ctx, ep);
    else if (!strcmp(role, "push")) rc = sender(ctx, ZMQ_PUSH, ep, bind);
    else if (!strcmp(role, "dealer")) rc = sender(ctx, ZMQ_DEALER, ep, bind);
    else if (!strcmp(role, "xpub")) rc = sender(ctx, ZMQ_XPUB, ep, bind);
    else if (!strcmp(role, "req")) rc = sender(ctx, ZMQ_REQ, ep, bind);
    else if (!strcmp(role, "pull")) rc = receiver(ctx, ZMQ_PULL, ep, bind);
    else if (!strcmp(role, "router")) rc = receiver(ctx, ZMQ_ROUTER, ep, bind);
    else if (!strcmp(role, "sub")) rc = receiver(ctx, ZMQ_SUB, ep, bind);
    else if (!strcmp(role, "rep")) rc = receiver(ctx, ZMQ_REP, ep, bind);
    else {
        fprintf(stderr, "fpeer: unknown role %s\n", role);
        return 2;
    }
    fflush(stdout);
    /* sockets are closed with linger 0 by zmq_ctx_term's caller's exit:
     * the process ends here, the kernel closes what is left */
    _exit(rc);
}
