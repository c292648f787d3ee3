/* remote_thr: connect a PUSH (or DEALER) socket and send COUNT messages of
 * SIZE bytes, then close with the default (infinite) linger so everything
 * is delivered before exit.  With ACK_ENDPOINT it also waits for local_thr's
 * "all received" message there before closing (see local_thr.c).
 * With "unwritten" after ACK_ENDPOINT, the payloads are sent as
 * zmq_msg_init_size leaves them, without writing them first (what libzmq's
 * own perf/remote_thr does).
 *   usage: remote_thr ENDPOINT SIZE COUNT [push|dealer [ACK_ENDPOINT [unwritten]]] */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: remote_thr ENDPOINT SIZE COUNT [push|dealer]\n");
        return 2;
    }
    const char *ep = argv[1];
    size_t size = (size_t) parse_long(argv[2], "size");
    long count = parse_long(argv[3], "count");
    int dealer = argc > 4 && strcmp(argv[4], "dealer") == 0;
    int unwritten = argc > 6 && strcmp(argv[6], "unwritten") == 0;
    banner("remote_thr");

    void *ctx = new_ctx();
    void *s = zmq_socket(ctx, dealer ? ZMQ_DEALER : ZMQ_PUSH);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    curve_opts(s, 0);
    void *ack = NULL;
    if (argc > 5) {
        ack = zmq_socket(ctx, ZMQ_PULL);
        if (!ack) DIE("zmq_socket");
        int tmo = 30000;
        CHECK(zmq_setsockopt(ack, ZMQ_RCVTIMEO, &tmo, sizeof tmo));
        CHECK(zmq_connect(ack, argv[5]));
    }
    CHECK(zmq_connect(s, ep));
    for (long i = 0; i < count; i++) {
        if (unwritten) {
            zmq_msg_t msg;
            CHECK(zmq_msg_init_size(&msg, size));
            if (zmq_msg_send(&msg, s, 0) < 0) DIE("zmq_msg_send");
        } else {
            send_part(s, size, 0);
        }
    }
    if (ack) {
        zmq_msg_t msg;
        CHECK(zmq_msg_init(&msg));
        if (zmq_msg_recv(&msg, ack, 0) < 0) DIE("no ack from local_thr");
        zmq_msg_close(&msg);
        zmq_close(ack);
    }
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
