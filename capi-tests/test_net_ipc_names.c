/* ipc endpoint forms: the abstract namespace (ipc://@name) works and
 * reports itself as bound; `ipc://` + `*` binds a fresh path whose
 * LAST_ENDPOINT a peer can connect to; a path longer than sun_path gives
 * ENAMETOOLONG; binding an abstract name twice gives EADDRINUSE. */
#include "testutil.h"

static int roundtrip (void *ctx, const char *ep)
{
    void *srv = zmq_socket (ctx, ZMQ_PAIR);
    void *cli = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (srv && cli);
    CHECK (set_int (srv, ZMQ_RCVTIMEO, NET_WAIT_MS) == 0);
    CHECK (zmq_bind (srv, ep) == 0);
    char last[256];
    CHECK (last_endpoint (srv, last, sizeof last) == 0);
    if (strcmp (ep, "ipc://*") == 0) {
        CHECK (strncmp (last, "ipc://", 6) == 0);
        CHECK (strcmp (last, "ipc://*") != 0);
    } else
        CHECK (strcmp (last, ep) == 0);
    CHECK (zmq_connect (cli, last) == 0);
    CHECK (send_str (cli, "hi", 0) == 0);
    CHECK (recv_is (srv, "hi") == 0);
    CHECK (zmq_close (srv) == 0);
    CHECK (zmq_close (cli) == 0);
    return 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    char abs_ep[128];
    snprintf (abs_ep, sizeof abs_ep, "ipc://@zmq-test-net-abstract-%d", (int) getpid ());
    CHECK (roundtrip (ctx, abs_ep) == 0);
    CHECK (roundtrip (ctx, "ipc://*") == 0);

    /* A fresh name: the real libzmq releases the first one in the
     * background after close, so rebinding it at once could race. */
    snprintf (abs_ep, sizeof abs_ep, "ipc://@zmq-test-net-abstract2-%d", (int) getpid ());
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    void *t = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s && t);
    CHECK (zmq_bind (s, abs_ep) == 0);
    CHECK (zmq_bind (t, abs_ep) == -1);
    CHECK (zmq_errno () == EADDRINUSE);

    char longp[300] = "ipc:///tmp/";
    memset (longp + strlen (longp), 'x', 200);
    longp[211] = 0;
    CHECK (zmq_bind (s, longp) == -1);
    CHECK (zmq_errno () == ENAMETOOLONG);
    CHECK (zmq_connect (s, longp) == -1);
    CHECK (zmq_errno () == ENAMETOOLONG);

    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (t) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
