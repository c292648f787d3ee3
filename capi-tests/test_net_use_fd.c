/* ZMQ_USE_FD (zmq_setsockopt(3)): a bind serves the application's own
 * bound, listening socket instead of making one.
 *
 * The address in the endpoint is not used (tcp: any address will do; ipc:
 * any that parses, `*` included, and nothing is made there) and
 * ZMQ_LAST_ENDPOINT is the socket's own address. The ipc socket file is
 * the application's: neither removed before the bind nor after. The
 * listener owns the descriptor and closes it when it goes. connect and
 * inproc ignore the option. */
#include "testutil.h"

#include <fcntl.h>

static int is_open (int fd)
{
    return fcntl (fd, F_GETFD) != -1;
}

/* A PUSH connected to `ep` delivers to `pull`. */
static void deliver (void *ctx, void *pull, const char *ep)
{
    void *push = make (ctx, ZMQ_PUSH);
    CHECK (zmq_connect (push, ep) == 0);
    send_s (push, ep, 0);
    expect_s (pull, ep, 0);
    CHECK (zmq_close (push) == 0);
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    char ep[256], last[256];

    /* ---- tcp: any address; the endpoint is the descriptor's */
    int port;
    int tfd = tcp_listener (&port);
    void *pull = make (ctx, ZMQ_PULL);
    CHECK (set_int (pull, ZMQ_USE_FD, tfd) == 0);
    int v = 0;
    size_t len = sizeof v;
    CHECK (zmq_getsockopt (pull, ZMQ_USE_FD, &v, &len) == 0);
    CHECK_INT (v, tfd);
    CHECK (zmq_bind (pull, "tcp://not a host:1") == 0);
    CHECK (last_endpoint (pull, last, sizeof last) == 0);
    snprintf (ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK_STR (last, ep);
    deliver (ctx, pull, ep);
    deliver (ctx, pull, ep);
    /* inproc binds as usual; connect ignores the option */
    CHECK (zmq_bind (pull, "inproc://use-fd") == 0);
    deliver (ctx, pull, "inproc://use-fd");
    void *other = make (ctx, ZMQ_PUSH);
    CHECK (set_int (other, ZMQ_USE_FD, tfd) == 0);
    CHECK (zmq_connect (other, ep) == 0);
    send_s (other, "via connect", 0);
    expect_s (pull, "via connect", 0);
    CHECK (zmq_close (other) == 0);
    /* malformed endpoints are still refused */
    void *bad = make (ctx, ZMQ_PULL);
    CHECK (set_int (bad, ZMQ_USE_FD, tfd) == 0);
    CHECK_ERR (zmq_bind (bad, "tcp://"), EINVAL);
    CHECK_ERR (zmq_bind (bad, "foo://x"), EPROTONOSUPPORT);
    CHECK (zmq_close (bad) == 0);
    CHECK (zmq_close (pull) == 0);

    /* ---- ipc: the endpoint given, the file left alone */
    char path[128], named[160];
    snprintf (path, sizeof path, "/tmp/zmq-use-fd-%d.sock", (int) getpid ());
    unlink (path);
    int ufd = unix_bound (path);
    CHECK (listen (ufd, 8) == 0);
    pull = make (ctx, ZMQ_PULL);
    CHECK (set_int (pull, ZMQ_USE_FD, ufd) == 0);
    snprintf (named, sizeof named, "ipc:///tmp/zmq-use-fd-other-%d.sock", (int) getpid ());
    CHECK (zmq_bind (pull, named) == 0);
    snprintf (ep, sizeof ep, "ipc://%s", path);
    CHECK (last_endpoint (pull, last, sizeof last) == 0);
    CHECK_STR (last, ep);
    CHECK (access (named + 6, F_OK) != 0); /* nothing made there */
    deliver (ctx, pull, ep);
    CHECK (zmq_close (pull) == 0);

    /* `*` makes no directory here */
    char path2[128];
    snprintf (path2, sizeof path2, "/tmp/zmq-use-fd2-%d.sock", (int) getpid ());
    unlink (path2);
    int ufd2 = unix_bound (path2);
    CHECK (listen (ufd2, 8) == 0);
    pull = make (ctx, ZMQ_PULL);
    CHECK (set_int (pull, ZMQ_USE_FD, ufd2) == 0);
    CHECK (zmq_bind (pull, "ipc://*") == 0);
    snprintf (ep, sizeof ep, "ipc://%s", path2);
    CHECK (last_endpoint (pull, last, sizeof last) == 0);
    CHECK_STR (last, ep);
    deliver (ctx, pull, ep);
    CHECK (zmq_close (pull) == 0);

    /* once everything is closed, the listeners closed the descriptors and
     * left the socket files */
    CHECK (zmq_ctx_term (ctx) == 0);
    CHECK (!is_open (tfd));
    CHECK (!is_open (ufd));
    CHECK (!is_open (ufd2));
    CHECK (access (path, F_OK) == 0);
    CHECK (access (path2, F_OK) == 0);
    unlink (path);
    unlink (path2);
    return 0;
}
