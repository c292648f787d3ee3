/* ZMQ_METADATA: "X-name:value" properties a socket sends in its handshake
 * (NULL, and CURVE's INITIATE/READY), read by the peer from each message
 * with zmq_msg_gets; the first value set for a name is the one sent. */
#include "testutil.h"

static void check_props (zmq_msg_t *m)
{
    const char *v = zmq_msg_gets (m, "X-Color");
    CHECK (v && strcmp (v, "blue") == 0);
    v = zmq_msg_gets (m, "X-Path");
    CHECK (v && strcmp (v, "a:b:c") == 0);
    v = zmq_msg_gets (m, "Socket-Type");
    CHECK (v && strcmp (v, "DEALER") == 0);
}

static void run (void *ctx, int curve)
{
    void *srv = make (ctx, ZMQ_DEALER);
    void *cli = make (ctx, ZMQ_DEALER);
    CHECK (zmq_setsockopt (cli, ZMQ_METADATA, "X-Color:blue", 12) == 0);
    CHECK (zmq_setsockopt (cli, ZMQ_METADATA, "X-Color:red", 11) == 0);
    CHECK (zmq_setsockopt (cli, ZMQ_METADATA, "X-Path:a:b:c", 12) == 0);
    CHECK (zmq_setsockopt (srv, ZMQ_METADATA, "X-Role:server", 13) == 0);
    if (curve) {
        char spub[41], ssec[41], cpub[41], csec[41];
        CHECK (zmq_curve_keypair (spub, ssec) == 0);
        CHECK (zmq_curve_keypair (cpub, csec) == 0);
        CHECK (set_int (srv, ZMQ_CURVE_SERVER, 1) == 0);
        CHECK (zmq_setsockopt (srv, ZMQ_CURVE_SECRETKEY, ssec, 40) == 0);
        CHECK (zmq_setsockopt (cli, ZMQ_CURVE_SERVERKEY, spub, 40) == 0);
        CHECK (zmq_setsockopt (cli, ZMQ_CURVE_PUBLICKEY, cpub, 40) == 0);
        CHECK (zmq_setsockopt (cli, ZMQ_CURVE_SECRETKEY, csec, 40) == 0);
    }
    char ep[256];
    CHECK (zmq_bind (srv, "tcp://127.0.0.1:*") == 0);
    CHECK (last_endpoint (srv, ep, sizeof ep) == 0);
    CHECK (zmq_connect (cli, ep) == 0);

    send_s (cli, "hi", 0);
    zmq_msg_t m;
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, srv, 0) == 2);
    check_props (&m);
    CHECK (zmq_msg_gets (&m, "X-Role") == NULL);
    CHECK (zmq_msg_close (&m) == 0);

    send_s (srv, "back", 0);
    CHECK (zmq_msg_init (&m) == 0);
    CHECK (zmq_msg_recv (&m, cli, 0) == 4);
    const char *v = zmq_msg_gets (&m, "X-Role");
    CHECK (v && strcmp (v, "server") == 0);
    CHECK (zmq_msg_gets (&m, "X-Color") == NULL);
    CHECK (zmq_msg_close (&m) == 0);
    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (srv) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    run (ctx, 0);
    if (zmq_has ("curve"))
        run (ctx, 1);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
