/* handshakes: how many connections per second a server completes.
 *   usage: handshakes server ENDPOINT SECONDS
 *          handshakes client ENDPOINT SECONDS CLIENTS
 * The server binds a ROUTER and answers every message with an empty one.
 * Each of CLIENTS threads repeats: a new DEALER connects, sends one message,
 * waits for the answer (so the handshake is complete: with ZBENCH_CURVE=1
 * the whole CURVE exchange, HELLO to READY), closes; for SECONDS. The
 * client prints the total rate. ZMQ_LINGER 0, so closing costs nothing. */
#include "common.h"
#include <pthread.h>

struct client {
    void *ctx;
    const char *ep;
    double until;
    long done;
};

static void *client_loop(void *arg)
{
    struct client *c = arg;
    while (now_s() < c->until) {
        void *s = zmq_socket(c->ctx, ZMQ_DEALER);
        if (!s) DIE("zmq_socket");
        common_opts(s);
        curve_opts(s, 0);
        int zero = 0;
        CHECK(zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero));
        CHECK(zmq_connect(s, c->ep));
        CHECK(zmq_send(s, "hi", 2, 0));
        char buf[8];
        if (zmq_recv(s, buf, sizeof buf, 0) < 0) DIE("zmq_recv");
        CHECK(zmq_close(s));
        c->done++;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: handshakes server|client ENDPOINT SECONDS [CLIENTS]\n");
        return 2;
    }
    const char *ep = argv[2];
    double secs = (double) parse_long(argv[3], "seconds");
    banner("handshakes");
    void *ctx = new_ctx();
    if (strcmp(argv[1], "server") == 0) {
        void *s = zmq_socket(ctx, ZMQ_ROUTER);
        if (!s) DIE("zmq_socket");
        common_opts(s);
        curve_opts(s, 1);
        int tmo = (int) (secs * 1000) + 10000;
        CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo));
        CHECK(zmq_bind(s, ep));
        printf("BOUND\n");
        fflush(stdout);
        /* Until the client says "bye" (a message with that payload). */
        for (;;) {
            char id[256], body[8];
            int n = zmq_recv(s, id, sizeof id, 0);
            if (n < 0) DIE("zmq_recv");
            int m = zmq_recv(s, body, sizeof body, 0);
            if (m < 0) DIE("zmq_recv");
            if (m == 3 && memcmp(body, "bye", 3) == 0)
                break;
            CHECK(zmq_send(s, id, (size_t) n, ZMQ_SNDMORE));
            CHECK(zmq_send(s, "", 0, 0));
        }
        zmq_close(s);
    } else {
        int clients = argc > 4 ? (int) parse_long(argv[4], "clients") : 4;
        struct client c[64];
        pthread_t t[64];
        if (clients < 1 || clients > 64) return 2;
        double t0 = now_s();
        for (int i = 0; i < clients; i++) {
            c[i] = (struct client){ctx, ep, t0 + secs, 0};
            pthread_create(&t[i], NULL, client_loop, &c[i]);
        }
        long total = 0;
        for (int i = 0; i < clients; i++) {
            pthread_join(t[i], NULL);
            total += c[i].done;
        }
        double took = now_s() - t0;
        void *s = zmq_socket(ctx, ZMQ_DEALER);
        common_opts(s);
        curve_opts(s, 0);
        CHECK(zmq_connect(s, ep));
        CHECK(zmq_send(s, "bye", 3, 0));
        zmq_close(s);
        printf("RESULT handshakes=%ld seconds=%.3f hs_per_s=%.1f clients=%d\n", total, took,
               (double) total / took, clients);
    }
    zmq_ctx_term(ctx);
    return 0;
}
