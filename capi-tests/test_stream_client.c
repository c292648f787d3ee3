/* test_stream_client: standalone C99 test; the helpers below are repeated in each test file. */
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

/* A STREAM socket connecting out to a plain TCP server: ZMQ_CONNECT_ROUTING_ID
   names the connection, data sent before the connection is up is queued,
   the server's close and the reconnection are announced with the same id,
   and closing with an empty message ends the endpoint (no reconnection).
   With ZMQ_STREAM_NOTIFY off, no empty messages are seen. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    void *s = make(ctx, ZMQ_STREAM);
    char id[256], buf[4096], ep[64];
    size_t id_len;
    int port, n;
    int l = tcp_listener(&port);
    int ivl = 50;

    CHECK(zmq_setsockopt(s, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) == 0);
    CHECK(zmq_setsockopt(s, ZMQ_CONNECT_ROUTING_ID, "web", 3) == 0);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK(zmq_connect(s, ep) == 0);
    send_stream(s, "web", 3, "early ", 6);

    int sc = accept(l, NULL, NULL);
    CHECK(sc >= 0);
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == 3 && memcmp(id, "web", 3) == 0);
    send_stream(s, "web", 3, "request", 7);
    CHECK(read_upto(s, sc, buf, 13) == 13 && memcmp(buf, "early request", 13) == 0);

    write_all(sc, "response", 8);
    size_t got = 0;
    while (got < 8) {
        n = recv_stream(s, id, &id_len, buf + got, sizeof buf - got);
        CHECK(n > 0 && id_len == 3 && memcmp(id, "web", 3) == 0);
        got += (size_t) n;
    }
    CHECK(memcmp(buf, "response", 8) == 0);

    /* The server drops the connection: [web][empty]; then it reconnects. */
    close(sc);
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == 3 && memcmp(id, "web", 3) == 0);
    sc = accept(l, NULL, NULL);
    CHECK(sc >= 0);
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == 3 && memcmp(id, "web", 3) == 0);

    /* Close from our side: the server reads the last data, then EOF. */
    send_stream(s, "web", 3, "bye", 3);
    send_stream(s, "web", 3, "", 0);
    CHECK(read_upto(s, sc, buf, sizeof buf) == 3 && memcmp(buf, "bye", 3) == 0);
    close(sc);
    /* That endpoint is finished: no reconnection within 6 intervals. */
    zmq_pollitem_t li = {NULL, l, ZMQ_POLLIN, 0};
    CHECK(zmq_poll(&li, 1, 300) == 0);

    /* Notifications off: the first message is data. */
    void *q = make(ctx, ZMQ_STREAM);
    int off = 0, bad = 2;
    CHECK(zmq_setsockopt(q, ZMQ_STREAM_NOTIFY, &bad, sizeof bad) == -1 && errno == EINVAL);
    CHECK(zmq_setsockopt(q, ZMQ_STREAM_NOTIFY, &off, sizeof off) == 0);
    CHECK(zmq_connect(q, ep) == 0);
    sc = accept(l, NULL, NULL);
    CHECK(sc >= 0);
    write_all(sc, "data", 4);
    n = recv_stream(q, id, &id_len, buf, sizeof buf);
    CHECK(n > 0 && memcmp(buf, "data", (size_t) n) == 0);
    CHECK(id_len == 5 && id[0] == 0);
    close(sc);
    /* ... nor is the disconnection. */
    zmq_pollitem_t item = {q, 0, ZMQ_POLLIN, 0};
    CHECK(zmq_poll(&item, 1, 200) >= 0);
    if (item.revents)
        CHECK(zmq_recv(q, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && errno == EAGAIN);

    CHECK(zmq_close(q) == 0);
    CHECK(zmq_close(s) == 0);
    close(l);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
