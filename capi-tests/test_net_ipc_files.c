/* ipc socket files, as libzmq 4.3.5 handles them: a stale socket file
 * left at the path is replaced by bind; a named path's file stays after
 * zmq_unbind and zmq_close (CLOSED is reported, and the path can be bound
 * again); the file of an `ipc://` + `*` bind, and its private directory,
 * are removed when the socket closes. */
#include "testutil.h"
#include <sys/stat.h>

static int exists (const char *path)
{
    struct stat st;
    return stat (path, &st) == 0;
}

int main (void)
{
    char path[108], ep[128];
    snprintf (path, sizeof path, "/tmp/zmq-test-net-ipc-%d", (int) getpid ());
    snprintf (ep, sizeof ep, "ipc://%s", path);
    unlink (path);

    /* A stale socket file: bound by a BSD socket that then went away. */
    close (unix_bound (path));
    CHECK (exists (path));

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *srv = zmq_socket (ctx, ZMQ_PAIR);
    void *cli = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (srv && cli);
    void *mon = monitor_of (ctx, srv, "inproc://mon", ZMQ_EVENT_CLOSED);
    CHECK (mon);
    CHECK (zmq_bind (srv, ep) == 0);
    CHECK (exists (path));
    char last[256], ev_ep[256];
    CHECK (last_endpoint (srv, last, sizeof last) == 0);
    CHECK (strcmp (last, ep) == 0);
    CHECK (zmq_connect (cli, ep) == 0);
    CHECK (send_str (cli, "over ipc", 0) == 0);
    CHECK (recv_is (srv, "over ipc") == 0);

    /* Unbind: CLOSED; the named file is left in place. */
    uint32_t value;
    CHECK (zmq_unbind (srv, ep) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CLOSED);
    CHECK (strcmp (ev_ep, ep) == 0);
    CHECK (exists (path));

    /* Bind again over the leftover, then close the socket. */
    CHECK (zmq_bind (srv, ep) == 0);
    CHECK (exists (path));
    CHECK (zmq_close (srv) == 0);
    CHECK (read_event (mon, &value, ev_ep, sizeof ev_ep) == ZMQ_EVENT_CLOSED);
    CHECK (exists (path));

    /* The wildcard form: file and directory go with the socket. */
    void *w = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (w);
    CHECK (zmq_bind (w, "ipc://*") == 0);
    CHECK (last_endpoint (w, last, sizeof last) == 0);
    CHECK (strncmp (last, "ipc://", 6) == 0);
    char *wpath = last + 6;
    CHECK (exists (wpath));
    CHECK (zmq_close (w) == 0);

    CHECK (zmq_close (cli) == 0);
    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    CHECK (!exists (wpath));
    CHECK (unlink (path) == 0);
    return 0;
}
