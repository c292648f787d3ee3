/* test_stream_monitor: standalone C99 test; the helpers below are repeated in each test file. */
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

/* Reads the next event from a monitor socket. */
static int next_event(void *mon)
{
    zmq_msg_t a, b;
    unsigned short ev;
    zmq_msg_init(&a);
    zmq_msg_init(&b);
    CHECK(zmq_msg_recv(&a, mon, 0) == 6);
    CHECK(zmq_msg_more(&a));
    CHECK(zmq_msg_recv(&b, mon, 0) >= 0);
    memcpy(&ev, zmq_msg_data(&a), 2);
    zmq_msg_close(&a);
    zmq_msg_close(&b);
    return ev;
}

/* Monitor events of raw connections, as libzmq's raw engine: accepted or
   connected, no HANDSHAKE_SUCCEEDED; a lost connection reports
   HANDSHAKE_FAILED_NO_DETAIL then DISCONNECTED (then a retry when the
   socket connected). */
int main(void)
{
    void *ctx = zmq_ctx_new();
    void *s = make(ctx, ZMQ_STREAM);
    void *mon = make(ctx, ZMQ_PAIR);
    char id[256], buf[256], ep[64];
    size_t id_len;
    int port;

    CHECK(zmq_socket_monitor(s, "inproc://mon", ZMQ_EVENT_ALL) == 0);
    CHECK(zmq_connect(mon, "inproc://mon") == 0);
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    CHECK(next_event(mon) == ZMQ_EVENT_LISTENING);
    int c = tcp_client(bound_port(s));
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(next_event(mon) == ZMQ_EVENT_ACCEPTED);
    close(c);
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(next_event(mon) == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    CHECK(next_event(mon) == ZMQ_EVENT_DISCONNECTED);

    int l = tcp_listener(&port);
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK(zmq_connect(s, ep) == 0);
    int sc = accept(l, NULL, NULL);
    CHECK(sc >= 0);
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(next_event(mon) == ZMQ_EVENT_CONNECT_DELAYED);
    CHECK(next_event(mon) == ZMQ_EVENT_CONNECTED);
    close(sc);
    CHECK(recv_stream(s, id, &id_len, buf, sizeof buf) == 0);
    CHECK(next_event(mon) == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL);
    CHECK(next_event(mon) == ZMQ_EVENT_DISCONNECTED);
    CHECK(next_event(mon) == ZMQ_EVENT_CONNECT_RETRIED);
    CHECK(zmq_recv(mon, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && errno == EAGAIN);

    close(l);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_close(mon) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
