/* A peer that closes its connection while we still write to it costs an
 * EPIPE and a reconnect, never a SIGPIPE: the library must not kill a host
 * process that kept SIGPIPE's default action (as C programs do).
 *
 * A plain unix-socket server answers the ZMTP signature, so the library
 * goes on to write the rest of its greeting, and closes at once: that
 * write meets a closed peer. Each accept proves the previous connection
 * was written to and dropped. Runs over ipc:// with a filesystem path.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"
#include <signal.h>

int main(void)
{
    signal(SIGPIPE, SIG_DFL);

    char path[64];
    snprintf(path, sizeof path, "/tmp/zmq-capi-sigpipe-%d.sock", (int) getpid());
    unlink(path);
    int srv = unix_bound(path);
    CHECK(listen(srv, 8) == 0);

    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    void *s = zmq_socket(ctx, ZMQ_DEALER);
    CHECK(s);
    int ivl = 10;
    CHECK(zmq_setsockopt(s, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) == 0);
    char ep[80];
    snprintf(ep, sizeof ep, "ipc://%s", path);
    CHECK(zmq_connect(s, ep) == 0);

    static const unsigned char signature[10] = {0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F};
    for (int round = 0; round < 5; round++) {
        int c = accept(srv, NULL, NULL);
        CHECK(c >= 0);
        unsigned char got[10];
        size_t have = 0;
        while (have < sizeof got) {
            ssize_t n = read(c, got + have, sizeof got - have);
            CHECK(n > 0);
            have += (size_t) n;
        }
        CHECK(got[0] == 0xFF && got[9] == 0x7F);
        CHECK(write(c, signature, sizeof signature) == (ssize_t) sizeof signature);
        close(c);
    }
    /* One more accept: the fifth connection was written to and dropped. */
    int c = accept(srv, NULL, NULL);
    CHECK(c >= 0);
    close(c);

    int zero = 0;
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &zero, sizeof zero) == 0);
    CHECK(zmq_close(s) == 0);
    CHECK(zmq_ctx_term(ctx) == 0);
    close(srv);
    unlink(path);
    return 0;
}
