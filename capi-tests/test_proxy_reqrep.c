/* zmq_proxy_steerable as a request broker: REQ -> ROUTER | proxy | DEALER
 * -> REP, replies routed back; the control socket is a REP answering
 * STATISTICS (a REQ steers it); TERMINATE ends the proxy with 0. */
#include "testutil.h"

#define CLIENTS 3
#define ROUNDS 100

struct worker_job
{
    void *rep;
    int n, rc;
};

/* Echoes `n` requests with "re:" prepended. */
static void worker (void *arg)
{
    struct worker_job *w = (struct worker_job *) arg;
    w->rc = -1;
    for (int i = 0; i < w->n; i++) {
        char buf[64] = "re:";
        int n = zmq_recv (w->rep, buf + 3, sizeof buf - 3, 0);
        if (n < 0 || n > 60)
            return;
        if (zmq_send (w->rep, buf, (size_t) n + 3, 0) != n + 3)
            return;
    }
    w->rc = 0;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *front = zmq_socket (ctx, ZMQ_ROUTER);
    void *back = zmq_socket (ctx, ZMQ_DEALER);
    void *ctl = zmq_socket (ctx, ZMQ_REP);
    void *steer = zmq_socket (ctx, ZMQ_REQ);
    void *rep = zmq_socket (ctx, ZMQ_REP);
    CHECK (front && back && ctl && steer && rep);
    CHECK (zmq_bind (front, "inproc://broker-front") == 0);
    CHECK (zmq_bind (back, "inproc://broker-back") == 0);
    CHECK (zmq_bind (ctl, "inproc://broker-control") == 0);
    CHECK (zmq_connect (steer, "inproc://broker-control") == 0);
    CHECK (zmq_connect (rep, "inproc://broker-back") == 0);

    void *req[CLIENTS];
    for (int c = 0; c < CLIENTS; c++) {
        req[c] = zmq_socket (ctx, ZMQ_REQ);
        CHECK (req[c]);
        CHECK (zmq_connect (req[c], "inproc://broker-front") == 0);
    }

    struct proxy_job pj = {.front = front, .back = back, .ctl = ctl,
                            .steerable = 1, .rc = -2};
    void *pt = zmq_threadstart (run_proxy, &pj);
    CHECK (pt);
    struct worker_job wj = {rep, CLIENTS * ROUNDS, -1};
    void *wt = zmq_threadstart (worker, &wj);
    CHECK (wt);

    uint64_t bytes = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int c = 0; c < CLIENTS; c++) {
            char msg[32];
            int n = snprintf (msg, sizeof msg, "c%d-r%d", c, r);
            CHECK (zmq_send (req[c], msg, (size_t) n, 0) == n);
            bytes += (uint64_t) n;
        }
        for (int c = 0; c < CLIENTS; c++) {
            char want[40], got[40];
            int wn = snprintf (want, sizeof want, "re:c%d-r%d", c, r);
            int n = zmq_recv (req[c], got, sizeof got, 0);
            CHECK (n == wn && memcmp (got, want, (size_t) n) == 0);
        }
    }
    zmq_threadclose (wt);
    CHECK (wj.rc == 0);

    /* Each request crosses as one message (routing frames included), so the
       counts are exact; byte totals include the envelope. */
    CHECK (zmq_send (steer, "STATISTICS", 10, 0) == 10);
    uint64_t v[8];
    for (int i = 0; i < 8; i++) {
        int more = 0;
        size_t sz = sizeof more;
        CHECK (zmq_recv (steer, &v[i], sizeof v[i], 0) == 8);
        CHECK (zmq_getsockopt (steer, ZMQ_RCVMORE, &more, &sz) == 0);
        CHECK (more == (i < 7));
    }
    const uint64_t n = CLIENTS * ROUNDS;
    if (v[0] != n || v[2] != n || v[4] != n || v[6] != n || v[1] != v[7]
        || v[5] != v[3] || v[1] < bytes || v[5] < bytes + 3 * n) {
        fprintf (stderr, "statistics: %llu %llu %llu %llu %llu %llu %llu %llu\n",
                 (unsigned long long) v[0], (unsigned long long) v[1],
                 (unsigned long long) v[2], (unsigned long long) v[3],
                 (unsigned long long) v[4], (unsigned long long) v[5],
                 (unsigned long long) v[6], (unsigned long long) v[7]);
        return 1;
    }

    CHECK (zmq_send (steer, "TERMINATE", 9, 0) == 9);
    zmq_threadclose (pt);
    CHECK (pj.rc == 0);

    int linger = 0;
    void *all[5] = {front, back, ctl, steer, rep};
    for (int i = 0; i < 5; i++) {
        zmq_setsockopt (all[i], ZMQ_LINGER, &linger, sizeof linger);
        CHECK (zmq_close (all[i]) == 0);
    }
    for (int c = 0; c < CLIENTS; c++)
        CHECK (zmq_close (req[c]) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
