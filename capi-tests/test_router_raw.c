/* ZMQ_ROUTER_RAW (deprecated, still in the 4.3.5 manual): a ROUTER with
 * ROUTER_RAW = 1 reads and writes plain TCP bytes, like a STREAM socket:
 * no ZMTP greeting goes out, what a plain client writes arrives as
 * [routing id][bytes], and [routing id][bytes] sent back reaches the client
 * without framing. The option is write-only and ROUTER-only.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);

    /* only a ROUTER takes it, and only as a non-negative int */
    void *dealer = make(ctx, ZMQ_DEALER);
    CHECK_ERR(set_int(dealer, ZMQ_ROUTER_RAW, 1), EINVAL);
    CHECK(zmq_close(dealer) == 0);

    void *r = make(ctx, ZMQ_ROUTER);
    CHECK_ERR(set_int(r, ZMQ_ROUTER_RAW, -1), EINVAL);
    CHECK(set_int(r, ZMQ_ROUTER_RAW, 1) == 0);
    int v = 0;
    size_t vlen = sizeof v;
    CHECK_ERR(zmq_getsockopt(r, ZMQ_ROUTER_RAW, &v, &vlen), EINVAL);
    CHECK(zmq_bind(r, "tcp://127.0.0.1:*") == 0);

    int c = raw_connect(bound_port(r));
    CHECK(c >= 0);

    /* no greeting: the plain client reads nothing until we send */
    struct pollfd pfd = {c, POLLIN, 0};
    CHECK(poll(&pfd, 1, 300) == 0);

    /* the client's bytes arrive unframed, after a routing id; an empty
       frame (a connection notice) may come first */
    write_all(c, "hello", 5);
    char id[256], buf[256];
    int id_len, n;
    for (;;) {
        id_len = zmq_recv(r, id, sizeof id, 0);
        CHECK(id_len > 0 && id_len <= (int) sizeof id);
        CHECK(more_flag(r) == 1);
        n = zmq_recv(r, buf, sizeof buf, 0);
        CHECK(n >= 0);
        CHECK(more_flag(r) == 0);
        if (n > 0)
            break;
    }
    CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);

    /* the reply reaches the client as plain bytes */
    CHECK(zmq_send(r, id, (size_t) id_len, ZMQ_SNDMORE) == id_len);
    CHECK(zmq_send(r, "world", 5, 0) == 5);
    unsigned char got[5];
    CHECK(raw_read_n(c, got, 5) == 0);
    CHECK(memcmp(got, "world", 5) == 0);

    close(c);
    CHECK(zmq_close(r) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
