/* ZMQ_IMMEDIATE over tcp: a PUSH whose only connect has no live peer has
 * no pipe, so a DONTWAIT send gives EAGAIN (without IMMEDIATE the message
 * is queued). Once a second connect completes its handshake, sends go to
 * that peer only. */
#include "testutil.h"

int main (void)
{
    /* A port nobody listens on. */
    int port;
    int hold = hold_port (&port);
    char dead[64], live[256], ev_ep[256];
    snprintf (dead, sizeof dead, "tcp://127.0.0.1:%d", port);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    /* Control: without IMMEDIATE the message is queued for the dead peer. */
    void *lazy = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (lazy);
    CHECK (set_int (lazy, ZMQ_LINGER, 0) == 0);
    CHECK (zmq_connect (lazy, dead) == 0);
    CHECK (send_str (lazy, "queued", ZMQ_DONTWAIT) == 0);

    void *push = zmq_socket (ctx, ZMQ_PUSH);
    void *pull = zmq_socket (ctx, ZMQ_PULL);
    CHECK (push && pull);
    CHECK (set_int (push, ZMQ_IMMEDIATE, 1) == 0);
    CHECK (set_int (push, ZMQ_LINGER, 0) == 0);
    CHECK (set_int (pull, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    void *mon = monitor_of (ctx, push, "inproc://mon", ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (mon);
    CHECK (zmq_connect (push, dead) == 0);
    CHECK (zmq_send (push, "x", 1, ZMQ_DONTWAIT) == -1);
    CHECK (zmq_errno () == EAGAIN);
    int events = 0;
    size_t sz = sizeof events;
    CHECK (zmq_getsockopt (push, ZMQ_EVENTS, &events, &sz) == 0);
    CHECK ((events & ZMQ_POLLOUT) == 0);

    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (pull, live, sizeof live) == 0);
    CHECK (zmq_connect (push, live) == 0);
    uint32_t value;
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (strcmp (ev_ep, live) == 0);
    /* The pipe is attached by the time the socket processes its commands;
     * a blocking send waits for it. */
    for (int i = 0; i < 4; i++)
        CHECK (send_str (push, "m", 0) == 0);
    for (int i = 0; i < 4; i++)
        CHECK (recv_is (pull, "m") == 0);

    CHECK (zmq_close (lazy) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    close (hold);
    return 0;
}
