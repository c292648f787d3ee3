/* What the single-part DRAFT types do with frames a peer sends them, over
 * a hand-written ZMTP 3.1 connection:
 * - SERVER, from a CLIENT peer: a multipart message is dropped whole
 *   (libzmq's server_t skips it), the single-frame one after it arrives
 *   stamped with a routing id; the connection stays up.
 * - GATHER, from a SCATTER peer: the same.
 * - RADIO, from a DISH peer: JOIN and LEAVE arrive as ZMTP commands
 *   (RFC 48); after "JOIN g", a message in g goes out as two frames,
 *   group then body; after "LEAVE g", no more. */
#include "testutil.h"

/* Sends all of buf on fd (checked). */
static void put (int fd, const void *buf, size_t n)
{
    CHECK (write (fd, buf, n) == (ssize_t) n);
}

/* Reads exactly n bytes (checked; the fd has a receive time-out). */
static void get (int fd, unsigned char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read (fd, buf + got, n - got);
        CHECK (r > 0);
        got += (size_t) r;
    }
}

static void frame (int fd, int flags, const char *data, size_t n)
{
    unsigned char h[2] = {(unsigned char) flags, (unsigned char) n};
    CHECK (n < 256);
    put (fd, h, 2);
    put (fd, data, n);
}

/* A ZMTP 3.1 NULL greeting and READY announcing `type`, then the peer's
 * greeting and READY read and skipped. */
static int zmtp_peer (int port, const char *type)
{
    int fd = raw_connect (port);
    CHECK (fd >= 0);
    unsigned char g[64] = {0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 1};
    memcpy (g + 12, "NULL", 4);
    put (fd, g, sizeof g);
    unsigned char ready[64];
    size_t tl = strlen (type);
    size_t n = 0;
    ready[n++] = 5;
    memcpy (ready + n, "READY", 5);
    n += 5;
    ready[n++] = 11;
    memcpy (ready + n, "Socket-Type", 11);
    n += 11;
    ready[n++] = 0;
    ready[n++] = 0;
    ready[n++] = 0;
    ready[n++] = (unsigned char) tl;
    memcpy (ready + n, type, tl);
    n += tl;
    frame (fd, 0x04, (const char *) ready, n);
    unsigned char peer[64];
    get (fd, peer, 64);
    CHECK (peer[0] == 0xff && peer[10] == 3);
    unsigned char h[2];
    get (fd, h, 2);
    CHECK (h[0] == 0x04);
    unsigned char body[256];
    get (fd, body, h[1]);
    return fd;
}

/* Reads one short frame: its flags, and its body into buf (returns size). */
static int read_frame (int fd, int *flags, unsigned char *buf)
{
    unsigned char h[2];
    get (fd, h, 2);
    CHECK ((h[0] & 0x02) == 0);
    *flags = h[0];
    get (fd, buf, h[1]);
    return h[1];
}

static void multipart_dropped (void *ctx, int type, const char *peer_type)
{
    void *s = make (ctx, type);
    CHECK (zmq_bind (s, "tcp://127.0.0.1:*") == 0);
    int fd = zmtp_peer (bound_port (s), peer_type);
    frame (fd, 0x01, "part1", 5);
    frame (fd, 0x00, "part2", 5);
    frame (fd, 0x00, "single", 6);
    frame (fd, 0x01, "a", 1);
    frame (fd, 0x01, "b", 1);
    frame (fd, 0x00, "c", 1);
    frame (fd, 0x00, "last", 4);
    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, s, 0) == 6);
    CHECK (memcmp (zmq_msg_data (&m), "single", 6) == 0);
    CHECK (zmq_msg_more (&m) == 0);
    if (type == ZMQ_SERVER)
        CHECK (zmq_msg_routing_id (&m) != 0);
    CHECK (zmq_msg_recv (&m, s, 0) == 4);
    CHECK (memcmp (zmq_msg_data (&m), "last", 4) == 0);
    zmq_msg_close (&m);
    expect_nothing (s);
    close (fd);
    zmq_close (s);
}

static void radio_commands (void *ctx)
{
    void *radio = make (ctx, ZMQ_RADIO);
    CHECK (zmq_bind (radio, "tcp://127.0.0.1:*") == 0);
    int fd = zmtp_peer (bound_port (radio), "DISH");
    frame (fd, 0x04, "\x04JOINg", 6);
    /* the JOIN is applied when the radio reads it: send until a copy of
       the message comes back */
    unsigned char buf[256];
    int flags, n;
    zmq_msg_t m;
    struct pollfd p = {fd, POLLIN, 0};
    int tries = 0;
    do {
        CHECK (++tries < 500);
        CHECK (zmq_msg_init_size (&m, 2) == 0);
        memcpy (zmq_msg_data (&m), "hi", 2);
        CHECK (zmq_msg_set_group (&m, "g") == 0);
        CHECK (zmq_msg_send (&m, radio, 0) == 2);
    } while (poll (&p, 1, 10) == 0);
    n = read_frame (fd, &flags, buf);
    CHECK (n == 1 && buf[0] == 'g' && flags == 0x01);
    n = read_frame (fd, &flags, buf);
    CHECK (n == 2 && memcmp (buf, "hi", 2) == 0 && flags == 0x00);
    /* LEAVE, then a marker in a group joined after it: every copy of
       "hi" the radio sent before the LEAVE comes first, none after */
    frame (fd, 0x04, "\x05LEAVEg", 7);
    frame (fd, 0x04, "\x04JOINh", 6);
    tries = 0;
    while (1) {
        CHECK (++tries < 1000);
        CHECK (zmq_msg_init_size (&m, 2) == 0);
        memcpy (zmq_msg_data (&m), "hi", 2);
        CHECK (zmq_msg_set_group (&m, "g") == 0);
        CHECK (zmq_msg_send (&m, radio, 0) == 2);
        CHECK (zmq_msg_init_size (&m, 4) == 0);
        memcpy (zmq_msg_data (&m), "mark", 4);
        CHECK (zmq_msg_set_group (&m, "h") == 0);
        CHECK (zmq_msg_send (&m, radio, 0) == 4);
        if (poll (&p, 1, 10) == 0)
            continue;
        n = read_frame (fd, &flags, buf);
        if (n == 1 && buf[0] == 'g') {
            CHECK (read_frame (fd, &flags, buf) == 2);
            continue;
        }
        CHECK (n == 1 && buf[0] == 'h');
        CHECK (read_frame (fd, &flags, buf) == 4);
        break;
    }
    /* from now on only "mark" */
    CHECK (zmq_msg_init_size (&m, 2) == 0);
    memcpy (zmq_msg_data (&m), "hi", 2);
    CHECK (zmq_msg_set_group (&m, "g") == 0);
    CHECK (zmq_msg_send (&m, radio, 0) == 2);
    CHECK (zmq_msg_init_size (&m, 4) == 0);
    memcpy (zmq_msg_data (&m), "end!", 4);
    CHECK (zmq_msg_set_group (&m, "h") == 0);
    CHECK (zmq_msg_send (&m, radio, 0) == 4);
    while (1) {
        n = read_frame (fd, &flags, buf);
        CHECK (n == 1 && buf[0] == 'h');
        n = read_frame (fd, &flags, buf);
        CHECK (n == 4);
        if (memcmp (buf, "end!", 4) == 0)
            break;
        CHECK (memcmp (buf, "mark", 4) == 0);
    }
    close (fd);
    zmq_close (radio);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    multipart_dropped (ctx, ZMQ_SERVER, "CLIENT");
    multipart_dropped (ctx, ZMQ_GATHER, "SCATTER");
    radio_commands (ctx);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
