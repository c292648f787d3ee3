/* test_stream_monitor: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

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
