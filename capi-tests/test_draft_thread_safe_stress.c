/* One SERVER and one CLIENT, each used by several threads at once:
 * SENDERS threads send on the CLIENT, ECHOERS threads receive on the
 * SERVER and send each message back by its routing id, RECEIVERS threads
 * receive the echoes on the CLIENT. Every message carries a unique number;
 * each must come back exactly once. Blocked receivers must not stop the
 * other threads from sending (libzmq's thread-safe sockets release their
 * lock while they wait). Over inproc and tcp.
 *
 * libzmq 4.3.4 deadlocks on the inproc run (most runs, within a second):
 * a thread reading from an inproc pipe under one socket's mutex sends
 * the peer an activate_write command, which takes the peer socket's
 * mutex (its mailbox shares it), while a thread of the peer does the
 * same the other way round. Our mailboxes have their own lock, so the
 * inproc run is skipped only on the real library (REAL_LIBZMQ). */
#include "testutil.h"

#define SENDERS 4
#define ECHOERS 2
#define RECEIVERS 3
#define PER_SENDER 5000
#define TOTAL (SENDERS * PER_SENDER)

static void *server, *client;
static unsigned char seen[TOTAL];
static int echoed, received, dup_or_bad;

struct sender_arg {
    int first;
};

static void *sender (void *p)
{
    int first = ((struct sender_arg *) p)->first;
    for (int i = 0; i < PER_SENDER; i++) {
        int n = first + i;
        CHECK (zmq_send (client, &n, sizeof n, 0) == (int) sizeof n);
    }
    return NULL;
}

static void *echoer (void *p)
{
    (void) p;
    while (__sync_fetch_and_add (&echoed, 0) < TOTAL) {
        zmq_msg_t m;
        CHECK (zmq_msg_init (&m) == 0);
        int r = zmq_msg_recv (&m, server, 0);
        if (r < 0) {
            /* RCVTIMEO: look at the count again */
            CHECK (zmq_errno () == EAGAIN);
            zmq_msg_close (&m);
            continue;
        }
        CHECK (r == (int) sizeof (int));
        CHECK (zmq_msg_routing_id (&m) != 0);
        /* the same message goes back: its routing id is still set */
        CHECK (zmq_msg_send (&m, server, 0) == (int) sizeof (int));
        __sync_fetch_and_add (&echoed, 1);
    }
    return NULL;
}

static void *receiver (void *p)
{
    (void) p;
    while (__sync_fetch_and_add (&received, 0) < TOTAL) {
        int n;
        int r = zmq_recv (client, &n, sizeof n, 0);
        if (r < 0) {
            CHECK (zmq_errno () == EAGAIN);
            continue;
        }
        if (r != (int) sizeof n || n < 0 || n >= TOTAL
            || __sync_lock_test_and_set (&seen[n], 1) != 0)
            __sync_fetch_and_add (&dup_or_bad, 1);
        __sync_fetch_and_add (&received, 1);
    }
    return NULL;
}

static void run (void *ctx, const char *bind_ep)
{
    memset (seen, 0, sizeof seen);
    echoed = received = dup_or_bad = 0;
    server = zmq_socket (ctx, ZMQ_SERVER);
    client = zmq_socket (ctx, ZMQ_CLIENT);
    CHECK (server && client);
    CHECK (set_int (server, ZMQ_LINGER, 0) == 0);
    CHECK (set_int (client, ZMQ_LINGER, 0) == 0);
    /* receivers wake now and then to see whether all is done */
    CHECK (set_int (server, ZMQ_RCVTIMEO, 100) == 0);
    CHECK (set_int (client, ZMQ_RCVTIMEO, 100) == 0);
    /* small queues, so that senders block too */
    CHECK (set_int (client, ZMQ_SNDHWM, 100) == 0);
    CHECK (set_int (server, ZMQ_SNDHWM, 100) == 0);
    CHECK (zmq_bind (server, bind_ep) == 0);
    char ep[256];
    CHECK (last_endpoint (server, ep, sizeof ep) == 0);
    CHECK (zmq_connect (client, ep) == 0);

    struct timeval t0, t1;
    gettimeofday (&t0, NULL);
    pthread_t s[SENDERS], e[ECHOERS], r[RECEIVERS];
    struct sender_arg args[SENDERS];
    for (int i = 0; i < RECEIVERS; i++)
        CHECK (pthread_create (&r[i], NULL, receiver, NULL) == 0);
    for (int i = 0; i < ECHOERS; i++)
        CHECK (pthread_create (&e[i], NULL, echoer, NULL) == 0);
    for (int i = 0; i < SENDERS; i++) {
        args[i].first = i * PER_SENDER;
        CHECK (pthread_create (&s[i], NULL, sender, &args[i]) == 0);
    }
    for (int i = 0; i < SENDERS; i++)
        pthread_join (s[i], NULL);
    for (int i = 0; i < ECHOERS; i++)
        pthread_join (e[i], NULL);
    for (int i = 0; i < RECEIVERS; i++)
        pthread_join (r[i], NULL);
    gettimeofday (&t1, NULL);

    CHECK_INT (echoed, TOTAL);
    CHECK_INT (received, TOTAL);
    CHECK_INT (dup_or_bad, 0);
    for (int i = 0; i < TOTAL; i++)
        CHECK (seen[i] == 1);
    fprintf (stderr, "%s: %d messages there and back in %ld ms\n", bind_ep,
             TOTAL,
             (long) ((t1.tv_sec - t0.tv_sec) * 1000
                     + (t1.tv_usec - t0.tv_usec) / 1000));
    zmq_close (client);
    zmq_close (server);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
#ifndef REAL_LIBZMQ
    run (ctx, "inproc://stress");
#endif
    run (ctx, "tcp://127.0.0.1:*");
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
