/* ZMQ_EVENT_ACCEPT_FAILED: when the process is out of file descriptors, a
 * listener that cannot accept a waiting connection reports ACCEPT_FAILED
 * with errno EMFILE as the value and its endpoint; once descriptors are
 * free again the connection is accepted (ACCEPTED).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

#include <sys/resource.h>

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *r = make(ctx, ZMQ_ROUTER);
    void *mon = monitor_of(ctx, r, "inproc://mon",
                           ZMQ_EVENT_ACCEPT_FAILED | ZMQ_EVENT_ACCEPTED);
    CHECK(mon);
    CHECK(zmq_bind(r, "tcp://127.0.0.1:*") == 0);
    char ep[256];
    CHECK(last_endpoint(r, ep, sizeof ep) == 0);

    /* One connection through the listener first: the I/O thread has then
       set it up (and released whatever descriptors it used meanwhile), so
       none frees up after the table below is full. */
    void *d = make(ctx, ZMQ_DEALER);
    CHECK(zmq_connect(d, ep) == 0);
    send_s(d, "x", 0);
    char id[256];
    CHECK(zmq_recv(r, id, sizeof id, 0) > 0);
    expect_s(r, "x", 0);
    {
        uint32_t v;
        char e[256];
        CHECK(wait_event(mon, ZMQ_EVENT_ACCEPTED, &v, e, sizeof e) == ZMQ_EVENT_ACCEPTED);
    }

    /* a client socket made now, connected once the table is full */
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0);

    /* fill the descriptor table up to a lowered limit */
    struct rlimit old, low;
    CHECK(getrlimit(RLIMIT_NOFILE, &old) == 0);
    low = old;
    low.rlim_cur = 256;
    CHECK(setrlimit(RLIMIT_NOFILE, &low) == 0);
    int fill[256], n = 0;
    for (;;) {
        int fd = dup(c);
        if (fd < 0) {
            CHECK(errno == EMFILE);
            break;
        }
        CHECK(n < 256);
        fill[n++] = fd;
    }

    struct sockaddr_in a = loopback(bound_port(r));
    CHECK(connect(c, (struct sockaddr *) &a, sizeof a) == 0);

    uint32_t value = 0;
    char ev_ep[256] = "";
    EXPECT_EVENT(mon, ZMQ_EVENT_ACCEPT_FAILED, value, ev_ep);
    CHECK_INT(value, EMFILE);
    CHECK_STR(ev_ep, ep);

    /* free descriptors: the waiting connection is accepted */
    for (int i = 0; i < n; i++)
        close(fill[i]);
    CHECK(setrlimit(RLIMIT_NOFILE, &old) == 0);
    CHECK(wait_event(mon, ZMQ_EVENT_ACCEPTED, &value, ev_ep, sizeof ev_ep)
          == ZMQ_EVENT_ACCEPTED);
    CHECK_STR(ev_ep, ep);

    close(c);
    CHECK(zmq_close(d) == 0);
    CHECK(zmq_close(mon) == 0);
    CHECK(zmq_close(r) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
