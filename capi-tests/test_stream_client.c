/* test_stream_client: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

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
