/* zmq_socket_monitor over inproc: the monitor PAIR receives libzmq's
 * two-frame events (frame 1: 6 bytes = uint16 event + uint32 value in host
 * order; frame 2: the endpoint). inproc bind/connect/disconnect raise no
 * events (as in libzmq); stopping the monitor (NULL endpoint), replacing
 * it, or closing the socket sends ZMQ_EVENT_MONITOR_STOPPED with an empty
 * endpoint, but only when that event was asked for. */
#include "testutil.h"

static int expect_stopped (void *mon)
{
    uint32_t value = 99;
    char ep[256];
    int ev = read_event (mon, &value, ep, sizeof ep);
    if (ev != ZMQ_EVENT_MONITOR_STOPPED || value != 0 || ep[0] != 0) {
        fprintf (stderr, "got event 0x%x value %u endpoint '%s'\n", ev,
                 value, ep);
        return 1;
    }
    return 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_socket_monitor (s, "inproc://monitor-1", ZMQ_EVENT_ALL) == 0);
    void *mon = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (mon);
    CHECK (zmq_connect (mon, "inproc://monitor-1") == 0);

    /* inproc traffic raises no events */
    void *peer = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (peer);
    CHECK (zmq_bind (s, "inproc://monitored") == 0);
    CHECK (zmq_connect (peer, "inproc://monitored") == 0);
    char buf[8];
    CHECK (zmq_send (peer, "hi", 2, 0) == 2);
    CHECK (zmq_recv (s, buf, sizeof buf, 0) == 2);
    CHECK (zmq_close (peer) == 0);
    CHECK (zmq_unbind (s, "inproc://monitored") == 0);
    CHECK (quiet (mon, 100));

    /* stopping the monitor */
    CHECK (zmq_socket_monitor (s, NULL, 0) == 0);
    CHECK (expect_stopped (mon) == 0);
    CHECK (quiet (mon, 50));
    /* stopping again is harmless and sends nothing */
    CHECK (zmq_socket_monitor (s, NULL, 0) == 0);
    CHECK (quiet (mon, 50));

    /* replacing a monitor stops the old one */
    CHECK (zmq_socket_monitor (s, "inproc://monitor-2", ZMQ_EVENT_ALL) == 0);
    void *mon2 = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (mon2);
    CHECK (zmq_connect (mon2, "inproc://monitor-2") == 0);
    CHECK (zmq_socket_monitor (s, "inproc://monitor-3", ZMQ_EVENT_ALL) == 0);
    CHECK (expect_stopped (mon2) == 0);

    /* closing the monitored socket stops its monitor */
    void *mon3 = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (mon3);
    CHECK (zmq_connect (mon3, "inproc://monitor-3") == 0);
    CHECK (zmq_close (s) == 0);
    CHECK (expect_stopped (mon3) == 0);

    /* MONITOR_STOPPED is only sent when asked for */
    s = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s);
    CHECK (zmq_socket_monitor (s, "inproc://monitor-4",
                               ZMQ_EVENT_CONNECTED | ZMQ_EVENT_DISCONNECTED)
           == 0);
    void *mon4 = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (mon4);
    CHECK (zmq_connect (mon4, "inproc://monitor-4") == 0);
    CHECK (zmq_socket_monitor (s, NULL, 0) == 0);
    CHECK (quiet (mon4, 100));

    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_close (mon2) == 0);
    CHECK (zmq_close (mon3) == 0);
    CHECK (zmq_close (mon4) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
