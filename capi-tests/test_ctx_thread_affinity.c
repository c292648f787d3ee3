/* ZMQ_THREAD_AFFINITY_CPU_ADD / _REMOVE: the CPUs added (less those
 * removed) before the I/O threads start become their CPU affinity; with
 * none added they keep the process's. Needs 2 usable CPUs (else skipped).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <sched.h>

/* Checks that every "*ZMQbg/IO/*" thread (at least one, waiting for them
 * to start) has exactly the CPU set `want`. */
static void check_io_affinity(const cpu_set_t *want)
{
    int found = 0, wrong = 0;
    for (int tries = 0; tries < 100 && (found == 0 || wrong); tries++) {
        found = wrong = 0;
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
            cpu_set_t cs;
            CPU_ZERO(&cs);
            CHECK(sched_getaffinity(atoi(e->d_name), sizeof cs, &cs) == 0);
            if (!CPU_EQUAL(&cs, want))
                wrong++;
        }
        closedir(d);
        if (found == 0 || wrong)
            usleep(10000);
    }
    if (found == 0 || wrong)
        fprintf(stderr, "%d of %d I/O threads have another CPU set\n", wrong,
                found);
    CHECK(found > 0 && wrong == 0);
}

/* A context with CPUs `add` (count n_add) added and `rm` (-1: none)
 * removed, started by a bound socket; its I/O threads must run on `want`. */
static void run(const int *add, int n_add, int rm, const cpu_set_t *want)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    for (int i = 0; i < n_add; i++)
        CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_ADD, add[i]) == 0);
    if (rm >= 0)
        CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_AFFINITY_CPU_REMOVE, rm) == 0);
    void *s = make(ctx, ZMQ_DEALER);
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);
    check_io_affinity(want);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
}

int main(void)
{
    cpu_set_t mine;
    CPU_ZERO(&mine);
    CHECK(sched_getaffinity(0, sizeof mine, &mine) == 0);
    int cpus[2], n = 0;
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
        if (CPU_ISSET(c, &mine))
            cpus[n++] = c;
    if (n < 2) {
        printf("skipped: fewer than 2 usable CPUs\n");
        return 0;
    }

    /* none added: the process's own set */
    run(NULL, 0, -1, &mine);

    /* the second CPU only */
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpus[1], &one);
    run(&cpus[1], 1, -1, &one);

    /* both added, the first removed again */
    run(cpus, 2, cpus[0], &one);
    return 0;
}
