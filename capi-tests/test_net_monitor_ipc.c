/* Monitor events over ipc: LISTENING/ACCEPTED/HANDSHAKE_SUCCEEDED on the
 * binder with the path endpoint; CONNECTED (no CONNECT_DELAYED: a unix
 * socket connect completes at once) and HANDSHAKE_SUCCEEDED on the
 * connecter; DISCONNECTED on the connecter when the binder closes, and the
 * binder's CLOSED + MONITOR_STOPPED when it is closed. The socket file of
 * a named path outlives the socket (as with libzmq), so the test removes
 * it at the end. */
#include "testutil.h"

int main (void)
{
    char file[96], path[128], ep[256];
    snprintf (file, sizeof file, "/tmp/zmq-test-net-mon-%d", (int) getpid ());
    snprintf (path, sizeof path, "ipc://%s", file);
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_DEALER);
    void *cli = zmq_socket (ctx, ZMQ_DEALER);
    CHECK (srv && cli);
    void *smon = monitor_of (ctx, srv, "inproc://mon-srv", ZMQ_EVENT_ALL);
    void *cmon = monitor_of (ctx, cli, "inproc://mon-cli", ZMQ_EVENT_ALL);
    CHECK (smon && cmon);
    uint32_t value = 0;
    int ev;

    CHECK (zmq_bind (srv, path) == 0);
    EXPECT_EVENT (smon, ZMQ_EVENT_LISTENING, value, ep);
    CHECK (strcmp (ep, path) == 0);
    CHECK ((int) value >= 0);

    CHECK (zmq_connect (cli, path) == 0);
    EXPECT_EVENT (cmon, ZMQ_EVENT_CONNECTED, value, ep);
    CHECK (strcmp (ep, path) == 0);
    EXPECT_EVENT (cmon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, value, ep);
    CHECK (strcmp (ep, path) == 0);
    EXPECT_EVENT (smon, ZMQ_EVENT_ACCEPTED, value, ep);
    CHECK (strcmp (ep, path) == 0);
    EXPECT_EVENT (smon, ZMQ_EVENT_HANDSHAKE_SUCCEEDED, value, ep);
    CHECK (strcmp (ep, path) == 0);

    CHECK (send_str (cli, "ping", 0) == 0);
    CHECK (recv_is (srv, "ping") == 0);

    /* Closing the binder closes the listener (CLOSED) and stops its
     * monitor; the connecter sees DISCONNECTED. */
    CHECK (zmq_close (srv) == 0);
    int closed = 0, stopped = 0;
    while (!stopped) {
        ev = read_event (smon, &value, ep, sizeof ep);
        CHECK (ev != -1);
        if (ev == ZMQ_EVENT_CLOSED) {
            CHECK (strcmp (ep, path) == 0);
            closed = 1;
        } else if (ev == ZMQ_EVENT_MONITOR_STOPPED)
            stopped = 1;
    }
    CHECK (closed);
    CHECK (wait_event (cmon, ZMQ_EVENT_DISCONNECTED, &value, ep, sizeof ep)
           == ZMQ_EVENT_DISCONNECTED);
    CHECK (strcmp (ep, path) == 0);

    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (smon) == 0);
    CHECK (zmq_close (cmon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    CHECK (unlink (file) == 0);
    return 0;
}
