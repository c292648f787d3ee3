/* Built by CMakeLists.txt against an installed zmq-oxide: checks that the
 * header is ours (4.3.5; Debian's libzmq3-dev is 4.3.4), that the library
 * that runs is too, and that a message goes over inproc. */
#include <zmq.h>
#include <stdio.h>
#include <string.h>

#if ZMQ_VERSION != ZMQ_MAKE_VERSION(4, 3, 5)
#error "not zmq-oxide's zmq.h (4.3.5)"
#endif

int main (void)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    void *ctx = zmq_ctx_new ();
    void *a = zmq_socket (ctx, ZMQ_PAIR);
    void *b = zmq_socket (ctx, ZMQ_PAIR);
    char buf[16] = "";
    int ok = ctx && a && b && zmq_bind (a, "inproc://cmake-check") == 0
             && zmq_connect (b, "inproc://cmake-check") == 0
             && zmq_send (b, "hello", 5, 0) == 5 && zmq_recv (a, buf, sizeof buf, 0) == 5
             && memcmp (buf, "hello", 5) == 0;
    zmq_close (a);
    zmq_close (b);
    zmq_ctx_term (ctx);
    printf ("zmq_version %d.%d.%d, inproc %s\n", major, minor, patch, ok ? "ok" : "FAILED");
    return ok && major == 4 && minor == 3 && patch == 5 ? 0 : 1;
}
