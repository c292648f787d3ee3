/* The wire side of the DRAFT options ROUTER_NOTIFY, HELLO_MSG,
 * DISCONNECT_MSG and METADATA, between two processes that may run
 * different libraries (see draft_options.sh).
 *
 *   draft_wire bind        ROUTER: prints its endpoint, then checks what
 *                          a DEALER peer's connection brings; exit 0 if right
 *   draft_wire connect EP  DEALER: connects to EP and plays that peer
 *
 * Every wait is bounded (5 s receive time-outs); a mismatch exits 1 with
 * the reason on stderr. */
/* zmq.h's DRAFT zmq_ppoll takes a sigset_t, a POSIX type: -std=c99 hides
   it unless the program asks for POSIX, as with libzmq's own header. */
#define _POSIX_C_SOURCE 200809L
#define ZMQ_BUILD_DRAFT_API
#include <zmq.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char who[64];

static void fail (const char *what)
{
    fprintf (stderr, "%s: %s (%s)\n", who, what, zmq_strerror (zmq_errno ()));
    exit (1);
}

static void check (int ok, const char *what)
{
    if (!ok)
        fail (what);
}

static void set_str (void *s, int opt, const char *v)
{
    check (zmq_setsockopt (s, opt, v, strlen (v)) == 0, "setsockopt");
}

/* Receives one frame into m; checks its body and MORE flag. */
static void expect (void *s, zmq_msg_t *m, const char *body, int more,
                    const char *what)
{
    zmq_msg_close (m);
    zmq_msg_init (m);
    int n = zmq_msg_recv (m, s, 0);
    if (n < 0)
        fail (what);
    if ((size_t) n != strlen (body) || memcmp (zmq_msg_data (m), body, n) != 0
        || zmq_msg_more (m) != more) {
        fprintf (stderr, "%s: %s: got %d bytes '%.*s' (more %d), want '%s'\n",
                 who, what, n, n, (const char *) zmq_msg_data (m),
                 zmq_msg_more (m), body);
        exit (1);
    }
}

static void expect_prop (zmq_msg_t *m, const char *name, const char *want)
{
    const char *v = zmq_msg_gets (m, name);
    if (!v || strcmp (v, want) != 0) {
        fprintf (stderr, "%s: property %s is '%s', want '%s'\n", who, name,
                 v ? v : "(none)", want);
        exit (1);
    }
}

int main (int argc, char **argv)
{
    int major, minor, patch;
    zmq_version (&major, &minor, &patch);
    int binder = argc == 2 && strcmp (argv[1], "bind") == 0;
    if (!binder && !(argc == 3 && strcmp (argv[1], "connect") == 0)) {
        fprintf (stderr, "usage: draft_wire bind | connect EP\n");
        return 2;
    }
    snprintf (who, sizeof who, "%s side, libzmq %d.%d.%d",
              binder ? "ROUTER" : "DEALER", major, minor, patch);
    void *ctx = zmq_ctx_new ();
    int timeo = 5000, zero = 0;
    void *s = zmq_socket (ctx, binder ? ZMQ_ROUTER : ZMQ_DEALER);
    check (s != NULL, "zmq_socket");
    zmq_setsockopt (s, ZMQ_RCVTIMEO, &timeo, sizeof timeo);
    zmq_setsockopt (s, ZMQ_LINGER, &zero, sizeof zero);
    zmq_msg_t m;
    zmq_msg_init (&m);

    if (binder) {
        int notify = ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT;
        check (zmq_setsockopt (s, ZMQ_ROUTER_NOTIFY, &notify, sizeof notify)
                 == 0,
               "ROUTER_NOTIFY");
        set_str (s, ZMQ_HELLO_MSG, "router-hello");
        set_str (s, ZMQ_DISCONNECT_MSG, "gone");
        set_str (s, ZMQ_METADATA, "X-Side:router");
        check (zmq_bind (s, "tcp://127.0.0.1:*") == 0, "bind");
        char ep[256];
        size_t len = sizeof ep;
        check (zmq_getsockopt (s, ZMQ_LAST_ENDPOINT, ep, &len) == 0, "endpoint");
        printf ("%s\n", ep);
        fflush (stdout);

        expect (s, &m, "D", 1, "connect notice id");
        expect (s, &m, "", 0, "connect notice");
        expect (s, &m, "D", 1, "hello id");
        expect (s, &m, "dealer-hello", 0, "the peer's HELLO_MSG");
        expect_prop (&m, "X-Side", "dealer");
        expect (s, &m, "D", 1, "ping id");
        expect (s, &m, "ping", 0, "ping");
        check (zmq_send (s, "D", 1, ZMQ_SNDMORE) == 1, "send id");
        check (zmq_send (s, "pong", 4, 0) == 4, "send pong");
        /* The peer closes after pong. */
        expect (s, &m, "D", 1, "disconnect notice id");
        expect (s, &m, "", 0, "disconnect notice");
        expect (s, &m, "D", 1, "DISCONNECT_MSG id");
        expect (s, &m, "gone", 0, "DISCONNECT_MSG");
    } else {
        set_str (s, ZMQ_ROUTING_ID, "D");
        set_str (s, ZMQ_HELLO_MSG, "dealer-hello");
        set_str (s, ZMQ_METADATA, "X-Side:dealer");
        check (zmq_connect (s, argv[2]) == 0, "connect");
        check (zmq_send (s, "ping", 4, 0) == 4, "send ping");
        expect (s, &m, "router-hello", 0, "the peer's HELLO_MSG");
        expect_prop (&m, "X-Side", "router");
        expect (s, &m, "pong", 0, "pong");
    }
    zmq_msg_close (&m);
    zmq_close (s);
    zmq_ctx_term (ctx);
    fprintf (stderr, "%s: ok\n", who);
    return 0;
}
