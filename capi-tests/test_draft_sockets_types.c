/* The thread-safe DRAFT socket types pass messages over tcp, ipc and
 * inproc, and refuse what libzmq refuses:
 * - SERVER/CLIENT: the server stamps each message with its peer's routing
 *   id and routes a reply by it; EHOSTUNREACH for an unknown id; EINVAL
 *   on ZMQ_SNDMORE; CLIENT load-balances over two servers.
 * - RADIO/DISH: a DISH gets the messages of the groups it joined, with
 *   their group, and none after it left; join/leave rules.
 * - SCATTER/GATHER, CHANNEL: single-part pipeline and pair.
 * - PEER: zmq_connect_peer returns the new peer's routing id; both sides
 *   address each other by id.
 * - ZMQ_THREAD_SAFE is 1 and ZMQ_FD is EINVAL; zmq_poller waits on them,
 *   and its zmq_poller_fd (EINVAL without a thread-safe socket) wakes an
 *   outside poll(2) loop. */
#include "testutil.h"

static char ep_buf[256];

/* Binds `s` to a fresh endpoint of transport `t` and returns it. */
static const char *bind_any (void *s, const char *t, const char *name)
{
    if (strcmp (t, "tcp") == 0) {
        CHECK (zmq_bind (s, "tcp://127.0.0.1:*") == 0);
        CHECK (last_endpoint (s, ep_buf, sizeof ep_buf) == 0);
    } else if (strcmp (t, "ipc") == 0) {
        snprintf (ep_buf, sizeof ep_buf, "ipc:///tmp/zo-draft-%d-%s",
                  (int) getpid (), name);
        CHECK (zmq_bind (s, ep_buf) == 0);
    } else {
        snprintf (ep_buf, sizeof ep_buf, "inproc://draft-%s", name);
        CHECK (zmq_bind (s, ep_buf) == 0);
    }
    return ep_buf;
}

/* Receives one message into `m` (checked) and returns its routing id. */
static uint32_t recv_msg (void *s, zmq_msg_t *m, const char *want)
{
    CHECK (zmq_msg_init (m) == 0);
    int n = zmq_msg_recv (m, s, 0);
    CHECK (n == (int) strlen (want));
    CHECK (memcmp (zmq_msg_data (m), want, n) == 0);
    CHECK (zmq_msg_more (m) == 0);
    return zmq_msg_routing_id (m);
}

static void send_to (void *s, uint32_t id, const char *data)
{
    zmq_msg_t m;
    CHECK (zmq_msg_init_size (&m, strlen (data)) == 0);
    memcpy (zmq_msg_data (&m), data, strlen (data));
    CHECK (zmq_msg_set_routing_id (&m, id) == 0);
    CHECK (zmq_msg_send (&m, s, 0) == (int) strlen (data));
}

static void server_client (void *ctx, const char *t)
{
    void *server = make (ctx, ZMQ_SERVER);
    void *server2 = make (ctx, ZMQ_SERVER);
    void *client = make (ctx, ZMQ_CLIENT);
    char ep1[256], ep2[256];
    strcpy (ep1, bind_any (server, t, "server1"));
    strcpy (ep2, bind_any (server2, t, "server2"));
    CHECK (zmq_connect (client, ep1) == 0);

    send_s (client, "hello", 0);
    zmq_msg_t m;
    uint32_t id = recv_msg (server, &m, "hello");
    CHECK (id != 0);
    CHECK (zmq_msg_close (&m) == 0);
    send_to (server, id, "world");
    CHECK (recv_msg (client, &m, "world") == 0);
    CHECK (zmq_msg_close (&m) == 0);

    /* single-part only; unknown ids are unreachable */
    CHECK_ERR (zmq_send (client, "x", 1, ZMQ_SNDMORE), EINVAL);
    zmq_msg_t bad;
    CHECK (zmq_msg_init_size (&bad, 1) == 0);
    CHECK (zmq_msg_set_routing_id (&bad, id + 1) == 0);
    CHECK_ERR (zmq_msg_send (&bad, server, 0), EHOSTUNREACH);
    CHECK (zmq_msg_set_routing_id (&bad, id) == 0);
    CHECK_ERR (zmq_msg_send (&bad, server, ZMQ_SNDMORE), EINVAL);
    CHECK (zmq_msg_close (&bad) == 0);

    /* a second server: the client load-balances over both */
    CHECK (zmq_connect (client, ep2) == 0);
    /* the connection to server2 exists once server2 heard from it */
    int got1 = 0, got2 = 0;
    for (int i = 0; i < 200 && (got1 == 0 || got2 == 0); i++) {
        send_s (client, "lb", 0);
        zmq_pollitem_t items[2] = {{server, 0, ZMQ_POLLIN, 0},
                                   {server2, 0, ZMQ_POLLIN, 0}};
        CHECK (zmq_poll (items, 2, TU_WAIT_MS) > 0);
        if (items[0].revents) {
            recv_msg (server, &m, "lb");
            zmq_msg_close (&m);
            got1++;
        }
        if (items[1].revents) {
            recv_msg (server2, &m, "lb");
            zmq_msg_close (&m);
            got2++;
        }
    }
    CHECK (got1 > 0 && got2 > 0);
    zmq_close (client);
    zmq_close (server);
    zmq_close (server2);
}

static void radio_dish (void *ctx, const char *t, int dish_binds)
{
    void *radio = make (ctx, ZMQ_RADIO);
    void *dish = make (ctx, ZMQ_DISH);
    char name[32];
    snprintf (name, sizeof name, "radio%d", dish_binds);
    if (dish_binds)
        CHECK (zmq_connect (radio, bind_any (dish, t, name)) == 0);
    else
        CHECK (zmq_connect (dish, bind_any (radio, t, name)) == 0);
    CHECK (zmq_join (dish, "weather") == 0);
    CHECK (zmq_join (dish, "news") == 0);

    /* the JOIN reaches the radio asynchronously: send until it arrives */
    zmq_msg_t m;
    int arrived = 0;
    for (int i = 0; i < 500 && !arrived; i++) {
        CHECK (zmq_msg_init_size (&m, 4) == 0);
        memcpy (zmq_msg_data (&m), "rain", 4);
        CHECK (zmq_msg_set_group (&m, "weather") == 0);
        CHECK (zmq_msg_send (&m, radio, 0) == 4);
        arrived = readable (dish, 10);
    }
    CHECK (arrived);
    CHECK (recv_msg (dish, &m, "rain") == 0);
    CHECK_STR (zmq_msg_group (&m), "weather");
    zmq_msg_close (&m);
    drain (dish);

    /* a group nobody joined, then one joined: only the latter arrives */
    CHECK (zmq_msg_init_size (&m, 3) == 0);
    memcpy (zmq_msg_data (&m), "ski", 3);
    CHECK (zmq_msg_set_group (&m, "sport") == 0);
    CHECK (zmq_msg_send (&m, radio, 0) == 3);
    CHECK (zmq_msg_init_size (&m, 5) == 0);
    memcpy (zmq_msg_data (&m), "today", 5);
    CHECK (zmq_msg_set_group (&m, "news") == 0);
    CHECK (zmq_msg_send (&m, radio, 0) == 5);
    recv_msg (dish, &m, "today");
    CHECK_STR (zmq_msg_group (&m), "news");
    zmq_msg_close (&m);

    /* RADIO is single-part; DISH never sends, RADIO never receives */
    CHECK_ERR (zmq_send (radio, "x", 1, ZMQ_SNDMORE), EINVAL);
    CHECK_ERR (zmq_send (dish, "x", 1, 0), ENOTSUP);
    char buf[8];
    CHECK_ERR (zmq_recv (radio, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSUP);

    /* after LEAVE (sent before the next message, on the same pipe) nothing
     * of that group arrives; a marker in a joined group proves the order */
    CHECK (zmq_leave (dish, "news") == 0);
    for (int i = 0; i < 500; i++) {
        CHECK (zmq_msg_init_size (&m, 4) == 0);
        memcpy (zmq_msg_data (&m), "late", 4);
        CHECK (zmq_msg_set_group (&m, "news") == 0);
        CHECK (zmq_msg_send (&m, radio, 0) == 4);
        CHECK (zmq_msg_init_size (&m, 4) == 0);
        memcpy (zmq_msg_data (&m), "mark", 4);
        CHECK (zmq_msg_set_group (&m, "weather") == 0);
        CHECK (zmq_msg_send (&m, radio, 0) == 4);
        CHECK (zmq_msg_init (&m) == 0);
        CHECK (zmq_msg_recv (&m, dish, 0) == 4);
        int late = memcmp (zmq_msg_data (&m), "late", 4) == 0;
        zmq_msg_close (&m);
        if (!late) {
            /* the radio has seen the LEAVE: from now on, only marks */
            CHECK (zmq_msg_init_size (&m, 4) == 0);
            memcpy (zmq_msg_data (&m), "late", 4);
            CHECK (zmq_msg_set_group (&m, "news") == 0);
            CHECK (zmq_msg_send (&m, radio, 0) == 4);
            CHECK (zmq_msg_init_size (&m, 4) == 0);
            memcpy (zmq_msg_data (&m), "last", 4);
            CHECK (zmq_msg_set_group (&m, "weather") == 0);
            CHECK (zmq_msg_send (&m, radio, 0) == 4);
            while (1) {
                CHECK (zmq_msg_init (&m) == 0);
                CHECK (zmq_msg_recv (&m, dish, 0) == 4);
                CHECK (memcmp (zmq_msg_data (&m), "late", 4) != 0);
                int last = memcmp (zmq_msg_data (&m), "last", 4) == 0;
                zmq_msg_close (&m);
                if (last)
                    break;
            }
            break;
        }
    }
    zmq_close (radio);
    zmq_close (dish);
}

static void scatter_gather (void *ctx, const char *t)
{
    void *gather = make (ctx, ZMQ_GATHER);
    void *scatter = make (ctx, ZMQ_SCATTER);
    CHECK (zmq_connect (scatter, bind_any (gather, t, "gather")) == 0);
    for (int i = 0; i < 10; i++)
        send_s (scatter, "job", 0);
    for (int i = 0; i < 10; i++)
        expect_s (gather, "job", 0);
    CHECK_ERR (zmq_send (scatter, "x", 1, ZMQ_SNDMORE), EINVAL);
    CHECK_ERR (zmq_send (gather, "x", 1, 0), ENOTSUP);
    char buf[8];
    CHECK_ERR (zmq_recv (scatter, buf, sizeof buf, ZMQ_DONTWAIT), ENOTSUP);
    zmq_close (gather);
    zmq_close (scatter);
}

static void channel (void *ctx, const char *t)
{
    void *a = make (ctx, ZMQ_CHANNEL);
    void *b = make (ctx, ZMQ_CHANNEL);
    CHECK (zmq_connect (b, bind_any (a, t, "channel")) == 0);
    send_s (b, "ping", 0);
    expect_s (a, "ping", 0);
    send_s (a, "pong", 0);
    expect_s (b, "pong", 0);
    CHECK_ERR (zmq_send (a, "x", 1, ZMQ_SNDMORE), EINVAL);
    zmq_close (a);
    zmq_close (b);
}

static void peer (void *ctx, const char *t)
{
    void *p1 = make (ctx, ZMQ_PEER);
    void *p2 = make (ctx, ZMQ_PEER);
    const char *ep = bind_any (p1, t, "peer");
    uint32_t to_p1 = zmq_connect_peer (p2, ep);
    CHECK (to_p1 != 0);
    send_to (p2, to_p1, "hi");
    zmq_msg_t m;
    uint32_t to_p2 = recv_msg (p1, &m, "hi");
    CHECK (to_p2 != 0);
    zmq_msg_close (&m);
    send_to (p1, to_p2, "there");
    CHECK (recv_msg (p2, &m, "there") == to_p1);
    zmq_msg_close (&m);
    CHECK_ERR (zmq_send (p2, "x", 1, ZMQ_SNDMORE), EINVAL);
    zmq_close (p1);
    zmq_close (p2);
}

static void rules (void *ctx)
{
    static const int types[] = {ZMQ_SERVER,  ZMQ_CLIENT, ZMQ_RADIO,
                                ZMQ_DISH,    ZMQ_GATHER, ZMQ_SCATTER,
                                ZMQ_PEER,    ZMQ_CHANNEL};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        void *s = make (ctx, types[i]);
        int v = -1;
        size_t len = sizeof v;
        CHECK (zmq_getsockopt (s, ZMQ_THREAD_SAFE, &v, &len) == 0);
        CHECK_INT (v, 1);
        zmq_fd_t fd;
        len = sizeof fd;
        CHECK_ERR (zmq_getsockopt (s, ZMQ_FD, &fd, &len), EINVAL);
        if (types[i] != ZMQ_DISH) {
            CHECK_ERR (zmq_join (s, "g"), ENOTSUP);
            CHECK_ERR (zmq_leave (s, "g"), ENOTSUP);
        }
        if (types[i] != ZMQ_PEER) {
            errno = 0;
            CHECK (zmq_connect_peer (s, "inproc://nowhere") == 0);
            CHECK_INT (zmq_errno (), ENOTSUP);
        }
        zmq_close (s);
    }
    void *pair = make (ctx, ZMQ_PAIR);
    int v = -1;
    size_t len = sizeof v;
    CHECK (zmq_getsockopt (pair, ZMQ_THREAD_SAFE, &v, &len) == 0);
    CHECK_INT (v, 0);
    CHECK_ERR (zmq_join (pair, "g"), ENOTSUP);
    zmq_close (pair);

    void *dish = make (ctx, ZMQ_DISH);
    char longest[ZMQ_GROUP_MAX_LENGTH + 2];
    memset (longest, 'g', sizeof longest);
    longest[ZMQ_GROUP_MAX_LENGTH + 1] = 0;
    CHECK_ERR (zmq_join (dish, longest), EINVAL);
    longest[ZMQ_GROUP_MAX_LENGTH] = 0;
    CHECK (zmq_join (dish, longest) == 0);
    CHECK_ERR (zmq_join (dish, longest), EINVAL);
    CHECK (zmq_leave (dish, longest) == 0);
    CHECK_ERR (zmq_leave (dish, longest), EINVAL);
    zmq_close (dish);

    /* zmq_connect_peer with ZMQ_IMMEDIATE: no id to give (EFAULT) */
    void *p = make (ctx, ZMQ_PEER);
    CHECK (set_int (p, ZMQ_IMMEDIATE, 1) == 0);
    errno = 0;
    CHECK (zmq_connect_peer (p, "tcp://127.0.0.1:1") == 0);
    CHECK_INT (zmq_errno (), EFAULT);
    zmq_close (p);
}

static void poller (void *ctx)
{
    void *server = make (ctx, ZMQ_SERVER);
    void *client = make (ctx, ZMQ_CLIENT);
    CHECK (zmq_bind (server, "inproc://draft-poller") == 0);
    CHECK (zmq_connect (client, "inproc://draft-poller") == 0);
    void *p = zmq_poller_new ();
    CHECK (p);
    zmq_fd_t fd;
    /* a poller has an fd only while it holds a thread-safe socket */
    CHECK_ERR (zmq_poller_fd (p, &fd), EINVAL);
    CHECK (zmq_poller_add (p, server, NULL, ZMQ_POLLIN) == 0);
    zmq_poller_event_t ev;
    CHECK_ERR (zmq_poller_wait (p, &ev, 0), EAGAIN);
    CHECK (zmq_poller_fd (p, &fd) == 0);
    CHECK (fd >= 0);
    send_s (client, "wake", 0);
    /* the poller's fd wakes an outside loop, which then asks the poller */
    struct pollfd pfd = {fd, POLLIN, 0};
    CHECK (poll (&pfd, 1, TU_WAIT_MS) == 1);
    CHECK (zmq_poller_wait (p, &ev, 0) == 0);
    CHECK (ev.socket == server && ev.events == ZMQ_POLLIN);
    zmq_msg_t m;
    recv_msg (server, &m, "wake");
    zmq_msg_close (&m);
    CHECK_ERR (zmq_poller_wait (p, &ev, 0), EAGAIN);
    /* a blocking wait is woken by a message, as are two pollers at once */
    void *p2 = zmq_poller_new ();
    CHECK (p2);
    CHECK (zmq_poller_add (p2, server, NULL, ZMQ_POLLIN) == 0);
    CHECK_ERR (zmq_poller_wait (p2, &ev, 0), EAGAIN);
    send_s (client, "again", 0);
    CHECK (zmq_poller_wait (p, &ev, TU_WAIT_MS) == 0);
    CHECK (zmq_poller_wait (p2, &ev, TU_WAIT_MS) == 0);
    CHECK (ev.socket == server && ev.events == ZMQ_POLLIN);
    recv_msg (server, &m, "again");
    zmq_msg_close (&m);
    CHECK (zmq_poller_destroy (&p2) == 0);
    CHECK (zmq_poller_destroy (&p) == 0);
    zmq_close (server);
    zmq_close (client);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    rules (ctx);
    poller (ctx);
    const char *transports[] = {"inproc", "tcp", "ipc"};
    for (int i = 0; i < 3; i++) {
        const char *t = transports[i];
        server_client (ctx, t);
        radio_dish (ctx, t, 0);
        radio_dish (ctx, t, 1);
        scatter_gather (ctx, t);
        channel (ctx, t);
        peer (ctx, t);
        fprintf (stderr, "%s: ok\n", t);
    }
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
