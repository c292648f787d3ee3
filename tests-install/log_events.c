/* Drives the failures ZMQ_OXIDE_LOG is there to explain; tests-install/
 * run.sh runs it with and without the variable and reads its stderr.
 *   1. a refused handshake: a NULL client meets a PLAIN server
 *   2. a reconnect loop: a connect to a tcp port nobody listens on
 *   3. an address that does not resolve (a name under .invalid, RFC 6761)
 *   4. messages dropped: a PUB whose subscriber's pipe is at its HWM, and a
 *      ROUTER asked to send to a routing id it does not know
 * Each step waits for its monitor event, so the diagnostics of that step
 * have been written when the next begins. Prints the endpoints it used, one
 * per line (handshake=, refused=, unresolved=), for the script to look for. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    uint32_t value;
    char ep[256], refused_ep[64];

    /* 1. mechanism mismatch */
    void *srv = make (ctx, ZMQ_DEALER);
    void *cli = make (ctx, ZMQ_DEALER);
    CHECK (set_int (srv, ZMQ_PLAIN_SERVER, 1) == 0);
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    char srv_ep[64];
    CHECK (last_endpoint (srv, srv_ep, sizeof srv_ep) == 0);
    void *cmon = monitor_of (ctx, cli, "inproc://mon-cli", ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    CHECK (cmon);
    CHECK (zmq_connect (cli, srv_ep) == 0);
    CHECK (wait_event (cmon, ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, &value, ep, sizeof ep)
           == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL);
    CHECK (value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH);
    printf ("handshake=%s\n", srv_ep);
    CHECK (zmq_close (cmon) == 0);
    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (srv) == 0);

    /* 2. connection refused, then a retry: a port just bound and released */
    void *tmp = make (ctx, ZMQ_DEALER);
    CHECK (zmq_bind (tmp, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (tmp, refused_ep, sizeof refused_ep) == 0);
    CHECK (zmq_close (tmp) == 0);
    void *lone = make (ctx, ZMQ_DEALER);
    CHECK (set_int (lone, ZMQ_RECONNECT_IVL, 20) == 0);
    void *lmon = monitor_of (ctx, lone, "inproc://mon-lone", ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (lmon);
    CHECK (zmq_connect (lone, refused_ep) == 0);
    for (int i = 0; i < 2; i++)
        CHECK (wait_event (lmon, ZMQ_EVENT_CONNECT_RETRIED, &value, ep, sizeof ep)
               == ZMQ_EVENT_CONNECT_RETRIED);
    printf ("refused=%s\n", refused_ep);
    CHECK (zmq_close (lmon) == 0);
    CHECK (zmq_close (lone) == 0);

    /* 3. a name that never resolves */
    const char *nowhere = "tcp://zmq-oxide-test.invalid:5555";
    void *lost = make (ctx, ZMQ_DEALER);
    void *nmon = monitor_of (ctx, lost, "inproc://mon-lost", ZMQ_EVENT_CONNECT_RETRIED);
    CHECK (nmon);
    CHECK (zmq_connect (lost, nowhere) == 0);
    CHECK (wait_event (nmon, ZMQ_EVENT_CONNECT_RETRIED, &value, ep, sizeof ep)
           == ZMQ_EVENT_CONNECT_RETRIED);
    printf ("unresolved=%s\n", nowhere);
    CHECK (zmq_close (nmon) == 0);
    CHECK (zmq_close (lost) == 0);

    /* 4. drops: the subscriber reads nothing once subscribed, so its
     * pipe (HWM 1 + 1 over inproc) fills after two messages */
    void *pub = make (ctx, ZMQ_PUB);
    void *sub = make (ctx, ZMQ_SUB);
    CHECK (set_int (pub, ZMQ_SNDHWM, 1) == 0);
    CHECK (set_int (sub, ZMQ_RCVHWM, 1) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "", 0) == 0);
    CHECK (zmq_bind (pub, "inproc://log-hwm") == 0);
    CHECK (zmq_connect (sub, "inproc://log-hwm") == 0);
    sync_sub (pub, sub, "sync");
    for (int i = 0; i < 10; i++)
        send_s (pub, "flood", 0);
    printf ("hwm=inproc://log-hwm\n");
    void *router = make (ctx, ZMQ_ROUTER);
    send_s (router, "nobody", ZMQ_SNDMORE);
    send_s (router, "lost", 0);
    printf ("router=nobody\n");
    CHECK (zmq_close (pub) == 0);
    CHECK (zmq_close (sub) == 0);
    CHECK (zmq_close (router) == 0);

    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
