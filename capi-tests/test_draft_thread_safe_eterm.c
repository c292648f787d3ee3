/* Threads blocked on one thread-safe socket all return ETERM when the
 * context shuts down: two receiving on a SERVER, one sending on a CLIENT
 * that has no peer (its send waits for one), all without time-outs. A
 * fourth thread polls the SERVER with zmq_poller and gets ETERM too. The
 * main thread waits until each of them sleeps in the kernel (its state in
 * /proc/self/task/TID/stat is S), then shuts the context down; a thread
 * that returned before the shutdown fails the test. */
#include "testutil.h"
#include <sys/syscall.h>

static void *server, *client;
static int started, shut;
static int tids[4];

static void note_tid (void)
{
    int i = __sync_fetch_and_add (&started, 1);
    tids[i] = (int) syscall (SYS_gettid);
    __sync_synchronize ();
}

/* True when thread `tid` of this process is asleep (state S). */
static int asleep (int tid)
{
    char path[64], buf[512];
    snprintf (path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen (path, "r");
    CHECK (f);
    size_t n = fread (buf, 1, sizeof buf - 1, f);
    fclose (f);
    buf[n] = 0;
    const char *close_paren = strrchr (buf, ')');
    CHECK (close_paren && close_paren[1] == ' ');
    return close_paren[2] == 'S';
}

static void *recv_thread (void *p)
{
    (void) p;
    char buf[16];
    note_tid ();
    int r = zmq_recv (server, buf, sizeof buf, 0);
    CHECK (r == -1 && zmq_errno () == ETERM);
    CHECK (__sync_fetch_and_add (&shut, 0) == 1);
    return NULL;
}

static void *send_thread (void *p)
{
    (void) p;
    note_tid ();
    int r = zmq_send (client, "x", 1, 0);
    CHECK (r == -1 && zmq_errno () == ETERM);
    CHECK (__sync_fetch_and_add (&shut, 0) == 1);
    return NULL;
}

static void *poll_thread (void *p)
{
    (void) p;
    void *poller = zmq_poller_new ();
    CHECK (poller);
    CHECK (zmq_poller_add (poller, server, NULL, ZMQ_POLLIN) == 0);
    zmq_poller_event_t ev;
    note_tid ();
    int r = zmq_poller_wait (poller, &ev, -1);
    CHECK (r == -1 && zmq_errno () == ETERM);
    CHECK (__sync_fetch_and_add (&shut, 0) == 1);
    CHECK (zmq_poller_destroy (&poller) == 0);
    return NULL;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    server = zmq_socket (ctx, ZMQ_SERVER);
    client = zmq_socket (ctx, ZMQ_CLIENT);
    CHECK (server && client);
    CHECK (set_int (client, ZMQ_LINGER, 0) == 0);
    CHECK (zmq_bind (server, "inproc://eterm") == 0);
    pthread_t t[4];
    CHECK (pthread_create (&t[0], NULL, recv_thread, NULL) == 0);
    CHECK (pthread_create (&t[1], NULL, recv_thread, NULL) == 0);
    CHECK (pthread_create (&t[2], NULL, send_thread, NULL) == 0);
    CHECK (pthread_create (&t[3], NULL, poll_thread, NULL) == 0);
    while (__sync_fetch_and_add (&started, 0) < 4)
        sched_yield ();
    __sync_synchronize ();
    /* each sleeps in its blocking call (nothing else would wake it) */
    for (int i = 0; i < 4; i++)
        while (!asleep (tids[i]))
            sched_yield ();
    __sync_fetch_and_add (&shut, 1);
    CHECK (zmq_ctx_shutdown (ctx) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join (t[i], NULL);
    CHECK (zmq_close (server) == 0);
    CHECK (zmq_close (client) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
