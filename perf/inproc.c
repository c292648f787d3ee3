/* inproc: throughput (PUSH->PULL) or latency (REQ<->REP) over inproc://
 * between two threads of one process sharing one context.
 *   usage: inproc thr|lat SIZE COUNT */
#include "common.h"
#include <pthread.h>

static void *ctx;
static size_t size;
static long count;
static int lat;

static void *peer(void *arg)
{
    (void) arg;
    void *s = zmq_socket(ctx, lat ? ZMQ_REP : ZMQ_PUSH);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    CHECK(zmq_connect(s, "inproc://bench"));
    if (lat) {
        zmq_msg_t msg;
        CHECK(zmq_msg_init(&msg));
        for (long i = 0; i < count; i++) {
            recv_part(s, &msg);
            if (zmq_msg_send(&msg, s, 0) < 0) DIE("zmq_msg_send");
        }
        zmq_msg_close(&msg);
    } else {
        for (long i = 0; i < count; i++)
            send_part(s, size, 0);
    }
    zmq_close(s);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: inproc thr|lat SIZE COUNT\n");
        return 2;
    }
    lat = strcmp(argv[1], "lat") == 0;
    size = (size_t) parse_long(argv[2], "size");
    count = parse_long(argv[3], "count");
    if (count < 2) count = 2;
    banner("inproc");

    ctx = new_ctx();
    void *s = zmq_socket(ctx, lat ? ZMQ_REQ : ZMQ_PULL);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    CHECK(zmq_bind(s, "inproc://bench"));
    pthread_t th;
    if (pthread_create(&th, NULL, peer, NULL) != 0) { perror("pthread_create"); return 2; }

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    double t0 = 0;
    for (long i = 0; i < count; i++) {
        if (lat) {
            if (i == 1) t0 = now_s();
            send_part(s, size, 0);
        }
        size_t got = recv_part(s, &msg);
        if (!lat && i == 0) t0 = now_s();
        if (got != size) {
            fprintf(stderr, "message %ld: %zu bytes, expected %zu\n", i, got, size);
            return 1;
        }
    }
    double secs = now_s() - t0;
    if (secs <= 0) secs = 1e-9;
    zmq_msg_close(&msg);
    double n = (double) (count - 1);
    if (lat)
        printf("RESULT lat msgs=%ld size=%zu secs=%.6f usec=%.3f\n", count - 1,
               size, secs, secs / n / 2.0 * 1e6);
    else
        printf("RESULT thr msgs=%ld size=%zu secs=%.6f msgps=%.1f mbps=%.3f\n",
               count, size, secs, n / secs, n * (double) size / secs / 1e6);
    pthread_join(th, NULL);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
