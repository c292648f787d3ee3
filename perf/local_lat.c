/* local_lat: bind a REP socket and echo COUNT messages of SIZE bytes.
 *   usage: local_lat ENDPOINT SIZE COUNT */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: local_lat ENDPOINT SIZE COUNT\n");
        return 2;
    }
    const char *ep = argv[1];
    size_t size = (size_t) parse_long(argv[2], "size");
    long count = parse_long(argv[3], "count");
    banner("local_lat");

    void *ctx = new_ctx();
    void *s = zmq_socket(ctx, ZMQ_REP);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    curve_opts(s, 1);
    CHECK(zmq_bind(s, ep));
    printf("BOUND\n"); /* the runner starts the peer only now */
    fflush(stdout);
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    for (long i = 0; i < count; i++) {
        size_t got = recv_part(s, &msg);
        if (got != size) {
            fprintf(stderr, "message %ld: %zu bytes, expected %zu\n", i, got, size);
            return 1;
        }
        if (zmq_msg_send(&msg, s, 0) < 0) DIE("zmq_msg_send");
    }
    zmq_msg_close(&msg);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
