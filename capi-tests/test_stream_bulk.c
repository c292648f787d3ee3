/* test_stream_bulk: standalone C99 test; the helpers below are repeated in each test file. */
#define _POSIX_C_SOURCE 200809L
#include <zmq.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Fails the test with the line and libzmq's error when a check is false. */
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n",      \
                    __FILE__, __LINE__, #cond, zmq_errno(),                  \
                    zmq_strerror(zmq_errno()));                              \
            exit(1);                                                         \
        }                                                                    \
    } while (0)

static inline void *make(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    int linger = 0, timeo = 5000;
    CHECK(s != NULL);
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) == 0);
    /* Nothing in these tests may block for long: a hang is a failure. */
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeo, sizeof timeo) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeo, sizeof timeo) == 0);
    return s;
}

/* The port of the socket's last tcp endpoint. */
static inline int bound_port(void *s)
{
    char ep[256];
    size_t len = sizeof ep;
    CHECK(zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, ep, &len) == 0);
    char *colon = strrchr(ep, ':');
    CHECK(colon != NULL);
    return atoi(colon + 1);
}

static inline struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short) port);
    a.sin_addr.s_addr = htonl(0x7f000001);
    return a;
}

/* A plain TCP client connected to 127.0.0.1:port. */
static inline int tcp_client(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(port);
    CHECK(fd >= 0);
    CHECK(connect(fd, (struct sockaddr *) &a, sizeof a) == 0);
    return fd;
}

/* A plain TCP listener on 127.0.0.1 (ephemeral port in *port). */
static inline int tcp_listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    CHECK(fd >= 0);
    CHECK(bind(fd, (struct sockaddr *) &a, sizeof a) == 0);
    CHECK(listen(fd, 8) == 0);
    CHECK(getsockname(fd, (struct sockaddr *) &a, &len) == 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static inline void write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        CHECK(n > 0);
        p += n;
        len -= (size_t) n;
    }
}

/* Waits (at most 5 s) for `fd` to be readable, polling the zmq socket too
   so that it keeps processing its commands (libzmq needs that for a close
   requested with an empty message to complete). */
static inline void wait_fd(void *s, int fd)
{
    for (int i = 0; i < 50; i++) {
        zmq_pollitem_t items[2] = {{s, 0, ZMQ_POLLIN, 0}, {NULL, fd, ZMQ_POLLIN, 0}};
        CHECK(zmq_poll(items, 2, 100) >= 0);
        if (items[1].revents)
            return;
    }
    CHECK(!"fd never became readable");
}

/* Reads from `fd` until `want` bytes arrived or EOF; returns the count. */
static inline size_t read_upto(void *s, int fd, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        wait_fd(s, fd);
        ssize_t n = read(fd, buf + got, want - got);
        CHECK(n >= 0);
        if (n == 0)
            break;
        got += (size_t) n;
    }
    return got;
}

/* Receives one STREAM message: [id][data]. Returns the data length. */
static inline int recv_stream(void *s, char *id, size_t *id_len, char *data, size_t cap)
{
    int more = 0;
    size_t sz = sizeof more;
    int n = zmq_recv(s, id, 256, 0);
    CHECK(n > 0);
    *id_len = (size_t) n;
    CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &more, &sz) == 0);
    CHECK(more == 1);
    n = zmq_recv(s, data, cap, 0);
    CHECK(n >= 0 && (size_t) n <= cap);
    CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &more, &sz) == 0);
    CHECK(more == 0);
    return n;
}

/* Sends [id][data] (data may be empty: close the connection). */
static inline void send_stream(void *s, const char *id, size_t id_len, const void *data, size_t len)
{
    CHECK(zmq_send(s, id, id_len, ZMQ_SNDMORE) == (int) id_len);
    CHECK(zmq_send(s, data, len, 0) == (int) len);
}

/* Bulk data both ways (arriving in chunks, all with the peer's id), and
   libzmq's send rules: one data frame per id frame, so a frame after the
   data frame starts a new message; an id frame without MORE swallows the
   frame after it. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    void *s = make(ctx, ZMQ_STREAM);
    enum { SIZE = 1 << 20 };
    char *big = malloc(SIZE), *in = malloc(SIZE);
    char id[256], rid[256];
    size_t id_len, rid_len;
    CHECK(big && in);
    for (int i = 0; i < SIZE; i++)
        big[i] = (char) (i * 7 + i / 251);

    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    int c = tcp_client(bound_port(s));
    CHECK(recv_stream(s, id, &id_len, in, SIZE) == 0);

    /* 1 MiB to the client. */
    send_stream(s, id, id_len, big, SIZE);
    CHECK(read_upto(s, c, in, SIZE) == SIZE);
    CHECK(memcmp(in, big, SIZE) == 0);

    /* 1 MiB from the client, written in pieces while we receive. */
    size_t sent = 0, got = 0;
    while (got < SIZE) {
        if (sent < SIZE) {
            size_t k = SIZE - sent < 65536 ? SIZE - sent : 65536;
            write_all(c, big + sent, k);
            sent += k;
        }
        int n = recv_stream(s, rid, &rid_len, in + got, SIZE - got);
        CHECK(n > 0 && rid_len == id_len && memcmp(rid, id, id_len) == 0);
        got += (size_t) n;
    }
    CHECK(memcmp(in, big, SIZE) == 0);

    /* [id][A, MORE][B][X]: A goes out; B is taken as an id frame without
       MORE, so X is dropped. Then [id][C] goes out. */
    CHECK(zmq_send(s, id, id_len, ZMQ_SNDMORE) == (int) id_len);
    CHECK(zmq_send(s, "A", 1, ZMQ_SNDMORE) == 1);
    CHECK(zmq_send(s, "B", 1, 0) == 1);
    CHECK(zmq_send(s, "X", 1, 0) == 1);
    /* A lone id frame swallows the next frame. */
    CHECK(zmq_send(s, id, id_len, 0) == (int) id_len);
    CHECK(zmq_send(s, "Y", 1, 0) == 1);
    send_stream(s, id, id_len, "C", 1);
    send_stream(s, id, id_len, "", 0);
    size_t total = read_upto(s, c, in, SIZE);
    CHECK(total == 2 && memcmp(in, "AC", 2) == 0);
    close(c);

    free(big);
    free(in);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
