/* DRAFT zmq_socket_monitor_versioned (zmq_socket_monitor_versioned(3)):
 * event version 2 sends each event as frames: the 64-bit event number,
 * the number of values (64-bit), each value (64-bit), the local address,
 * the remote address; on a PAIR, PUB (topic: the event number) or PUSH
 * monitor socket. Checked over tcp for both sides of a connection: the
 * bound side's LISTENING names only its endpoint, ACCEPTED and
 * HANDSHAKE_SUCCEEDED also the peer's address; the connecting side's
 * CONNECTED and HANDSHAKE_SUCCEEDED name its own address and the endpoint
 * it connected to (the same two, crosswise); MONITOR_STOPPED names none.
 * Version 1 through this call keeps zmq_socket_monitor's format. Errors:
 * ENOTSOCK, EPROTONOSUPPORT (not inproc), EINVAL (socket type; version 1
 * with an event above the first 16 bits). */
#include "testutil.h"

#define MAXV 4

struct ev2
{
    uint64_t event, count, values[MAXV];
    char local[256], remote[256];
};

static void recv_frame (void *mon, void *buf, size_t cap, size_t *len, int more)
{
    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, mon, 0) >= 0);
    CHECK (zmq_msg_more (&m) == more);
    *len = zmq_msg_size (&m);
    CHECK (*len <= cap);
    memcpy (buf, zmq_msg_data (&m), *len);
    CHECK (zmq_msg_close (&m) == 0);
}

/* Reads one version 2 event. */
static void read_ev2 (void *mon, struct ev2 *e)
{
    size_t len;
    memset (e, 0, sizeof *e);
    recv_frame (mon, &e->event, sizeof e->event, &len, 1);
    CHECK_INT (len, 8);
    recv_frame (mon, &e->count, sizeof e->count, &len, 1);
    CHECK_INT (len, 8);
    CHECK (e->count <= MAXV);
    for (uint64_t i = 0; i < e->count; i++) {
        recv_frame (mon, &e->values[i], sizeof e->values[i], &len, 1);
        CHECK_INT (len, 8);
    }
    recv_frame (mon, e->local, sizeof e->local - 1, &len, 1);
    e->local[len] = 0;
    recv_frame (mon, e->remote, sizeof e->remote - 1, &len, 0);
    e->remote[len] = 0;
}

static int starts_with (const char *s, const char *prefix)
{
    return strncmp (s, prefix, strlen (prefix)) == 0;
}

static void check_tcp (void *ctx, int type, int consumer_type)
{
    char server_mon_ep[64], client_mon_ep[64];
    snprintf (server_mon_ep, sizeof server_mon_ep, "inproc://mon-server-%d", type);
    snprintf (client_mon_ep, sizeof client_mon_ep, "inproc://mon-client-%d", type);
    void *server = make (ctx, ZMQ_DEALER);
    void *client = make (ctx, ZMQ_DEALER);
    CHECK (zmq_socket_monitor_versioned (server, server_mon_ep, ZMQ_EVENT_ALL_V2, 2, type) == 0);
    CHECK (zmq_socket_monitor_versioned (client, client_mon_ep, ZMQ_EVENT_ALL_V2, 2, type) == 0);
    void *server_mon = make (ctx, consumer_type);
    void *client_mon = make (ctx, consumer_type);
    if (consumer_type == ZMQ_SUB) {
        CHECK (zmq_setsockopt (server_mon, ZMQ_SUBSCRIBE, "", 0) == 0);
        CHECK (zmq_setsockopt (client_mon, ZMQ_SUBSCRIBE, "", 0) == 0);
    }
    CHECK (zmq_connect (server_mon, server_mon_ep) == 0);
    CHECK (zmq_connect (client_mon, client_mon_ep) == 0);

    CHECK (zmq_bind (server, "tcp://127.0.0.1:*") == 0);
    char endpoint[256];
    CHECK (last_endpoint (server, endpoint, sizeof endpoint) == 0);
    CHECK (zmq_connect (client, endpoint) == 0);
    send_s (client, "ping", 0);
    expect_s (server, "ping", 0);

    struct ev2 e;
    /* bound side */
    read_ev2 (server_mon, &e);
    CHECK_INT (e.event, ZMQ_EVENT_LISTENING);
    CHECK_INT (e.count, 1);
    CHECK_STR (e.local, endpoint);
    CHECK_STR (e.remote, "");
    read_ev2 (server_mon, &e);
    CHECK_INT (e.event, ZMQ_EVENT_ACCEPTED);
    CHECK_INT (e.count, 1);
    CHECK_STR (e.local, endpoint);
    CHECK (starts_with (e.remote, "tcp://127.0.0.1:"));
    CHECK (strcmp (e.remote, endpoint) != 0);
    char peer[256];
    strcpy (peer, e.remote);
    read_ev2 (server_mon, &e);
    CHECK_INT (e.event, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK_STR (e.local, endpoint);
    CHECK_STR (e.remote, peer);

    /* connecting side: its own address is what the server saw */
    read_ev2 (client_mon, &e);
    if (e.event == ZMQ_EVENT_CONNECT_DELAYED) {
        CHECK_STR (e.local, "");
        CHECK_STR (e.remote, endpoint);
        read_ev2 (client_mon, &e);
    }
    CHECK_INT (e.event, ZMQ_EVENT_CONNECTED);
    CHECK_INT (e.count, 1);
    CHECK_STR (e.local, peer);
    CHECK_STR (e.remote, endpoint);
    read_ev2 (client_mon, &e);
    CHECK_INT (e.event, ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK_STR (e.local, peer);
    CHECK_STR (e.remote, endpoint);

    /* stopping the monitor: MONITOR_STOPPED, value 0, no addresses */
    CHECK (zmq_socket_monitor_versioned (client, NULL, 0, 2, type) == 0);
    read_ev2 (client_mon, &e);
    CHECK_INT (e.event, ZMQ_EVENT_MONITOR_STOPPED);
    CHECK_INT (e.count, 1);
    CHECK_INT (e.values[0], 0);
    CHECK_STR (e.local, "");
    CHECK_STR (e.remote, "");

    /* as in main: the server's monitor stops before its reader closes */
    CHECK (zmq_socket_monitor_versioned (server, NULL, 0, 2, type) == 0);
    CHECK (zmq_close (client) == 0);
    CHECK (zmq_close (server) == 0);
    CHECK (zmq_close (client_mon) == 0);
    CHECK (zmq_close (server_mon) == 0);
}

int main (void)
{
    CHECK_ERR (zmq_socket_monitor_versioned (NULL, "inproc://m", ZMQ_EVENT_ALL, 2, ZMQ_PAIR), ENOTSOCK);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = make (ctx, ZMQ_DEALER);
    CHECK_ERR (zmq_socket_monitor_versioned (s, "tcp://127.0.0.1:5555", ZMQ_EVENT_ALL, 2, ZMQ_PAIR), EPROTONOSUPPORT);
    CHECK_ERR (zmq_socket_monitor_versioned (s, "inproc://m", ZMQ_EVENT_ALL, 2, ZMQ_DEALER), EINVAL);
    CHECK_ERR (zmq_socket_monitor_versioned (s, "inproc://m", ZMQ_EVENT_ALL, 2, ZMQ_SUB), EINVAL);
    /* version 1 has 16 event bits */
    CHECK_ERR (zmq_socket_monitor_versioned (s, "inproc://m", ZMQ_EVENT_ALL_V2, 1, ZMQ_PAIR), EINVAL);
    CHECK_ERR (zmq_socket_monitor_versioned (s, NULL, ZMQ_EVENT_PIPES_STATS, 1, ZMQ_PAIR), EINVAL);

    /* version 1 through the versioned call, on a PUSH socket */
    CHECK (zmq_socket_monitor_versioned (s, "inproc://m1", ZMQ_EVENT_ALL_V1, 1, ZMQ_PUSH) == 0);
    void *pull = make (ctx, ZMQ_PULL);
    CHECK (zmq_connect (pull, "inproc://m1") == 0);
    CHECK (zmq_bind (s, "tcp://127.0.0.1:*") == 0);
    char endpoint[256];
    CHECK (last_endpoint (s, endpoint, sizeof endpoint) == 0);
    unsigned char head[16];
    size_t len;
    recv_frame (pull, head, sizeof head, &len, 1);
    CHECK_INT (len, 6);
    uint16_t ev;
    memcpy (&ev, head, 2);
    CHECK_INT (ev, ZMQ_EVENT_LISTENING);
    char name[256];
    recv_frame (pull, name, sizeof name - 1, &len, 0);
    name[len] = 0;
    CHECK_STR (name, endpoint);
    /* Monitors are stopped while their readers are still connected: in
       libzmq the I/O thread sends the events of a closing socket
       (CLOSED for its listener) with a blocking send, which never returns
       once the monitor socket has no peer, and every later test then
       waits on that stuck thread. */
    CHECK (zmq_socket_monitor_versioned (s, NULL, 0, 1, ZMQ_PUSH) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (s) == 0);

    check_tcp (ctx, ZMQ_PAIR, ZMQ_PAIR);
    check_tcp (ctx, ZMQ_PUB, ZMQ_SUB);
    check_tcp (ctx, ZMQ_PUSH, ZMQ_PULL);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
