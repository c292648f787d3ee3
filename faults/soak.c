/* soak: churn and steady traffic in one process, for `make soak`
 * (faults/soak.py samples this process's RSS, fds and threads).
 *
 * usage: soak PORT SECONDS
 * Every 10 ms: an XPUB sends 10 messages over 50 topics to a pool of 16
 * SUBs, a pool of 8 PUSHes sends 4 messages to one PULL; every 100 ms one
 * SUB and (every 200 ms) one PUSH are closed and replaced by a new one that
 * connects (connect/disconnect churn), and a random SUB subscribes to or
 * unsubscribes from a random topic (subscription churn). All over tcp on
 * 127.0.0.1, heartbeats on. Prints "<s> STAT sent received connects" each
 * 10 s and "END" at the end. Runs on either library (built against
 * /usr/include/zmq.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#define NSUB 16
#define NPUSH 8
#define TOPICS 50

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void *sock(void *ctx, int type) {
    void *s = zmq_socket(ctx, type);
    if (!s) {
        fprintf(stderr, "soak: zmq_socket: %s\n", zmq_strerror(zmq_errno()));
        exit(2);
    }
    int v = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &v, sizeof v);
    v = 1000;
    zmq_setsockopt(s, ZMQ_HEARTBEAT_IVL, &v, sizeof v);
    v = 3000;
    zmq_setsockopt(s, ZMQ_HEARTBEAT_TIMEOUT, &v, sizeof v);
    return s;
}

static void *new_sub(void *ctx, const char *ep) {
    void *s = sock(ctx, ZMQ_SUB);
    char t[8];
    for (int k = 0; k < 5; k++) {
        int n = snprintf(t, sizeof t, "t%02d", rand() % TOPICS);
        zmq_setsockopt(s, ZMQ_SUBSCRIBE, t, (size_t)n);
    }
    zmq_connect(s, ep);
    return s;
}

static void *new_push(void *ctx, const char *ep) {
    void *s = sock(ctx, ZMQ_PUSH);
    zmq_connect(s, ep);
    return s;
}

static long drain(void *s) {
    char buf[256];
    long k = 0;
    while (zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT) >= 0) k++;
    return k;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: soak PORT SECONDS\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    int port = atoi(argv[1]);
    long seconds = atol(argv[2]);
    char ep_pub[64], ep_pull[64];
    snprintf(ep_pub, sizeof ep_pub, "tcp://127.0.0.1:%d", port);
    snprintf(ep_pull, sizeof ep_pull, "tcp://127.0.0.1:%d", port + 1);
    srand(1);
    void *ctx = zmq_ctx_new();
    void *pub = sock(ctx, ZMQ_XPUB), *pull = sock(ctx, ZMQ_PULL);
    if (zmq_bind(pub, ep_pub) || zmq_bind(pull, ep_pull)) {
        fprintf(stderr, "soak: bind: %s\n", zmq_strerror(zmq_errno()));
        return 2;
    }
    void *subs[NSUB], *push[NPUSH];
    for (int i = 0; i < NSUB; i++) subs[i] = new_sub(ctx, ep_pub);
    for (int i = 0; i < NPUSH; i++) push[i] = new_push(ctx, ep_pull);
    long start = now_ms(), tick = 0, sent = 0, got = 0, connects = NSUB + NPUSH;
    long next_stat = start + 10000;
    char msg[128];
    while (now_ms() - start < seconds * 1000L) {
        tick++;
        for (int k = 0; k < 10; k++) {
            int n = snprintf(msg, sizeof msg, "t%02d %ld payload-payload-payload", rand() % TOPICS, sent);
            if (zmq_send(pub, msg, (size_t)n, ZMQ_DONTWAIT) >= 0) sent++;
        }
        for (int k = 0; k < 4; k++) {
            int n = snprintf(msg, sizeof msg, "w %ld", sent);
            if (zmq_send(push[(tick + k) % NPUSH], msg, (size_t)n, ZMQ_DONTWAIT) >= 0) sent++;
        }
        drain(pub); /* subscription messages */
        got += drain(pull);
        for (int i = 0; i < NSUB; i++) got += drain(subs[i]);
        if (tick % 10 == 0) {
            int i = rand() % NSUB;
            zmq_close(subs[i]);
            subs[i] = new_sub(ctx, ep_pub);
            connects++;
            char t[8];
            int n = snprintf(t, sizeof t, "t%02d", rand() % TOPICS);
            zmq_setsockopt(subs[rand() % NSUB], rand() % 2 ? ZMQ_SUBSCRIBE : ZMQ_UNSUBSCRIBE, t,
                           (size_t)n);
        }
        if (tick % 20 == 0) {
            int i = rand() % NPUSH;
            zmq_close(push[i]);
            push[i] = new_push(ctx, ep_pull);
            connects++;
        }
        if (now_ms() >= next_stat) {
            printf("%ld STAT %ld %ld %ld\n", (now_ms() - start) / 1000, sent, got, connects);
            next_stat += 10000;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    printf("END\n");
    for (int i = 0; i < NSUB; i++) zmq_close(subs[i]);
    for (int i = 0; i < NPUSH; i++) zmq_close(push[i]);
    zmq_close(pub);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    return 0;
}
