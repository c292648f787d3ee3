/* idle_conns: memory per idle connection.  This process binds one PULL;
 * a forked child (own context) opens N PUSH sockets, connects each to it and
 * sends one byte on each so every connection is known to be up.  After all
 * N arrived and 300 ms of quiet, both sides read VmRSS from /proc/self/status
 * and report (RSS now - RSS before the connections) / N.
 *   usage: idle_conns ENDPOINT N */
#include "common.h"
#include <sys/wait.h>
#include <unistd.h>

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: idle_conns ENDPOINT N\n");
        return 2;
    }
    const char *ep = argv[1];
    long n = parse_long(argv[2], "n");
    if (n < 1) n = 1;
    banner("idle_conns");
    fflush(stdout);
    int go[2], up[2];
    if (pipe(go) < 0 || pipe(up) < 0) { perror("pipe"); return 2; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 2; }
    if (pid == 0) {
        char c;
        void *ctx = new_ctx();
        void **socks = calloc((size_t) n, sizeof *socks);
        if (!socks) return 2;
        if (read(go[0], &c, 1) != 1) return 2; /* parent has bound */
        long before = rss_kb();
        for (long i = 0; i < n; i++) {
            socks[i] = zmq_socket(ctx, ZMQ_PUSH);
            if (!socks[i]) DIE("zmq_socket");
            common_opts(socks[i]);
            CHECK(zmq_connect(socks[i], ep));
            send_part(socks[i], 1, 0);
        }
        if (read(go[0], &c, 1) != 1) return 2; /* parent got all N */
        long after = rss_kb();
        printf("RESULT idle side=connect n=%ld rss_before_kb=%ld rss_after_kb=%ld bytes_per_conn=%.0f\n",
               n, before, after, (double) (after - before) * 1024.0 / (double) n);
        fflush(stdout);
        int zero = 0;
        for (long i = 0; i < n; i++) {
            zmq_setsockopt(socks[i], ZMQ_LINGER, &zero, sizeof zero);
            zmq_close(socks[i]);
        }
        zmq_ctx_term(ctx);
        _exit(0);
    }
    void *ctx = new_ctx();
    void *s = zmq_socket(ctx, ZMQ_PULL);
    if (!s) DIE("zmq_socket");
    common_opts(s);
    CHECK(zmq_bind(s, ep));
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg));
    usleep(100000);
    long before = rss_kb();
    if (write(go[1], "g", 1) != 1) return 2;
    for (long i = 0; i < n; i++)
        recv_part(s, &msg);
    usleep(300000);
    long after = rss_kb();
    printf("RESULT idle side=bind n=%ld rss_before_kb=%ld rss_after_kb=%ld bytes_per_conn=%.0f\n",
           n, before, after, (double) (after - before) * 1024.0 / (double) n);
    fflush(stdout);
    if (write(go[1], "g", 1) != 1) return 2;
    int st;
    waitpid(pid, &st, 0);
    zmq_msg_close(&msg);
    zmq_close(s);
    zmq_ctx_term(ctx);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
