/* DRAFT zmq_socket_monitor_pipes_stats: one ZMQ_EVENT_PIPES_STATS event
 * (version 2) per connection, with two values: the messages queued toward
 * the peer and those queued from it, and the connection's addresses
 * (none for inproc; over tcp the socket's endpoint and the peer's). The
 * peer answers when it processes its commands (any call that checks
 * ZMQ_EVENTS), the event comes when the monitored socket processes its.
 * EINVAL unless the monitor wants ZMQ_EVENT_PIPES_STATS; EAGAIN with no
 * connection; ENOTSOCK for NULL. */
#include "testutil.h"

static void settle (void *s)
{
    int ev;
    size_t len = sizeof ev;
    CHECK (zmq_getsockopt (s, ZMQ_EVENTS, &ev, &len) == 0);
}

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

/* Reads one PIPES_STATS event: its two values and addresses. */
static void read_stats (void *mon, uint64_t v[2], char *local, char *remote)
{
    uint64_t event, count;
    size_t len;
    recv_frame (mon, &event, sizeof event, &len, 1);
    CHECK_INT (event, ZMQ_EVENT_PIPES_STATS);
    recv_frame (mon, &count, sizeof count, &len, 1);
    CHECK_INT (count, 2);
    recv_frame (mon, &v[0], 8, &len, 1);
    recv_frame (mon, &v[1], 8, &len, 1);
    recv_frame (mon, local, 255, &len, 1);
    local[len] = 0;
    recv_frame (mon, remote, 255, &len, 0);
    remote[len] = 0;
}

int main (void)
{
    CHECK_ERR (zmq_socket_monitor_pipes_stats (NULL), ENOTSOCK);
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* inproc */
    void *push = make (ctx, ZMQ_PUSH);
    CHECK_ERR (zmq_socket_monitor_pipes_stats (push), EINVAL);
    /* (no MONITOR_STOPPED: libzmq would block sending it when replaced,
       nobody being connected) */
    CHECK (zmq_socket_monitor_versioned (push, "inproc://stats-mon0", ZMQ_EVENT_CONNECTED, 2, ZMQ_PAIR) == 0);
    CHECK_ERR (zmq_socket_monitor_pipes_stats (push), EINVAL);
    CHECK (zmq_socket_monitor_versioned (push, "inproc://stats-mon", ZMQ_EVENT_PIPES_STATS, 2, ZMQ_PAIR) == 0);
    void *mon = make (ctx, ZMQ_PAIR);
    CHECK (zmq_connect (mon, "inproc://stats-mon") == 0);
    CHECK (zmq_bind (push, "inproc://stats") == 0);
    CHECK_ERR (zmq_socket_monitor_pipes_stats (push), EAGAIN);

    void *pull = make (ctx, ZMQ_PULL);
    CHECK (zmq_connect (pull, "inproc://stats") == 0);
    for (int i = 0; i < 3; i++)
        send_s (push, "m", 0);
    CHECK (zmq_socket_monitor_pipes_stats (push) == 0);
    settle (pull);
    settle (push);
    uint64_t v[2];
    char local[256], remote[256];
    read_stats (mon, v, local, remote);
    CHECK_INT (v[0], 3);
    CHECK_INT (v[1], 0);
    CHECK_STR (local, "");
    CHECK_STR (remote, "");
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (mon) == 0);

    /* tcp, two peers: one event each, naming both addresses */
    push = make (ctx, ZMQ_PUSH);
    CHECK (zmq_socket_monitor_versioned (push, "inproc://stats-mon2", ZMQ_EVENT_PIPES_STATS, 2, ZMQ_PAIR) == 0);
    mon = make (ctx, ZMQ_PAIR);
    CHECK (zmq_connect (mon, "inproc://stats-mon2") == 0);
    CHECK (zmq_bind (push, "tcp://127.0.0.1:*") == 0);
    char endpoint[256];
    CHECK (last_endpoint (push, endpoint, sizeof endpoint) == 0);
    /* two connections, each up (a message went through it) */
    void *pulls[2];
    pulls[0] = make (ctx, ZMQ_PULL);
    CHECK (zmq_connect (pulls[0], endpoint) == 0);
    send_s (push, "hello", 0);
    expect_s (pulls[0], "hello", 0);
    pulls[1] = make (ctx, ZMQ_PULL);
    CHECK (zmq_connect (pulls[1], endpoint) == 0);
    int through = 0;
    for (int i = 0; i < 100 && !through; i++) {
        send_s (push, "hello", 0);
        through = readable (pulls[1], 50);
        drain (pulls[0]);
    }
    CHECK (through);
    drain (pulls[1]);
    CHECK (zmq_socket_monitor_pipes_stats (push) == 0);
    int got = 0;
    char seen[2][256];
    for (int tries = 0; got < 2 && tries < 500; tries++) {
        settle (push);
        if (!readable (mon, 10))
            continue;
        read_stats (mon, v, local, remote);
        CHECK_STR (local, endpoint);
        CHECK (strncmp (remote, "tcp://127.0.0.1:", 16) == 0);
        CHECK (strcmp (remote, endpoint) != 0);
        CHECK_INT (v[1], 0);
        /* (what was sent and not yet reported read: libzmq's reader
           reports its count less often than ours) */
        CHECK (v[0] <= 100);
        strcpy (seen[got++], remote);
    }
    CHECK_INT (got, 2);
    CHECK (strcmp (seen[0], seen[1]) != 0);

    for (int i = 0; i < 2; i++)
        CHECK (zmq_close (pulls[i]) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
