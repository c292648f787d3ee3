/* ZMQ_THREAD_SCHED_POLICY / ZMQ_THREAD_PRIORITY: set before the I/O
 * threads start, they become the threads' scheduling policy and priority
 * (here SCHED_FIFO, 7). Skipped when this process may not use SCHED_FIFO.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <sched.h>

static void *try_fifo(void *arg)
{
    struct sched_param sp = {.sched_priority = 7};
    *(int *) arg = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
    return NULL;
}

/* Number of "*ZMQbg/IO/*" threads, and how many run `policy` at `prio`. */
static int io_threads(int policy, int prio, int *matching)
{
    int found = 0;
    *matching = 0;
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[300], comm[64] = {0};
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (!fgets(comm, sizeof comm, f))
            comm[0] = 0;
        fclose(f);
        if (!strstr(comm, "ZMQbg/IO/"))
            continue;
        found++;
        int tid = atoi(e->d_name);
        struct sched_param sp;
        if (sched_getscheduler(tid) == policy && sched_getparam(tid, &sp) == 0
            && sp.sched_priority == prio)
            ++*matching;
    }
    closedir(d);
    return found;
}

static void run(int set, int policy, int prio)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    CHECK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 2) == 0);
    if (set) {
        CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_SCHED_POLICY, policy) == 0);
        CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_PRIORITY, prio) == 0);
    }
    void *s = make(ctx, ZMQ_DEALER);
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    int found = 0, matching = 0;
    for (int i = 0; i < 100; i++) {
        found = io_threads(policy, prio, &matching);
        if (found == 2 && matching == 2)
            break;
        usleep(10000);
    }
    if (found != 2 || matching != 2)
        fprintf(stderr, "%d of %d I/O threads run policy %d priority %d\n",
                matching, found, policy, prio);
    CHECK(found == 2 && matching == 2);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
}

int main(void)
{
    /* unset: the default policy at priority 0 */
    run(0, SCHED_OTHER, 0);

    pthread_t t;
    int rc = -1;
    CHECK(pthread_create(&t, NULL, try_fifo, &rc) == 0);
    CHECK(pthread_join(t, NULL) == 0);
    if (rc != 0) {
        printf("skipped: SCHED_FIFO not permitted here (%s)\n", strerror(rc));
        return 0;
    }
    run(1, SCHED_FIFO, 7);
    return 0;
}
