/* test_router_raw: standalone C99 test; shared helpers are in testutil.h. */
#include "testutil.h"

/* ZMQ_ROUTER_RAW, deprecated since libzmq 4.0 but still honoured by 4.3
   (CZMQ's zsock selftest sets it): a ROUTER that speaks raw TCP like a
   STREAM socket. The option takes a non-negative int on ROUTER (and REP,
   a ROUTER inside libzmq), is write-only, and other types refuse it. The
   raw router announces a connection as [id][empty], hands the bytes a
   plain TCP client writes as [id][data], writes [id][data] as bare bytes
   (no ZMTP greeting), drops a message to an unknown id unless
   ZMQ_ROUTER_MANDATORY is set, and closes a connection on [id][empty]. */
int main(void)
{
    void *ctx = zmq_ctx_new();
    void *r = make(ctx, ZMQ_ROUTER);
    int zero = 0, one = 1, minus = -1, v = 0;
    size_t vlen = sizeof v;
    char id[256], buf[256];
    size_t id_len;

    /* The option itself. */
    CHECK(zmq_setsockopt(r, ZMQ_ROUTER_RAW, &zero, sizeof zero) == 0);
    CHECK_ERR(zmq_setsockopt(r, ZMQ_ROUTER_RAW, &minus, sizeof minus), EINVAL);
    CHECK_ERR(zmq_setsockopt(r, ZMQ_ROUTER_RAW, &one, 1), EINVAL);
    CHECK_ERR(zmq_getsockopt(r, ZMQ_ROUTER_RAW, &v, &vlen), EINVAL);
    void *d = make(ctx, ZMQ_DEALER);
    CHECK_ERR(zmq_setsockopt(d, ZMQ_ROUTER_RAW, &one, sizeof one), EINVAL);
    CHECK(zmq_close(d) == 0);
    void *st = make(ctx, ZMQ_STREAM);
    CHECK_ERR(zmq_setsockopt(st, ZMQ_ROUTER_RAW, &one, sizeof one), EINVAL);
    CHECK(zmq_close(st) == 0);
    void *rep = make(ctx, ZMQ_REP);
    CHECK(zmq_setsockopt(rep, ZMQ_ROUTER_RAW, &zero, sizeof zero) == 0);
    CHECK(zmq_close(rep) == 0);
    CHECK(zmq_setsockopt(r, ZMQ_ROUTER_RAW, &one, sizeof one) == 0);

    CHECK(zmq_bind(r, "tcp://127.0.0.1:*") == 0);
    int c = tcp_client(bound_port(r));

    /* The connection is announced as [id][empty]. */
    CHECK(recv_stream(r, id, &id_len, buf, sizeof buf) == 0);
    CHECK(id_len == 5 && id[0] == 0);

    /* Raw bytes in, however they are chunked... */
    write_all(c, "hello", 5);
    size_t got = 0;
    while (got < 5) {
        char rid[256];
        size_t rid_len;
        int n = recv_stream(r, rid, &rid_len, buf + got, sizeof buf - got);
        CHECK(n > 0 && rid_len == id_len && memcmp(rid, id, id_len) == 0);
        got += (size_t) n;
    }
    CHECK(memcmp(buf, "hello", 5) == 0);

    /* ... and raw bytes out: the client's first bytes are the payload. */
    send_stream(r, id, id_len, "world", 5);
    CHECK(read_upto(r, c, buf, 5) == 5 && memcmp(buf, "world", 5) == 0);

    /* An unknown id: dropped silently, or EHOSTUNREACH when mandatory. */
    CHECK(zmq_send(r, "nobody", 6, ZMQ_SNDMORE) == 6);
    CHECK(zmq_send(r, "lost", 4, 0) == 4);
    CHECK(zmq_setsockopt(r, ZMQ_ROUTER_MANDATORY, &one, sizeof one) == 0);
    CHECK_ERR(zmq_send(r, "nobody", 6, ZMQ_SNDMORE), EHOSTUNREACH);

    /* An empty message closes the connection: the client reads EOF. */
    send_stream(r, id, id_len, "", 0);
    CHECK(read_upto(r, c, buf, sizeof buf) == 0);
    close(c);

    CHECK(zmq_close(r) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
