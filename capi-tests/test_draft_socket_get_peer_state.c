/* DRAFT zmq_socket_get_peer_state: on a ROUTER, ZMQ_POLLOUT while the
 * peer with that routing id can take a message and 0 once its pipe is at
 * the HWM (POLLOUT again after the peer reads); EHOSTUNREACH for an
 * unknown id or a peer that left; ENOTSUP on other socket types; ENOTSOCK
 * for NULL. */
#include "testutil.h"

/* Lets the router process pending commands (pipe attach/detach, read
 * counts), as any call that checks ZMQ_EVENTS does. */
static void settle (void *s)
{
    int ev;
    size_t len = sizeof ev;
    CHECK (zmq_getsockopt (s, ZMQ_EVENTS, &ev, &len) == 0);
}

int main (void)
{
    CHECK_ERR (zmq_socket_get_peer_state (NULL, "X", 1), ENOTSOCK);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *router = make (ctx, ZMQ_ROUTER);
    void *x = make (ctx, ZMQ_DEALER);
    void *y = make (ctx, ZMQ_DEALER);
    CHECK (set_int (router, ZMQ_SNDHWM, 10) == 0);
    CHECK (set_int (x, ZMQ_RCVHWM, 10) == 0);
    CHECK (set_int (y, ZMQ_RCVHWM, 10) == 0);
    CHECK (zmq_setsockopt (x, ZMQ_ROUTING_ID, "X", 1) == 0);
    CHECK (zmq_setsockopt (y, ZMQ_ROUTING_ID, "Y", 1) == 0);
    CHECK (zmq_bind (router, "inproc://peer-state") == 0);

    CHECK_ERR (zmq_socket_get_peer_state (x, "X", 1), ENOTSUP);
    CHECK_ERR (zmq_socket_get_peer_state (router, "X", 1), EHOSTUNREACH);

    CHECK (zmq_connect (x, "inproc://peer-state") == 0);
    CHECK (zmq_connect (y, "inproc://peer-state") == 0);
    send_s (x, "hi", 0);
    expect_s (router, "X", 1);
    expect_s (router, "hi", 0);
    send_s (y, "hi", 0);
    expect_s (router, "Y", 1);
    expect_s (router, "hi", 0);

    CHECK_INT (zmq_socket_get_peer_state (router, "X", 1), ZMQ_POLLOUT);
    CHECK_INT (zmq_socket_get_peer_state (router, "Y", 1), ZMQ_POLLOUT);
    CHECK_ERR (zmq_socket_get_peer_state (router, "Z", 1), EHOSTUNREACH);
    CHECK_ERR (zmq_socket_get_peer_state (router, "XY", 2), EHOSTUNREACH);

    /* fill Y's pipe (Y never reads): its state drops to 0, X's stays */
    int sent = 0;
    while (zmq_socket_get_peer_state (router, "Y", 1) == ZMQ_POLLOUT) {
        CHECK (sent < 1000);
        send_s (router, "Y", ZMQ_SNDMORE | ZMQ_DONTWAIT);
        send_s (router, "data", ZMQ_DONTWAIT);
        sent++;
    }
    CHECK_INT (zmq_socket_get_peer_state (router, "Y", 1), 0);
    CHECK (sent >= 10);
    CHECK_INT (zmq_socket_get_peer_state (router, "X", 1), ZMQ_POLLOUT);

    /* Y reads everything: room again */
    for (int i = 0; i < sent; i++)
        expect_s (y, "data", 0);
    int state = 0;
    for (int i = 0; i < 500 && state != ZMQ_POLLOUT; i++) {
        settle (router);
        state = zmq_socket_get_peer_state (router, "Y", 1);
        if (state != ZMQ_POLLOUT)
            usleep (2000);
    }
    CHECK_INT (state, ZMQ_POLLOUT);

    /* X leaves: unknown again */
    CHECK (zmq_close (x) == 0);
    int rc = 0;
    for (int i = 0; i < 500 && rc != -1; i++) {
        settle (router);
        rc = zmq_socket_get_peer_state (router, "X", 1);
        if (rc != -1)
            usleep (2000);
    }
    CHECK_ERR (zmq_socket_get_peer_state (router, "X", 1), EHOSTUNREACH);

    CHECK (zmq_close (y) == 0);
    CHECK (zmq_close (router) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
