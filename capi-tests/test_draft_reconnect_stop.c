/* ZMQ_RECONNECT_STOP (draft): with ZMQ_RECONNECT_STOP_CONN_REFUSED a tcp
 * connect that is refused is not retried (the attempt's socket is reported
 * CLOSED, then no CONNECT_RETRIED); with ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED
 * a connection that ends before its handshake completes is not retried.
 * Without them both are retried. */
#include "testutil.h"

/* Events of `mon` until CLOSED or DISCONNECTED (`last`); then whether a
 * CONNECT_RETRIED follows within 500 ms. */
static int retried_after (void *mon, int last)
{
    CHECK (wait_event (mon, last, NULL, NULL, 0) == last);
    set_int (mon, ZMQ_RCVTIMEO, 500);
    int ev = wait_event (mon, ZMQ_EVENT_CONNECT_RETRIED, NULL, NULL, 0);
    set_int (mon, ZMQ_RCVTIMEO, TU_WAIT_MS);
    return ev == ZMQ_EVENT_CONNECT_RETRIED;
}

static void refused (void *ctx, int stop, int n)
{
    int port;
    int held = hold_port (&port);
    void *dealer = make (ctx, ZMQ_DEALER);
    CHECK (set_int (dealer, ZMQ_RECONNECT_STOP, stop) == 0);
    char addr[64], ep[64];
    snprintf (addr, sizeof addr, "inproc://mon-refused-%d", n);
    void *mon = monitor_of (ctx, dealer, addr,
                            ZMQ_EVENT_CLOSED | ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (mon);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK (zmq_connect (dealer, ep) == 0);
    int retried = retried_after (mon, ZMQ_EVENT_CLOSED);
    CHECK (retried == !(stop & ZMQ_RECONNECT_STOP_CONN_REFUSED));
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_close (dealer) == 0);
    close (held);
}

static void handshake_failed (void *ctx, int stop, int n)
{
    int port;
    int lfd = tcp_listener (&port);
    void *dealer = make (ctx, ZMQ_DEALER);
    CHECK (set_int (dealer, ZMQ_RECONNECT_STOP, stop) == 0);
    char addr[64], ep[64];
    snprintf (addr, sizeof addr, "inproc://mon-handshake-%d", n);
    void *mon = monitor_of (ctx, dealer, addr,
                            ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (mon);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK (zmq_connect (dealer, ep) == 0);
    /* A listener that is no ZMTP peer: it hangs up at once. */
    int c = accept (lfd, NULL, NULL);
    CHECK (c >= 0);
    close (c);
    int retried = retried_after (mon, ZMQ_EVENT_DISCONNECTED);
    CHECK (retried == !(stop & ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED));
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_close (dealer) == 0);
    close (lfd);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    refused (ctx, 0, 0);
    refused (ctx, ZMQ_RECONNECT_STOP_CONN_REFUSED, 1);
    refused (ctx, ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED, 2);
    handshake_failed (ctx, 0, 0);
    handshake_failed (ctx, ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED, 1);
    handshake_failed (ctx, ZMQ_RECONNECT_STOP_CONN_REFUSED, 2);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
