/* ZMQ_CONNECT_TIMEOUT: a tcp connect that the peer never answers is
 * abandoned after the time-out: CONNECT_DELAYED, CLOSED (the abandoned
 * socket, as libzmq reports it), CONNECT_RETRIED; never CONNECTED. The unanswered connect is made by a BSD listening
 * socket with backlog 0 whose accept queue is already full (Linux then
 * drops further SYNs). */
#include "testutil.h"

int main (void)
{
    int port;
    int lst = hold_port (&port);
    CHECK (listen (lst, 0) == 0);
    /* Fill the accept queue. */
    int filler = raw_connect (port);
    CHECK (filler >= 0);
    char ep[64], ev_ep[256];
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s);
    CHECK (set_int (s, ZMQ_CONNECT_TIMEOUT, 100) == 0);
    CHECK (set_int (s, ZMQ_RECONNECT_IVL, 100) == 0);
    CHECK (set_int (s, ZMQ_LINGER, 0) == 0);
    void *mon = monitor_of (ctx, s, "inproc://mon", ZMQ_EVENT_ALL);
    CHECK (mon);
    CHECK (zmq_connect (s, ep) == 0);
    uint32_t value;
    int ev = read_event (mon, &value, ev_ep, sizeof ev_ep);
    CHECK (ev == ZMQ_EVENT_CONNECT_DELAYED);
    ev = read_event (mon, &value, ev_ep, sizeof ev_ep);
    if (ev != ZMQ_EVENT_CLOSED)
        fprintf (stderr, "event 0x%x value %u\n", ev, value);
    CHECK (ev == ZMQ_EVENT_CLOSED);
    CHECK (strcmp (ev_ep, ep) == 0);
    ev = read_event (mon, &value, ev_ep, sizeof ev_ep);
    if (ev != ZMQ_EVENT_CONNECT_RETRIED)
        fprintf (stderr, "event 0x%x value %u\n", ev, value);
    CHECK (ev == ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (strcmp (ev_ep, ep) == 0);
    CHECK (value >= 100 && value < 200);
    /* And again on the next attempt. */
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CONNECT_DELAYED);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CLOSED);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CONNECT_RETRIED);

    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    close (filler);
    close (lst);
    return 0;
}
