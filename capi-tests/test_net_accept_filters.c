/* ZMQ_TCP_ACCEPT_FILTER and ZMQ_IPC_FILTER_UID / _GID / _PID: a listener
 * set up with filters accepts only the peers that match one of them (the
 * others are disconnected at once, so nothing they send arrives); with no
 * filter, everyone. A TCP filter is an address or address/mask; setting it
 * empty (NULL, 0) clears the list.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void *ctx;

/* Binds a ROUTER with `setup` applied, connects a DEALER that sends "hi",
 * and returns whether the ROUTER received it within 500 ms. */
typedef void (*setup_fn)(void *router, void *arg);

static int delivered(const char *bind_ep, setup_fn setup, void *arg)
{
    void *r = make(ctx, ZMQ_ROUTER);
    if (setup)
        setup(r, arg);
    CHECK(zmq_bind(r, bind_ep) == 0);
    char ep[256];
    CHECK(last_endpoint(r, ep, sizeof ep) == 0);
    void *d = make(ctx, ZMQ_DEALER);
    CHECK(set_int(d, ZMQ_RECONNECT_IVL, 50) == 0);
    CHECK(zmq_connect(d, ep) == 0);
    send_s(d, "hi", 0);
    int got = readable(r, 500);
    if (got) {
        char id[256];
        CHECK(zmq_recv(r, id, sizeof id, 0) > 0);
        expect_s(r, "hi", 0);
    }
    CHECK(zmq_close(d) == 0);
    CHECK(zmq_close(r) == 0);
    return got;
}

/* arg: a NULL-terminated list of TCP filters */
static void tcp_filters(void *r, void *arg)
{
    for (const char **f = arg; *f; f++)
        CHECK(zmq_setsockopt(r, ZMQ_TCP_ACCEPT_FILTER, *f, strlen(*f)) == 0);
}

static void tcp_filter_then_clear(void *r, void *arg)
{
    tcp_filters(r, arg);
    CHECK(zmq_setsockopt(r, ZMQ_TCP_ACCEPT_FILTER, NULL, 0) == 0);
}

struct id_filter
{
    int option, value;
};

static void ipc_filter(void *r, void *arg)
{
    struct id_filter *f = arg;
    CHECK(set_int(r, f->option, f->value) == 0);
}

int main(void)
{
    ctx = zmq_ctx_new();
    CHECK(ctx);
    const char *tcp = "tcp://127.0.0.1:*";

    /* invalid TCP filters are EINVAL */
    void *s = make(ctx, ZMQ_ROUTER);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_TCP_ACCEPT_FILTER, "not an ip", 9), EINVAL);
    CHECK_ERR(zmq_setsockopt(s, ZMQ_TCP_ACCEPT_FILTER, "", 0), EINVAL);
    CHECK(zmq_close(s) == 0);

    const char *other[] = {"10.1.2.3", NULL};
    const char *loop_net[] = {"127.0.0.0/8", NULL};
    const char *both[] = {"10.1.2.3", "127.0.0.1", NULL};
    CHECK(delivered(tcp, NULL, NULL) == 1);
    CHECK(delivered(tcp, tcp_filters, other) == 0);
    CHECK(delivered(tcp, tcp_filters, loop_net) == 1);
    CHECK(delivered(tcp, tcp_filters, both) == 1);
    CHECK(delivered(tcp, tcp_filter_then_clear, other) == 1);

    /* ipc: this process's uid, gid and pid pass; others do not */
    const char *ipc = "ipc://*";
    struct id_filter f;
    f = (struct id_filter){ZMQ_IPC_FILTER_UID, (int) getuid()};
    CHECK(delivered(ipc, ipc_filter, &f) == 1);
    f = (struct id_filter){ZMQ_IPC_FILTER_UID, (int) getuid() + 4242};
    CHECK(delivered(ipc, ipc_filter, &f) == 0);
    f = (struct id_filter){ZMQ_IPC_FILTER_GID, (int) getgid()};
    CHECK(delivered(ipc, ipc_filter, &f) == 1);
    f = (struct id_filter){ZMQ_IPC_FILTER_GID, (int) getgid() + 4242};
    CHECK(delivered(ipc, ipc_filter, &f) == 0);
    f = (struct id_filter){ZMQ_IPC_FILTER_PID, (int) getpid()};
    CHECK(delivered(ipc, ipc_filter, &f) == 1);
    f = (struct id_filter){ZMQ_IPC_FILTER_PID, (int) getpid() + 1};
    CHECK(delivered(ipc, ipc_filter, &f) == 0);

    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
