/* zmq_socket_monitor argument errors, as libzmq reports them. */
#include "testutil.h"

#define FAILS_WITH(expr, err) CHECK ((expr) == -1 && zmq_errno () == (err))

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    void *s2 = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s && s2);

    /* only inproc endpoints can carry monitor events */
    FAILS_WITH (zmq_socket_monitor (s, "tcp://127.0.0.1:5999", ZMQ_EVENT_ALL),
                EPROTONOSUPPORT);
    FAILS_WITH (zmq_socket_monitor (s, "foo", ZMQ_EVENT_ALL), EINVAL);
    FAILS_WITH (zmq_socket_monitor (s, "inproc://", ZMQ_EVENT_ALL), EINVAL);
    /* stopping a monitor that was never started succeeds */
    CHECK (zmq_socket_monitor (s, NULL, 0) == 0);
    /* the monitor endpoint is bound: a second socket cannot take it */
    CHECK (zmq_socket_monitor (s, "inproc://monitor-e", ZMQ_EVENT_ALL) == 0);
    FAILS_WITH (zmq_socket_monitor (s2, "inproc://monitor-e", ZMQ_EVENT_ALL),
                EADDRINUSE);
    FAILS_WITH (zmq_socket_monitor (NULL, "inproc://m", ZMQ_EVENT_ALL),
                ENOTSOCK);
    /* an empty endpoint is not "stop": libzmq rejects it */
    FAILS_WITH (zmq_socket_monitor (s, "", ZMQ_EVENT_ALL), EINVAL);
    /* events past the first 16 bits (a negative mask too) are refused,
       before the endpoint is looked at */
    FAILS_WITH (zmq_socket_monitor (s, "inproc://monitor-x", 0x10000), EINVAL);
    FAILS_WITH (zmq_socket_monitor (s, "inproc://monitor-x", -1), EINVAL);
    FAILS_WITH (zmq_socket_monitor (s, NULL, -1), EINVAL);

    CHECK (zmq_close (s) == 0);
    FAILS_WITH (zmq_socket_monitor (s, "inproc://m", ZMQ_EVENT_ALL), ENOTSOCK);
    CHECK (zmq_close (s2) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
