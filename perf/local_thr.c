/* local_thr: bind a PULL (or ROUTER) socket, receive COUNT messages of SIZE
 * bytes, print throughput.  The clock starts at the first message, so
 * connection set-up is not measured.  With ACK_ENDPOINT it binds a PUSH
 * there and sends one message when all arrived, so the sender need not rely
 * on ZMQ_LINGER (Debian's 4.3.4 loses the tail over ipc, libzmq#4660).
 *   usage: local_thr ENDPOINT SIZE COUNT [pull|router [ACK_ENDPOINT]] */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: local_thr ENDPOINT SIZE COUNT [pull|router]\n");
        return 2;
    }
    const char *ep = argv[1];
    size_t size = (size_t) parse_long(argv[2], "size");
    long count = parse_long(argv[3], "count");
    int router = argc > 4 && strcmp(argv[4], "router") == 0;
    banner("local_thr");

    void *ctx = new_ctx();
    void *s = zmq_socket(ctx, router ? ZMQ_ROUTER : ZMQ_PULL);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    curve_opts(s, 1);
    void *ack = NULL;
    if (argc > 5) {
        ack = zmq_socket(ctx, ZMQ_PUSH);
        if (!ack) DIE("zmq_socket");
        CHECK(zmq_bind(ack, argv[5]));
    }
    int tmo = 20000; /* a lost message must not hang the runner */
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo));
    CHECK(zmq_bind(s, ep));
    printf("BOUND\n"); /* the runner starts the peer only now */
    fflush(stdout);

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    double t0 = 0;
    for (long i = 0; i < count; i++) {
        if (router) { /* routing id frame first */
            recv_part(s, &msg);
            if (!zmq_msg_more(&msg)) { fprintf(stderr, "router: no payload\n"); return 1; }
        }
        int rc = zmq_msg_recv(&msg, s, 0);
        if (rc < 0 && zmq_errno() == EAGAIN) {
            fprintf(stderr, "local_thr: timed out after %ld of %ld messages\n", i, count);
            return 1;
        }
        if (rc < 0) DIE("zmq_msg_recv");
        size_t got = (size_t) rc;
        if (i == 0) t0 = now_s();
        if (got != size) {
            fprintf(stderr, "message %ld: %zu bytes, expected %zu\n", i, got, size);
            return 1;
        }
    }
    double secs = now_s() - t0;
    zmq_msg_close(&msg);
    if (ack) {
        send_part(ack, 1, 0);
        zmq_close(ack);
    }
    /* count-1 intervals between first and last message */
    double n = count > 1 ? (double) (count - 1) : 1.0;
    if (secs <= 0) secs = 1e-9;
    printf("RESULT thr msgs=%ld size=%zu secs=%.6f msgps=%.1f mbps=%.3f\n",
           count, size, secs, n / secs, n * (double) size / secs / 1e6);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
