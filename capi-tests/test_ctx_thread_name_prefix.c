/* ZMQ_THREAD_NAME_PREFIX: the context's I/O threads are named
 * "ZMQbg/IO/<n>" and, with the option set to an integer P before they
 * start, "P/ZMQbg/IO/<n>" (the names /proc/self/task/<tid>/comm shows).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

#include <dirent.h>

/* How many threads of this process are named `prefix` + "ZMQbg/IO/<n>",
 * and how many have "ZMQbg/IO/" anywhere in their name (into *all). */
static int io_threads_named(const char *prefix, int *all)
{
    char want[64];
    snprintf(want, sizeof want, "%sZMQbg/IO/", prefix);
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL);
    struct dirent *e;
    int n = 0;
    *all = 0;
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
        comm[strcspn(comm, "\n")] = 0;
        if (strstr(comm, "ZMQbg/IO/"))
            ++*all;
        if (strncmp(comm, want, strlen(want)) == 0)
            n++;
    }
    closedir(d);
    return n;
}

/* A context with `prefix` (if >= 0) and 2 I/O threads, started by a
 * socket bound over tcp; checks the names, then ends it. */
static void check_names(int prefix)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    CHECK(zmq_ctx_set(ctx, ZMQ_IO_THREADS, 2) == 0);
    if (prefix >= 0)
        CHECK(zmq_ctx_set(ctx, ZMQ_THREAD_NAME_PREFIX, prefix) == 0);
    void *s = make(ctx, ZMQ_DEALER);
    CHECK(zmq_bind(s, "tcp://127.0.0.1:*") == 0);

    char want[32] = "";
    if (prefix >= 0)
        snprintf(want, sizeof want, "%d/", prefix);
    int all = 0, named = 0;
    for (int i = 0; i < 100; i++) { /* threads name themselves as they start */
        named = io_threads_named(want, &all);
        if (named == 2 && all == 2)
            break;
        usleep(10000);
    }
    if (named != 2 || all != 2)
        fprintf(stderr, "prefix %d: %d I/O threads named '%sZMQbg/IO/<n>', "
                        "%d named '*ZMQbg/IO/*'\n", prefix, named, want, all);
    CHECK(named == 2 && all == 2);

    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
}

int main(void)
{
    check_names(-1);
    check_names(42);
    return 0;
}
