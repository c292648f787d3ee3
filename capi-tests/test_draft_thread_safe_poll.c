/* zmq_poll on a thread-safe socket wakes for every message while other
 * threads use the same socket: a poller thread waits on a SERVER with
 * zmq_poll and takes what arrives with ZMQ_DONTWAIT, while a busy thread
 * keeps calling the SERVER (sends to an unknown routing id, EHOSTUNREACH,
 * and ZMQ_EVENTS reads), which processes the socket's commands, and a
 * CLIENT sends 2000 messages. The poller must get them all, each poll
 * bounded (a missed wake-up ends the test). Over tcp and inproc. */
#include "testutil.h"

#define COUNT 2000

static void *server;
static volatile int done;
static int received;

static void *poller (void *p)
{
    (void) p;
    while (received < COUNT) {
        zmq_pollitem_t it = {server, 0, ZMQ_POLLIN, 0};
        int r = zmq_poll (&it, 1, TU_WAIT_MS);
        CHECK (r == 1);
        char buf[16];
        while (zmq_recv (server, buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
            received++;
        CHECK (zmq_errno () == EAGAIN);
    }
    return NULL;
}

static void *busy (void *p)
{
    (void) p;
    while (!done) {
        zmq_msg_t m;
        CHECK (zmq_msg_init_size (&m, 1) == 0);
        CHECK (zmq_msg_set_routing_id (&m, 1) == 0);
        /* routing ids are random: 1 is almost surely unknown */
        zmq_msg_send (&m, server, ZMQ_DONTWAIT);
        zmq_msg_close (&m);
        int ev;
        size_t len = sizeof ev;
        CHECK (zmq_getsockopt (server, ZMQ_EVENTS, &ev, &len) == 0);
    }
    return NULL;
}

static void run (void *ctx, const char *ep_in)
{
    server = make (ctx, ZMQ_SERVER);
    void *client = make (ctx, ZMQ_CLIENT);
    CHECK (zmq_bind (server, ep_in) == 0);
    char ep[256];
    CHECK (last_endpoint (server, ep, sizeof ep) == 0);
    CHECK (zmq_connect (client, ep) == 0);
    done = 0;
    received = 0;
    pthread_t tp, tb;
    CHECK (pthread_create (&tp, NULL, poller, NULL) == 0);
    CHECK (pthread_create (&tb, NULL, busy, NULL) == 0);
    for (int i = 0; i < COUNT; i++)
        send_s (client, "m", 0);
    pthread_join (tp, NULL);
    done = 1;
    pthread_join (tb, NULL);
    CHECK_INT (received, COUNT);
    zmq_close (client);
    zmq_close (server);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    run (ctx, "tcp://127.0.0.1:*");
    run (ctx, "inproc://ts-poll");
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
