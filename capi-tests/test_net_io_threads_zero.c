/* ZMQ_IO_THREADS = 0: inproc still works, but tcp and ipc need an I/O
 * thread, so bind and connect fail with EMTHREAD. */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    CHECK (zmq_ctx_set (ctx, ZMQ_IO_THREADS, 0) == 0);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    void *t = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s && t);
    CHECK (zmq_bind (s, "tcp://127.0.0.1:*") == -1);
    CHECK (zmq_errno () == EMTHREAD);
    CHECK (zmq_connect (s, "tcp://127.0.0.1:5555") == -1);
    CHECK (zmq_errno () == EMTHREAD);
    CHECK (zmq_bind (s, "ipc://@zmq-test-net-no-io") == -1);
    CHECK (zmq_errno () == EMTHREAD);
    CHECK (zmq_connect (s, "ipc://@zmq-test-net-no-io") == -1);
    CHECK (zmq_errno () == EMTHREAD);

    CHECK (zmq_bind (s, "inproc://no-io") == 0);
    CHECK (zmq_connect (t, "inproc://no-io") == 0);
    CHECK (send_str (t, "inproc", 0) == 0);
    CHECK (recv_is (s, "inproc") == 0);
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (t) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
