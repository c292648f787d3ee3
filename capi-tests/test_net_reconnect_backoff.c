/* ZMQ_RECONNECT_IVL_MAX: connecting to a port where nobody listens, each
 * CONNECT_RETRIED carries the interval used: the base interval doubles on
 * every failed attempt up to RECONNECT_IVL_MAX, plus a jitter smaller than
 * RECONNECT_IVL. The port is held by a bound, non-listening BSD socket so
 * every attempt is refused. */
#include "testutil.h"

int main (void)
{
    int port;
    int hold = hold_port (&port);
    char ep[64], ev_ep[256];
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (s);
    CHECK (set_int (s, ZMQ_RECONNECT_IVL, 20) == 0);
    CHECK (set_int (s, ZMQ_RECONNECT_IVL_MAX, 160) == 0);
    void *mon = monitor_of (ctx, s, "inproc://mon", ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (mon);
    CHECK (zmq_connect (s, ep) == 0);

    int base = 20;
    for (int i = 0; i < 7; i++) {
        uint32_t value;
        CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CONNECT_RETRIED);
        CHECK (strcmp (ev_ep, ep) == 0);
        if (!((int) value >= base && (int) value < base + 20)) {
            fprintf (stderr, "retry %d: interval %u, expected [%d, %d)\n", i,
                     value, base, base + 20);
            return 1;
        }
        base = base * 2 > 160 ? 160 : base * 2;
    }
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    close (hold);
    return 0;
}
