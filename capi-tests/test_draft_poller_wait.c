/* DRAFT zmq_poller_wait / zmq_poller_wait_all (zmq_poller(3)): sockets and
 * fds together, each event reported with its socket (fd -1) or fd (socket
 * NULL), its user data and only the requested events, in registration
 * order, at most n_events of them; level-triggered (an unread message is
 * reported again); EAGAIN after the timeout; modify to 0 disables an
 * entry, remove drops it; a wait is woken by a message sent from another
 * thread, and sleeps without burning CPU. */
#include "testutil.h"
#include <sys/resource.h>
#include <time.h>

static long now_ms (void)
{
    struct timespec t;
    clock_gettime (CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static long cpu_ms (void)
{
    struct rusage ru;
    getrusage (RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000L
           + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000L;
}

static void *late_sender (void *arg)
{
    usleep (200 * 1000);
    CHECK (zmq_send (arg, "late", 4, 0) == 4);
    return NULL;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *rx = zmq_socket (ctx, ZMQ_PAIR);
    void *tx = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (rx && tx);
    CHECK (zmq_bind (rx, "inproc://poller-wait") == 0);
    CHECK (zmq_connect (tx, "inproc://poller-wait") == 0);
    int p[2];
    CHECK (pipe (p) == 0);

    int tag_rx, tag_tx, tag_pipe_r, tag_pipe_w;
    void *poller = zmq_poller_new ();
    CHECK (poller);
    CHECK (zmq_poller_add (poller, rx, &tag_rx, ZMQ_POLLIN) == 0);
    CHECK (zmq_poller_add_fd (poller, p[0], &tag_pipe_r, ZMQ_POLLIN) == 0);
    zmq_poller_event_t ev[4];

    /* nothing yet: EAGAIN, after at least the timeout */
    long t0 = now_ms ();
    CHECK_ERR (zmq_poller_wait_all (poller, ev, 4, 100), EAGAIN);
    CHECK (now_ms () - t0 >= 100);

    /* a message, and a byte in the pipe */
    send_s (tx, "hello", 0);
    CHECK (write (p[1], "x", 1) == 1);
    memset (ev, 0x55, sizeof ev);
    CHECK_INT (zmq_poller_wait_all (poller, ev, 4, 1000), 2);
    CHECK (ev[0].socket == rx && ev[0].fd == -1 && ev[0].user_data == &tag_rx);
    CHECK_INT (ev[0].events, ZMQ_POLLIN);
    CHECK (ev[1].socket == NULL && ev[1].fd == p[0] && ev[1].user_data == &tag_pipe_r);
    CHECK_INT (ev[1].events, ZMQ_POLLIN);
    /* unused slots are cleared */
    CHECK (ev[2].socket == NULL && ev[2].fd == -1 && ev[2].user_data == NULL && ev[2].events == 0);

    /* level-triggered: nothing was read, so both are reported again;
       n_events 1 returns the first only */
    CHECK_INT (zmq_poller_wait_all (poller, ev, 1, 0), 1);
    CHECK (ev[0].socket == rx);
    CHECK (zmq_poller_wait (poller, &ev[0], 0) == 0);
    CHECK (ev[0].socket == rx && ev[0].user_data == &tag_rx);

    /* read both: nothing left */
    expect_s (rx, "hello", 0);
    char c;
    CHECK (read (p[0], &c, 1) == 1);
    CHECK_ERR (zmq_poller_wait (poller, &ev[0], 0), EAGAIN);

    /* POLLOUT on a socket and on an fd; only requested events show */
    CHECK (zmq_poller_add (poller, tx, &tag_tx, ZMQ_POLLIN | ZMQ_POLLOUT) == 0);
    CHECK (zmq_poller_add_fd (poller, p[1], &tag_pipe_w, ZMQ_POLLOUT) == 0);
    CHECK_INT (zmq_poller_size (poller), 4);
    CHECK_INT (zmq_poller_wait_all (poller, ev, 4, 0), 2);
    CHECK (ev[0].socket == tx && ev[0].user_data == &tag_tx);
    CHECK_INT (ev[0].events, ZMQ_POLLOUT);
    CHECK (ev[1].fd == p[1] && ev[1].user_data == &tag_pipe_w);
    CHECK_INT (ev[1].events, ZMQ_POLLOUT);

    /* modify to 0 disables, modify back enables; remove drops */
    CHECK (zmq_poller_modify (poller, tx, 0) == 0);
    CHECK (zmq_poller_modify_fd (poller, p[1], 0) == 0);
    CHECK_ERR (zmq_poller_wait_all (poller, ev, 4, 0), EAGAIN);
    CHECK (zmq_poller_modify (poller, tx, ZMQ_POLLOUT) == 0);
    CHECK_INT (zmq_poller_wait_all (poller, ev, 4, 0), 1);
    CHECK (ev[0].socket == tx);
    CHECK (zmq_poller_remove (poller, tx) == 0);
    CHECK (zmq_poller_remove_fd (poller, p[1]) == 0);
    CHECK_ERR (zmq_poller_wait_all (poller, ev, 4, 0), EAGAIN);

    /* an infinite wait is woken by a message from another thread, and
       sleeps meanwhile (no busy loop) */
    pthread_t th;
    long c0 = cpu_ms ();
    t0 = now_ms ();
    CHECK (pthread_create (&th, NULL, late_sender, tx) == 0);
    CHECK (zmq_poller_wait (poller, &ev[0], -1) == 0);
    long waited = now_ms () - t0;
    long burnt = cpu_ms () - c0;
    CHECK (pthread_join (th, NULL) == 0);
    CHECK (ev[0].socket == rx && ev[0].events == ZMQ_POLLIN);
    CHECK (waited >= 150);
    if (burnt > waited / 2) {
        fprintf (stderr, "busy wait: %ld ms CPU in %ld ms\n", burnt, waited);
        return 1;
    }
    expect_s (rx, "late", 0);

    CHECK (zmq_poller_destroy (&poller) == 0);
    close (p[0]);
    close (p[1]);
    CHECK (zmq_close (rx) == 0);
    CHECK (zmq_close (tx) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
