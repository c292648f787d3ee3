/* Without ZMQ_BUILD_DRAFT_API, a program can still ask for the DRAFT
 * socket types by number: Debian's libzmq (built without the DRAFT API)
 * creates them, and so must we. A CLIENT and a SERVER made that way talk
 * over inproc with the stable API alone (the SERVER's reply goes to the
 * peer of the message it received only through zmq_msg_routing_id, a
 * DRAFT function, so here the CLIENT only sends). DGRAM (18) is made
 * too; 21 is past the last type (EINVAL). */
#include "testutil.h"

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    for (int t = 12; t <= 20; t++) {
        void *s = zmq_socket (ctx, t);
        if (s == NULL)
            fprintf (stderr, "type %d refused\n", t);
        CHECK (s != NULL);
        int got = -1;
        size_t len = sizeof got;
        CHECK (zmq_getsockopt (s, ZMQ_TYPE, &got, &len) == 0);
        CHECK_INT (got, t);
        CHECK (zmq_close (s) == 0);
    }
    errno = 0;
    CHECK (zmq_socket (ctx, 21) == NULL);
    CHECK_INT (zmq_errno (), EINVAL);

    void *server = make (ctx, 12);
    void *client = make (ctx, 13);
    CHECK (zmq_bind (server, "inproc://numbers") == 0);
    CHECK (zmq_connect (client, "inproc://numbers") == 0);
    send_s (client, "by number", 0);
    expect_s (server, "by number", 0);
    CHECK_ERR (zmq_send (client, "x", 1, ZMQ_SNDMORE), EINVAL);
    zmq_close (client);
    zmq_close (server);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
