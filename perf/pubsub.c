/* pubsub: PUB -> SUB fan-out throughput.  One PUB in this process, NSUBS
 * subscriber PROCESSES (forked before any context exists, each with its own
 * context).  The PUB sets ZMQ_XPUB_NODROP so a slow subscriber throttles
 * the publisher instead of losing messages; the number is aggregate
 * delivered messages per second (NSUBS * COUNT / elapsed).
 * Start-up: the publisher sends empty warm-up messages until every
 * subscriber has reported on SYNC_EP (PUSH->PULL) that it sees them, which
 * also proves its subscription arrived; data messages are SIZE >= 1 bytes.
 *   usage: pubsub PUB_EP SYNC_EP NSUBS SIZE COUNT */
#include "common.h"
#include <sys/wait.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static int subscriber(const char *ep, const char *sync_ep, size_t size, long count)
{
    void *ctx = new_ctx();
    void *sub = zmq_socket(ctx, ZMQ_SUB);
    void *sync = zmq_socket(ctx, ZMQ_PUSH);
    if (!sub || !sync) DIE("zmq_socket");
    common_opts(sub);
    common_opts(sync);
    CHECK(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "", 0));
    CHECK(zmq_connect(sub, ep));
    CHECK(zmq_connect(sync, sync_ep));
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    recv_part(sub, &msg); /* first warm-up message: subscribed */
    send_part(sync, 0, 0);
    long got = 0;
    while (got < count) {
        size_t n = recv_part(sub, &msg);
        if (n == 0) continue; /* late warm-up */
        if (n != size) {
            fprintf(stderr, "sub: %zu bytes, expected %zu\n", n, size);
            return 1;
        }
        got++;
    }
    send_part(sync, 1, 0);
    zmq_msg_close(&msg);
    zmq_close(sub);
    zmq_close(sync);
    zmq_ctx_term(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: pubsub PUB_EP SYNC_EP NSUBS SIZE COUNT\n");
        return 2;
    }
    const char *ep = argv[1], *sync_ep = argv[2];
    int nsubs = (int) parse_long(argv[3], "nsubs");
    size_t size = (size_t) parse_long(argv[4], "size");
    long count = parse_long(argv[5], "count");
    if (size < 1) size = 1;
    banner("pubsub");
    fflush(stdout);

    pid_t pids[256];
    if (nsubs < 1 || nsubs > 256) { fprintf(stderr, "nsubs 1..256\n"); return 2; }
    for (int i = 0; i < nsubs; i++) {
        pids[i] = fork();
        if (pids[i] < 0) { perror("fork"); return 2; }
        if (pids[i] == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive a failed parent */
            _exit(subscriber(ep, sync_ep, size, count));
        }
    }

    void *ctx = new_ctx();
    void *pub = zmq_socket(ctx, ZMQ_PUB);
    void *sync = zmq_socket(ctx, ZMQ_PULL);
    if (!pub || !sync) DIE("zmq_socket");
    common_opts(pub);
    common_opts(sync);
    int one = 1;
    CHECK(zmq_setsockopt(pub, ZMQ_XPUB_NODROP, &one, sizeof one));
    CHECK(zmq_bind(pub, ep));
    CHECK(zmq_bind(sync, sync_ep));

    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    int ready = 0;
    double deadline = now_s() + 30;
    while (ready < nsubs) {
        send_part(pub, 0, 0);
        zmq_pollitem_t it = {sync, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&it, 1, 1) < 0) DIE("zmq_poll");
        while (zmq_msg_recv(&msg, sync, ZMQ_DONTWAIT) >= 0) ready++;
        if (now_s() > deadline) { fprintf(stderr, "subscribers never joined\n"); return 1; }
    }
    double t0 = now_s();
    for (long i = 0; i < count; i++)
        send_part(pub, size, 0);
    for (int done = 0; done < nsubs;) {
        size_t n = recv_part(sync, &msg);
        if (n == 1) done++; /* late 'ready' messages are empty */
    }
    double secs = now_s() - t0;
    int fail = 0;
    for (int i = 0; i < nsubs; i++) {
        int st;
        if (waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) fail = 1;
    }
    double n = (double) nsubs * (double) count;
    printf("RESULT thr msgs=%.0f size=%zu secs=%.6f msgps=%.1f mbps=%.3f\n", n, size,
           secs, n / secs, n * (double) size / secs / 1e6);
    zmq_msg_close(&msg);
    zmq_close(pub);
    zmq_close(sync);
    zmq_ctx_term(ctx);
    return fail;
}
