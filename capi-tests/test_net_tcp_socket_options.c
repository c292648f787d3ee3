/* The TCP-level socket options reach the kernel sockets: ZMQ_SNDBUF,
 * ZMQ_RCVBUF, ZMQ_TOS and ZMQ_BINDTODEVICE on the connecting, listening
 * and accepted sockets; ZMQ_TCP_KEEPALIVE(_CNT, _IDLE, _INTVL) and
 * ZMQ_TCP_MAXRT (TCP_USER_TIMEOUT) on the connected ones; ZMQ_BACKLOG on
 * the listener (as `ss` shows it, when installed). Nothing set: the OS
 * defaults, and TCP_NODELAY on connections. ZMQ_IPV6 / ZMQ_IPV4ONLY pick
 * the family of a wildcard listener (IPv6 is dual-stack).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

static int geti(int fd, int level, int opt)
{
    int v = -99;
    socklen_t l = sizeof v;
    CHECK(getsockopt(fd, level, opt, &v, &l) == 0);
    return v;
}

static int local_port(int fd, int peer)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *) &ss, &sl))
        return -1;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *) &ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *) &ss)->sin6_port);
    return -1;
}

enum { CONNECTED_TO, LISTENING_ON, ACCEPTED_ON };

/* The library's TCP socket that is connected to port p / listening on p /
 * accepted on p (waits up to 2 s for it to appear); never `skip`. */
static int find_fd(int what, int p, int skip)
{
    for (int tries = 0; tries < 200; tries++) {
        for (int fd = 3; fd < 1024; fd++) {
            /* The library's I/O thread may close any of these fds while
               we look (a connection retried, a listener replaced): a
               failing getsockopt skips the fd rather than the test. */
            int type = 0, dom = 0, lis = 0;
            socklen_t l = sizeof type, ld = sizeof dom, ll = sizeof lis;
            if (fd == skip
                || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l) != 0
                || type != SOCK_STREAM
                || getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &ld) != 0
                || (dom != AF_INET && dom != AF_INET6)
                || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &lis, &ll) != 0)
                continue;
            if ((what == CONNECTED_TO && !lis && local_port(fd, 1) == p)
                || (what == LISTENING_ON && lis && local_port(fd, 0) == p)
                || (what == ACCEPTED_ON && !lis && local_port(fd, 0) == p))
                return fd;
        }
        usleep(10000);
    }
    CHECK(!"the library's socket was not found");
    return -1;
}

/* What the kernel reports for SO_SNDBUF/SO_RCVBUF after setting `v`. */
static int kernel_buf(int opt, int v)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    CHECK(setsockopt(fd, SOL_SOCKET, opt, &v, sizeof v) == 0);
    int r = geti(fd, SOL_SOCKET, opt);
    close(fd);
    return r;
}

static int can_bind_to_lo(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int ok = setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 2) == 0;
    close(fd);
    return ok;
}

static void device_is(int fd, const char *want)
{
    char dev[IFNAMSIZ + 1] = {0};
    socklen_t l = sizeof dev;
    CHECK(getsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, &l) == 0);
    CHECK_STR(dev, want);
}

/* The listen backlog of port p as `ss` shows it (Send-Q), or -1. */
static int backlog_of(int p)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd,
             "ss -Hltn 'sport = :%d' 2>/dev/null | awk '{print $3}'", p);
    FILE *f = popen(cmd, "r");
    int v = -1;
    if (f) {
        if (fscanf(f, "%d", &v) != 1)
            v = -1;
        pclose(f);
    }
    return v;
}

static void set_all(void *s, int with_device)
{
    CHECK(set_int(s, ZMQ_SNDBUF, 65536) == 0);
    CHECK(set_int(s, ZMQ_RCVBUF, 32768) == 0);
    CHECK(set_int(s, ZMQ_TCP_KEEPALIVE, 1) == 0);
    CHECK(set_int(s, ZMQ_TCP_KEEPALIVE_CNT, 7) == 0);
    CHECK(set_int(s, ZMQ_TCP_KEEPALIVE_IDLE, 33) == 0);
    CHECK(set_int(s, ZMQ_TCP_KEEPALIVE_INTVL, 11) == 0);
    CHECK(set_int(s, ZMQ_TCP_MAXRT, 4321) == 0);
    CHECK(set_int(s, ZMQ_TOS, 0x28) == 0);
    CHECK(set_int(s, ZMQ_BACKLOG, 7) == 0);
    if (with_device)
        CHECK(zmq_setsockopt(s, ZMQ_BINDTODEVICE, "lo", 2) == 0);
}

/* Connected sockets (ours or accepted) with everything set. */
static void check_connected(int fd, int sndbuf, int rcvbuf)
{
    CHECK_INT(geti(fd, SOL_SOCKET, SO_SNDBUF), sndbuf);
    CHECK_INT(geti(fd, SOL_SOCKET, SO_RCVBUF), rcvbuf);
    CHECK_INT(geti(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_KEEPCNT), 7);
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_KEEPIDLE), 33);
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_KEEPINTVL), 11);
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 4321);
    CHECK_INT(geti(fd, IPPROTO_IP, IP_TOS), 0x28);
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_NODELAY), 1);
}

/* Connected sockets with nothing set: the OS defaults, plus NODELAY. */
static void check_defaults(int fd)
{
    int plain = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(plain >= 0);
    CHECK_INT(geti(fd, SOL_SOCKET, SO_KEEPALIVE),
              geti(plain, SOL_SOCKET, SO_KEEPALIVE));
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_KEEPCNT),
              geti(plain, IPPROTO_TCP, TCP_KEEPCNT));
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_KEEPIDLE),
              geti(plain, IPPROTO_TCP, TCP_KEEPIDLE));
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 0);
    CHECK_INT(geti(fd, IPPROTO_IP, IP_TOS), 0);
    CHECK_INT(geti(fd, IPPROTO_TCP, TCP_NODELAY), 1);
    close(plain);
}

static void *ctx;

static void run(int set, int with_device)
{
    int sndbuf = kernel_buf(SO_SNDBUF, 65536);
    int rcvbuf = kernel_buf(SO_RCVBUF, 32768);

    /* connecting side, to a plain listener */
    int port;
    int lfd = tcp_listener(&port);
    void *d = make(ctx, ZMQ_DEALER);
    if (set)
        set_all(d, with_device);
    char ep[64];
    snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
    CHECK(zmq_connect(d, ep) == 0);
    struct pollfd pfd = {lfd, POLLIN, 0};
    CHECK(poll(&pfd, 1, TU_WAIT_MS) == 1);
    int peer = accept(lfd, NULL, NULL);
    CHECK(peer >= 0);
    usleep(200000); /* options after connect() land once it completes */
    int fd = find_fd(CONNECTED_TO, port, peer);
    if (set) {
        check_connected(fd, sndbuf, rcvbuf);
        if (with_device)
            device_is(fd, "lo");
    } else
        check_defaults(fd);
    CHECK(zmq_close(d) == 0);
    close(peer);
    close(lfd);

    /* binding side: the listener and an accepted plain client */
    void *r = make(ctx, ZMQ_ROUTER);
    if (set)
        set_all(r, with_device);
    CHECK(zmq_bind(r, "tcp://127.0.0.1:*") == 0);
    int bport = bound_port(r);
    int lis = find_fd(LISTENING_ON, bport, -1);
    int backlog = backlog_of(bport);
    if (backlog >= 0)
        CHECK_INT(backlog, set ? 7 : 100);
    if (set) {
        CHECK_INT(geti(lis, SOL_SOCKET, SO_SNDBUF), sndbuf);
        CHECK_INT(geti(lis, SOL_SOCKET, SO_RCVBUF), rcvbuf);
        CHECK_INT(geti(lis, IPPROTO_IP, IP_TOS), 0x28);
        if (with_device)
            device_is(lis, "lo");
    }
    int c = tcp_client(bport);
    usleep(200000);
    fd = find_fd(ACCEPTED_ON, bport, -1);
    if (set) {
        check_connected(fd, sndbuf, rcvbuf);
        if (with_device)
            device_is(fd, "lo");
    } else
        check_defaults(fd);
    close(c);
    CHECK(zmq_close(r) == 0);
}

/* The family (and V6ONLY) of a "tcp://*:*" listener with `opt` = v. */
static void wildcard_family(int opt, int v, int want_family)
{
    void *r = make(ctx, ZMQ_ROUTER);
    CHECK(set_int(r, opt, v) == 0);
    CHECK(zmq_bind(r, "tcp://*:*") == 0);
    char ep[256];
    CHECK(last_endpoint(r, ep, sizeof ep) == 0);
    int fd = find_fd(LISTENING_ON, bound_port(r), -1);
    CHECK_INT(geti(fd, SOL_SOCKET, SO_DOMAIN), want_family);
    if (want_family == AF_INET6) {
        CHECK(strncmp(ep, "tcp://[::]:", 11) == 0);
        CHECK_INT(geti(fd, IPPROTO_IPV6, IPV6_V6ONLY), 0);
    } else
        CHECK(strncmp(ep, "tcp://0.0.0.0:", 14) == 0);
    CHECK(zmq_close(r) == 0);
}

int main(void)
{
    ctx = zmq_ctx_new();
    CHECK(ctx);
    run(0, 0);
    run(1, 0);
    if (can_bind_to_lo())
        run(1, 1);
    else
        printf("ZMQ_BINDTODEVICE part skipped: SO_BINDTODEVICE not permitted\n");

    wildcard_family(ZMQ_IPV6, 0, AF_INET);
    wildcard_family(ZMQ_IPV4ONLY, 1, AF_INET);
    int s6 = socket(AF_INET6, SOCK_STREAM, 0);
    if (s6 >= 0) {
        close(s6);
        wildcard_family(ZMQ_IPV6, 1, AF_INET6);
        wildcard_family(ZMQ_IPV4ONLY, 0, AF_INET6);
    } else
        printf("IPv6 part skipped: no AF_INET6 sockets here\n");

    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
