/* test_stream_server: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* A STREAM socket as a tiny HTTP-like server for a plain TCP client:
   connection notification, request and reply as raw bytes, close by an
   empty message (data sent before it arrives first), unknown ids, and the
   disconnection notification when the client closes. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    void *s = make(ctx, ZMQ_STREAM);
    char id[256], id2[256], buf[4096];
    size_t id_len, id2_len;
    int v = 0, n;
    size_t vlen = sizeof v;

    /* ZMQ_STREAM_NOTIFY is write-only. */
    CHECK(zmq_getsockopt(s, ZMQ_STREAM_NOTIFY, &v, &vlen) == -1 && errno == EINVAL);
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    int c = tcp_client(bound_port(s));

    /* The connection is announced as [id][empty]; ids are 5 bytes, 0 first. */
    zmq_msg_t m;
    CHECK(zmq_recv(s, id, sizeof id, 0) == 5);
    id_len = 5;
    CHECK(id[0] == 0);
    zmq_msg_init(&m);
    CHECK(zmq_msg_recv(&m, s, 0) == 0);
    CHECK(zmq_msg_more(&m) == 0);
    const char *peer = zmq_msg_gets(&m, "Peer-Address");
    CHECK(peer != NULL && strcmp(peer, "127.0.0.1") == 0);
    zmq_msg_close(&m);

    /* The request, however the bytes are chunked. */
    const char *req = "GET /index.html HTTP/1.0\r\n\r\n";
    write_all(c, req, strlen(req));
    size_t got = 0;
    while (got < strlen(req)) {
        char rid[256];
        size_t rid_len;
        n = recv_stream(s, rid, &rid_len, buf + got, sizeof buf - got);
        CHECK(rid_len == id_len && memcmp(rid, id, id_len) == 0);
        CHECK(n > 0);
        got += (size_t) n;
    }
    CHECK(got == strlen(req) && memcmp(buf, req, got) == 0);

    /* The reply, then close: the client gets all of it, then EOF. */
    const char *rep = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nHello, World!";
    send_stream(s, id, id_len, rep, strlen(rep));
    send_stream(s, id, id_len, "", 0);
    size_t total = read_upto(s, c, buf, sizeof buf);
    CHECK(total == strlen(rep) && memcmp(buf, rep, total) == 0);
    close(c);

    /* A closed or unknown id cannot be addressed. */
    CHECK(zmq_send(s, "nobody", 6, ZMQ_SNDMORE) == -1 && errno == EHOSTUNREACH);
    CHECK(zmq_send(s, id, id_len, ZMQ_SNDMORE) == -1 && errno == EHOSTUNREACH);

    /* A second client gets another id; its disconnection is announced
       (and the closed connection above announced nothing). */
    c = tcp_client(bound_port(s));
    CHECK(recv_stream(s, id2, &id2_len, buf, sizeof buf) == 0);
    CHECK(id2_len == 5 && memcmp(id, id2, 5) != 0);
    write_all(c, "x", 1);
    n = recv_stream(s, id, &id_len, buf, sizeof buf);
    CHECK(n == 1 && buf[0] == 'x');
    CHECK(id_len == id2_len && memcmp(id, id2, id2_len) == 0);
    close(c);
    n = recv_stream(s, id, &id_len, buf, sizeof buf);
    CHECK(n == 0);
    CHECK(id_len == id2_len && memcmp(id, id2, id2_len) == 0);
    CHECK(zmq_recv(s, buf, sizeof buf, ZMQ_DONTWAIT) == -1 && errno == EAGAIN);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
