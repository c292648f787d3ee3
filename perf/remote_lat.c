/* remote_lat: connect a REQ socket, do COUNT round trips of SIZE bytes and
 * print half the mean round trip in microseconds.  The first round trip
 * (connection set-up) is excluded.
 *   usage: remote_lat ENDPOINT SIZE COUNT */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: remote_lat ENDPOINT SIZE COUNT\n");
        return 2;
    }
    const char *ep = argv[1];
    size_t size = (size_t) parse_long(argv[2], "size");
    long count = parse_long(argv[3], "count");
    if (count < 2) count = 2;
    banner("remote_lat");

    void *ctx = new_ctx();
    void *s = zmq_socket(ctx, ZMQ_REQ);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    curve_opts(s, 0);
    CHECK(zmq_connect(s, ep));
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    double t0 = 0;
    for (long i = 0; i < count; i++) {
        if (i == 1) t0 = now_s();
        send_part(s, size, 0);
        size_t got = recv_part(s, &msg);
        if (got != size) {
            fprintf(stderr, "reply %ld: %zu bytes, expected %zu\n", i, got, size);
            return 1;
        }
    }
    double secs = now_s() - t0;
    zmq_msg_close(&msg);
    printf("RESULT lat msgs=%ld size=%zu secs=%.6f usec=%.3f\n", count - 1, size,
           secs, secs / (double) (count - 1) / 2.0 * 1e6);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return 0;
}
