/* Context options libzmq copies into every socket made afterwards:
 * ZMQ_IPV6 (so a new socket reports ZMQ_IPV6 = 1 and binds to tcp://[::1])
 * and ZMQ_BLOCKY (0: new sockets linger 0). Sockets made before the change
 * keep their values. */
#include "testutil.h"

static int get_int (void *s, int option)
{
    int v = -7;
    size_t len = sizeof v;
    CHECK (zmq_getsockopt (s, option, &v, &len) == 0);
    CHECK (len == sizeof v);
    return v;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *before = zmq_socket (ctx, ZMQ_PULL);
    CHECK (before);

    CHECK (zmq_ctx_set (ctx, ZMQ_IPV6, 1) == 0);
    CHECK (zmq_ctx_set (ctx, ZMQ_BLOCKY, 0) == 0);

    void *pull = zmq_socket (ctx, ZMQ_PULL);
    void *push = zmq_socket (ctx, ZMQ_PUSH);
    CHECK (pull && push);
    CHECK (get_int (pull, ZMQ_IPV6) == 1);
    CHECK (get_int (pull, ZMQ_LINGER) == 0);
    CHECK (get_int (before, ZMQ_IPV6) == 0);
    CHECK (get_int (before, ZMQ_LINGER) == -1);

    /* IPv6 loopback works without setting ZMQ_IPV6 on the socket */
    CHECK (zmq_bind (pull, "tcp://[::1]:*") == 0);
    char ep[256];
    size_t len = sizeof ep;
    CHECK (zmq_getsockopt (pull, ZMQ_LAST_ENDPOINT, ep, &len) == 0);
    CHECK (strncmp (ep, "tcp://[::1]:", 12) == 0);
    CHECK (zmq_connect (push, ep) == 0);
    CHECK (zmq_send (push, "v6", 2, 0) == 2);
    char buf[8];
    CHECK (zmq_recv (pull, buf, sizeof buf, 0) == 2);
    CHECK (memcmp (buf, "v6", 2) == 0);

    /* the socket made before still refuses IPv6 */
    CHECK_ERR (zmq_bind (before, "tcp://[::1]:*"), ENODEV);

    CHECK (zmq_close (before) == 0);
    CHECK (zmq_close (pull) == 0);
    CHECK (zmq_close (push) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
