/* ZMQ_HEARTBEAT_TTL travels in our PING commands: a peer that does the
 * ZMTP 3.1 handshake by hand on a plain socket reads PINGs whose TTL field
 * is the option in deciseconds (2550 ms -> 25), and 0 when it is not set.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

/* Binds a DEALER with HEARTBEAT_IVL 100 ms (and `ttl` when >= 0), does the
 * handshake by hand and returns the TTL field of the first PING. */
static int first_ping_ttl(void *ctx, int ttl)
{
    void *s = make(ctx, ZMQ_DEALER);
    CHECK(set_int(s, ZMQ_HEARTBEAT_IVL, 100) == 0);
    if (ttl >= 0)
        CHECK(set_int(s, ZMQ_HEARTBEAT_TTL, ttl) == 0);
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    int fd = raw_connect(bound_port(s));
    CHECK(fd >= 0);

    unsigned char g[64];
    memset(g, 0, sizeof g);
    g[0] = 0xff;
    g[8] = 1;
    g[9] = 0x7f;
    g[10] = 3;
    g[11] = 1;
    memcpy(g + 12, "NULL", 4);
    write_all(fd, g, 64);
    static const unsigned char ready[] = {
      0x04, 28,  5,   'R', 'E', 'A', 'D', 'Y', 11,  'S',
      'o',  'c', 'k', 'e', 't', '-', 'T', 'y', 'p', 'e',
      0,    0,   0,   6,   'D', 'E', 'A', 'L', 'E', 'R'};
    write_all(fd, ready, sizeof ready);

    /* read until a PING command: 0x04 size 4 "PING" ttl(2, big-endian) */
    unsigned char in[4096];
    size_t got = 0;
    for (;;) {
        CHECK(got < sizeof in);
        ssize_t r = read(fd, in + got, sizeof in - got);
        CHECK(r > 0);
        got += (size_t) r;
        for (size_t i = 64; i + 9 <= got; i++)
            if (in[i] == 0x04 && in[i + 2] == 4
                && memcmp(in + i + 3, "PING", 4) == 0) {
                int field = in[i + 7] << 8 | in[i + 8];
                close(fd);
                CHECK(zmq_close(s) == 0);
                return field;
            }
    }
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    CHECK_INT(first_ping_ttl(ctx, -1), 0);
    CHECK_INT(first_ping_ttl(ctx, 2550), 25);
    CHECK_INT(first_ping_ttl(ctx, 100), 1);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
