/* The ZMQ_FD / ZMQ_EVENTS contract: ZMQ_FD is edge-triggered, so a loop
 * that sleeps in poll() on ZMQ_FD and drains with ZMQ_EVENTS plus
 * ZMQ_DONTWAIT receives never misses a message sent from another thread.
 * A wait that lasts 10 s counts as a missed wake-up. */
#include "testutil.h"

#define COUNT 20000
#define ROUNDS 200

struct job
{
    void *sock;
    int go_fd;
    int rc;
};

static void blast (void *arg)
{
    struct job *j = (struct job *) arg;
    j->rc = 0;
    for (int i = 0; i < COUNT; i++) {
        if (zmq_send (j->sock, &i, sizeof i, 0) != (int) sizeof i) {
            j->rc = -1;
            return;
        }
    }
}

/* One message per byte read from go_fd. */
static void on_demand (void *arg)
{
    struct job *j = (struct job *) arg;
    char c;
    j->rc = 0;
    for (int i = 0; i < ROUNDS; i++) {
        if (read (j->go_fd, &c, 1) != 1
            || zmq_send (j->sock, &i, sizeof i, 0) != (int) sizeof i) {
            j->rc = -1;
            return;
        }
    }
}

static int events_of (void *s)
{
    int ev = 0;
    size_t sz = sizeof ev;
    if (zmq_getsockopt (s, ZMQ_EVENTS, &ev, &sz) != 0)
        return -1;
    return ev;
}

/* Receives `n` messages numbered 0..n-1 using only ZMQ_FD + ZMQ_EVENTS. */
static int drain_loop (void *s, int fd, int n, int go_fd)
{
    int next = 0;
    if (go_fd >= 0 && write (go_fd, "g", 1) != 1)
        return -1;
    while (next < n) {
        int ev = events_of (s);
        if (ev < 0)
            return -1;
        if (ev & ZMQ_POLLIN) {
            int v;
            while (zmq_recv (s, &v, sizeof v, ZMQ_DONTWAIT) == (int) sizeof v) {
                if (v != next) {
                    fprintf (stderr, "got %d, expected %d\n", v, next);
                    return -1;
                }
                next++;
                if (go_fd >= 0 && next < n && write (go_fd, "g", 1) != 1)
                    return -1;
            }
            if (zmq_errno () != EAGAIN)
                return -1;
            continue;
        }
        struct pollfd pfd = {fd, POLLIN, 0};
        int rc = poll (&pfd, 1, 10000);
        if (rc == 0) {
            fprintf (stderr, "missed wake-up after %d of %d messages\n", next,
                     n);
            return -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *rx = zmq_socket (ctx, ZMQ_PAIR);
    void *tx = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (rx && tx);
    CHECK (zmq_bind (rx, "inproc://fd-events") == 0);
    CHECK (zmq_connect (tx, "inproc://fd-events") == 0);

    int fd = -1;
    size_t sz = sizeof fd;
    CHECK (zmq_getsockopt (rx, ZMQ_FD, &fd, &sz) == 0);
    CHECK (sz == sizeof fd && fd >= 0);

    /* nothing pending */
    CHECK ((events_of (rx) & ZMQ_POLLIN) == 0);
    CHECK ((events_of (tx) & ZMQ_POLLOUT) != 0);

    /* a stream of messages sent as fast as possible */
    struct job j = {tx, -1, -1};
    void *t = zmq_threadstart (blast, &j);
    CHECK (t);
    CHECK (drain_loop (rx, fd, COUNT, -1) == 0);
    zmq_threadclose (t);
    CHECK (j.rc == 0);

    /* one message at a time, each sent while the receiver may be asleep */
    int go[2];
    CHECK (pipe (go) == 0);
    j.go_fd = go[0];
    t = zmq_threadstart (on_demand, &j);
    CHECK (t);
    CHECK (drain_loop (rx, fd, ROUNDS, go[1]) == 0);
    zmq_threadclose (t);
    CHECK (j.rc == 0);
    close (go[0]);
    close (go[1]);

    CHECK ((events_of (rx) & ZMQ_POLLIN) == 0);
    CHECK (zmq_close (tx) == 0);
    CHECK (zmq_close (rx) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
