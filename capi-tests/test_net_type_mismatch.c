/* A peer of an incompatible socket type (a DEALER connecting to a PULL):
 * the connecting side reports CONNECTED then DISCONNECTED, with no failed
 * handshake event, and does not reconnect (a protocol error ends the
 * endpoint); nothing reaches the PULL. Both sides see the other's READY,
 * whichever sends first.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *pull = make (ctx, ZMQ_PULL);
    CHECK (zmq_bind (pull, "tcp://127.0.0.1:*") == 0);
    char ep[64];
    CHECK (last_endpoint (pull, ep, sizeof ep) == 0);

    void *dealer = make (ctx, ZMQ_DEALER);
    CHECK (set_int (dealer, ZMQ_RECONNECT_IVL, 20) == 0);
    void *mon = monitor_of (ctx, dealer, "inproc://mismatch", ZMQ_EVENT_ALL);
    CHECK (mon);
    CHECK (zmq_connect (dealer, ep) == 0);
    CHECK (set_int (dealer, ZMQ_SNDTIMEO, 0) == 0);
    zmq_send (dealer, "x", 1, 0);

    uint32_t value;
    char got[256];
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECT_DELAYED, value, got);
    EXPECT_EVENT (mon, ZMQ_EVENT_CONNECTED, value, got);
    EXPECT_EVENT (mon, ZMQ_EVENT_DISCONNECTED, value, got);
    /* no retry: at a 20 ms reconnect interval one would show well within */
    CHECK (set_int (mon, ZMQ_RCVTIMEO, 300) == 0);
    int ev = read_event (mon, &value, got, sizeof got);
    if (ev != -1)
        fprintf (stderr, "unexpected event 0x%x (%u) after DISCONNECTED\n", ev,
                 value);
    CHECK (ev == -1);
    CHECK (quiet (pull, 50));

    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_close (dealer) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
