/* When the operating system's random source fails, CURVE fails closed:
 * zmq_curve_keypair returns -1 (errno EIO) instead of a predictable key,
 * and a CURVE connection cannot be made (its ephemeral keys, cookie key and
 * nonces would be zeros): the client reports HANDSHAKE_FAILED_NO_DETAIL
 * with EIO and no message reaches the server.
 *
 * The failure is made real with a seccomp filter that fails getrandom(2)
 * with EIO in every thread. (Debian's libzmq passes this test only up to the filter: its
 * libsodium falls back to an already open /dev/urandom.) */
#include "testutil.h"
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static void fail_getrandom (void)
{
    struct sock_filter filter[] = {
        BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch)),
        BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
        BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr)),
        BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, __NR_getrandom, 0, 1),
        BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EIO & SECCOMP_RET_DATA)),
        BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0],
                              .filter = filter};
    CHECK (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
    /* Every thread of the process, the I/O thread included. */
    CHECK (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                    SECCOMP_FILTER_FLAG_TSYNC, &prog)
           == 0);
}

int main (void)
{
    char server_public[41], server_secret[41];
    char client_public[41], client_secret[41];
    CHECK (zmq_curve_keypair (server_public, server_secret) == 0);
    CHECK (zmq_curve_keypair (client_public, client_secret) == 0);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *server = make (ctx, ZMQ_PULL);
    CHECK (set_int (server, ZMQ_CURVE_SERVER, 1) == 0);
    CHECK (zmq_setsockopt (server, ZMQ_CURVE_SECRETKEY, server_secret, 40)
           == 0);
    CHECK (zmq_bind (server, "tcp://127.0.0.1:*") == 0);
    char ep[256];
    CHECK (last_endpoint (server, ep, sizeof ep) == 0);
    void *client = make (ctx, ZMQ_PUSH);
    CHECK (zmq_setsockopt (client, ZMQ_CURVE_SERVERKEY, server_public, 40)
           == 0);
    CHECK (zmq_setsockopt (client, ZMQ_CURVE_PUBLICKEY, client_public, 40)
           == 0);
    CHECK (zmq_setsockopt (client, ZMQ_CURVE_SECRETKEY, client_secret, 40)
           == 0);
    void *mon = monitor_of (ctx, client, "inproc://client-mon",
                            ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                              | ZMQ_EVENT_HANDSHAKE_SUCCEEDED);
    CHECK (mon);

    fail_getrandom ();

    char pub[41], sec[41];
    memset (sec, 'x', sizeof sec);
    errno = 0;
    CHECK (zmq_curve_keypair (pub, sec) == -1);
    CHECK (zmq_errno () == EIO);

    CHECK (zmq_connect (client, ep) == 0);
    CHECK (zmq_send (client, "secret", 6, ZMQ_DONTWAIT) == 6);
    uint32_t value = 0;
    char where[256];
    EXPECT_EVENT (mon, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL, value, where);
    CHECK (value == EIO);
    CHECK (set_int (server, ZMQ_RCVTIMEO, 300) == 0);
    char buf[16];
    CHECK (zmq_recv (server, buf, sizeof buf, 0) == -1);
    CHECK (zmq_errno () == EAGAIN);

    CHECK (zmq_close (mon) == 0);
    CHECK (zmq_close (client) == 0);
    CHECK (zmq_close (server) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
