/* zmq_proxy against a full backend: with tiny high-water marks on the
 * backend side the proxy must wait for room, never drop, split or reorder
 * a multipart message; the context's termination then ends it (ETERM). */
#include "testutil.h"

#define MESSAGES 500

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *front = zmq_socket (ctx, ZMQ_PAIR);
    void *back = zmq_socket (ctx, ZMQ_PAIR);
    void *in = zmq_socket (ctx, ZMQ_PAIR);
    void *out = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (front && back && in && out);
    int hwm = 2;
    CHECK (zmq_setsockopt (back, ZMQ_SNDHWM, &hwm, sizeof hwm) == 0);
    CHECK (zmq_setsockopt (out, ZMQ_RCVHWM, &hwm, sizeof hwm) == 0);
    int big = 10 * MESSAGES;
    CHECK (zmq_setsockopt (in, ZMQ_SNDHWM, &big, sizeof big) == 0);
    CHECK (zmq_setsockopt (front, ZMQ_RCVHWM, &big, sizeof big) == 0);
    CHECK (zmq_bind (front, "inproc://hwm-front") == 0);
    CHECK (zmq_bind (back, "inproc://hwm-back") == 0);
    CHECK (zmq_connect (in, "inproc://hwm-front") == 0);
    CHECK (zmq_connect (out, "inproc://hwm-back") == 0);

    struct proxy_job job = {.front = front, .back = back, .close_after = 1};
    void *t = zmq_threadstart (run_proxy, &job);
    CHECK (t);

    /* everything is queued before anything is read at the far end */
    for (int i = 0; i < MESSAGES; i++) {
        CHECK (zmq_send (in, &i, sizeof i, ZMQ_SNDMORE) == (int) sizeof i);
        CHECK (zmq_send (in, "tail", 4, 0) == 4);
    }
    for (int i = 0; i < MESSAGES; i++) {
        int v = -1, more = 0;
        size_t sz = sizeof more;
        char tail[8];
        CHECK (zmq_recv (out, &v, sizeof v, 0) == (int) sizeof v);
        if (v != i) {
            fprintf (stderr, "message %d arrived as %d\n", i, v);
            return 1;
        }
        CHECK (zmq_getsockopt (out, ZMQ_RCVMORE, &more, &sz) == 0 && more);
        CHECK (zmq_recv (out, tail, sizeof tail, 0) == 4);
        CHECK (zmq_getsockopt (out, ZMQ_RCVMORE, &more, &sz) == 0 && !more);
    }
    zmq_pollitem_t item = {out, 0, ZMQ_POLLIN, 0};
    CHECK (zmq_poll (&item, 1, 50) == 0);

    int linger = 0;
    CHECK (zmq_setsockopt (in, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK (zmq_setsockopt (out, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK (zmq_close (in) == 0);
    CHECK (zmq_close (out) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    zmq_threadclose (t);
    CHECK (job.rc == -1 && job.err == ETERM);
    return 0;
}
