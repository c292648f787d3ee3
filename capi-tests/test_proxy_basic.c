/* zmq_proxy: PUSH -> [PULL | proxy | PUSH] -> PULL, multipart messages
 * forwarded whole and in order; terminating the context ends the proxy
 * with -1 / ETERM. zmq_device (any type) behaves the same. */
#include "testutil.h"

#define MESSAGES 2000

static int run (int device_type)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *front = zmq_socket (ctx, ZMQ_PULL);
    void *back = zmq_socket (ctx, ZMQ_PUSH);
    void *in = zmq_socket (ctx, ZMQ_PUSH);
    void *out = zmq_socket (ctx, ZMQ_PULL);
    CHECK (front && back && in && out);
    CHECK (zmq_bind (front, "inproc://front") == 0);
    CHECK (zmq_bind (back, "inproc://back") == 0);
    CHECK (zmq_connect (in, "inproc://front") == 0);
    CHECK (zmq_connect (out, "inproc://back") == 0);

    struct proxy_job job = {.front = front, .back = back,
                             .device_type = device_type, .close_after = 1};
    void *t = zmq_threadstart (run_proxy, &job);
    CHECK (t);

    /* 3-part messages: [i][i+1 as text][empty] */
    for (int i = 0; i < MESSAGES; i++) {
        char txt[16];
        int n = snprintf (txt, sizeof txt, "%d", i + 1);
        CHECK (zmq_send (in, &i, sizeof i, ZMQ_SNDMORE) == (int) sizeof i);
        CHECK (zmq_send (in, txt, (size_t) n, ZMQ_SNDMORE) == n);
        CHECK (zmq_send (in, "", 0, 0) == 0);
    }
    for (int i = 0; i < MESSAGES; i++) {
        int v = -1, more = 0;
        size_t sz = sizeof more;
        char txt[16], want[16];
        CHECK (zmq_recv (out, &v, sizeof v, 0) == (int) sizeof v);
        CHECK (v == i);
        CHECK (zmq_getsockopt (out, ZMQ_RCVMORE, &more, &sz) == 0 && more);
        int n = zmq_recv (out, txt, sizeof txt, 0);
        int wn = snprintf (want, sizeof want, "%d", i + 1);
        CHECK (n == wn && memcmp (txt, want, (size_t) n) == 0);
        CHECK (zmq_getsockopt (out, ZMQ_RCVMORE, &more, &sz) == 0 && more);
        CHECK (zmq_recv (out, txt, sizeof txt, 0) == 0);
        CHECK (zmq_getsockopt (out, ZMQ_RCVMORE, &more, &sz) == 0 && !more);
    }

    int linger = 0;
    CHECK (zmq_setsockopt (in, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK (zmq_setsockopt (out, ZMQ_LINGER, &linger, sizeof linger) == 0);
    CHECK (zmq_close (in) == 0);
    CHECK (zmq_close (out) == 0);
    /* blocks until the proxy thread, woken with ETERM, closed its sockets */
    CHECK (zmq_ctx_term (ctx) == 0);
    zmq_threadclose (t);
    CHECK (job.rc == -1);
    CHECK (job.err == ETERM);
    return 0;
}

int main (void)
{
    if (run (0))
        return 1;
    if (run (ZMQ_STREAMER))
        return 1;
    if (run (ZMQ_QUEUE))
        return 1;
    /* libzmq does not check the device type */
    if (run (42))
        return 1;
    return 0;
}
