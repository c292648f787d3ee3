/*
 * zmq-oxide demo: a few messages over inproc through the classic socket
 * patterns, using nothing but libzmq's public C API. It builds unchanged
 * against the real libzmq:
 *
 *     cc demo.c -o demo $(pkg-config --cflags --libs libzmq) && ./demo
 *
 * Every call is checked; the program exits 1 at the first failure.
 */
#include <zmq.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Abort the demo with libzmq's error message if a call failed. */
#define CHECK(call)                                                         \
    do {                                                                    \
        if ((call) == -1) {                                                 \
            fprintf(stderr, "demo: %s failed: %s\n", #call,                 \
                    zmq_strerror(zmq_errno()));                             \
            exit(1);                                                        \
        }                                                                   \
    } while (0)

static void *new_socket(void *ctx, int type)
{
    void *s = zmq_socket(ctx, type);
    int linger = 0, timeout_ms = 5000;
    if (!s) {
        fprintf(stderr, "demo: zmq_socket failed: %s\n", zmq_strerror(zmq_errno()));
        exit(1);
    }
    /* never hang the demo: give up on a receive after 5 seconds */
    CHECK(zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger));
    CHECK(zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms));
    return s;
}

/* Send one frame holding a C string (without its NUL); flags may be ZMQ_SNDMORE. */
static void send_str(void *s, const char *text, int flags)
{
    CHECK(zmq_send(s, text, strlen(text), flags));
}

/* Receive one frame into buf as a C string; returns whether more frames follow. */
static int recv_str(void *s, char *buf, size_t size)
{
    int more = 0;
    size_t more_size = sizeof more;
    int n = zmq_recv(s, buf, size - 1, 0);
    CHECK(n);
    buf[(size_t) n < size - 1 ? (size_t) n : size - 1] = '\0';
    CHECK(zmq_getsockopt(s, ZMQ_RCVMORE, &more, &more_size));
    return more;
}

static void push_pull(void *ctx)
{
    char buf[64];
    void *push = new_socket(ctx, ZMQ_PUSH);
    void *pull = new_socket(ctx, ZMQ_PULL);
    CHECK(zmq_bind(pull, "inproc://pipeline"));
    CHECK(zmq_connect(push, "inproc://pipeline"));

    printf("PUSH/PULL:\n");
    for (int i = 1; i <= 3; i++) {
        snprintf(buf, sizeof buf, "task %d", i);
        send_str(push, buf, 0);
        printf("  push sent     \"%s\"\n", buf);
    }
    for (int i = 1; i <= 3; i++) {
        recv_str(pull, buf, sizeof buf);
        printf("  pull received \"%s\"\n", buf);
    }
    CHECK(zmq_close(push));
    CHECK(zmq_close(pull));
}

static void req_rep(void *ctx)
{
    char buf[64];
    void *rep = new_socket(ctx, ZMQ_REP);
    void *req = new_socket(ctx, ZMQ_REQ);
    CHECK(zmq_bind(rep, "inproc://service"));
    CHECK(zmq_connect(req, "inproc://service"));

    printf("REQ/REP:\n");
    for (int i = 1; i <= 2; i++) {
        snprintf(buf, sizeof buf, "question %d", i);
        send_str(req, buf, 0);
        printf("  req sent      \"%s\"\n", buf);
        recv_str(rep, buf, sizeof buf);
        printf("  rep received  \"%s\"\n", buf);
        snprintf(buf, sizeof buf, "answer %d", i);
        send_str(rep, buf, 0);
        recv_str(req, buf, sizeof buf);
        printf("  req received  \"%s\"\n", buf);
    }
    CHECK(zmq_close(req));
    CHECK(zmq_close(rep));
}

static void pub_sub(void *ctx)
{
    char buf[64];
    void *pub = new_socket(ctx, ZMQ_PUB);
    void *sub = new_socket(ctx, ZMQ_SUB);
    zmq_pollitem_t item = { sub, 0, ZMQ_POLLIN, 0 };
    int joined = 0;

    CHECK(zmq_bind(pub, "inproc://news"));
    CHECK(zmq_connect(sub, "inproc://news"));
    CHECK(zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "weather", 7));

    printf("PUB/SUB (subscribed to \"weather\"):\n");
    /* The subscription reaches the publisher asynchronously: publish a
     * "hello" until the subscriber sees one, instead of sleeping. */
    for (int tries = 0; tries < 500 && !joined; tries++) {
        send_str(pub, "weather hello", 0);
        joined = zmq_poll(&item, 1, 10); /* 1 when sub has a message */
        CHECK(joined);
    }
    if (!joined) {
        fprintf(stderr, "demo: subscriber never joined\n");
        exit(1);
    }
    send_str(pub, "sports: not delivered to this subscriber", 0);
    send_str(pub, "weather: sunny", 0);
    send_str(pub, "weather: windy", 0);
    printf("  pub sent      3 updates (1 sports, 2 weather)\n");
    for (int received = 0; received < 2;) {
        recv_str(sub, buf, sizeof buf);
        if (strcmp(buf, "weather hello") == 0)
            continue; /* extra greetings sent while joining */
        printf("  sub received  \"%s\"\n", buf);
        received++;
    }
    CHECK(zmq_close(sub));
    CHECK(zmq_close(pub));
}

static void router_dealer(void *ctx)
{
    char id[64], body[64];
    void *router = new_socket(ctx, ZMQ_ROUTER);
    void *dealer = new_socket(ctx, ZMQ_DEALER);
    CHECK(zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "worker-7", 8));
    CHECK(zmq_bind(router, "inproc://broker"));
    CHECK(zmq_connect(dealer, "inproc://broker"));

    printf("ROUTER/DEALER:\n");
    send_str(dealer, "ready for work", 0);
    printf("  dealer sent   \"ready for work\"\n");
    /* ROUTER prefixes each message with the sender's routing id */
    if (!recv_str(router, id, sizeof id)) {
        fprintf(stderr, "demo: ROUTER message had no routing id frame\n");
        exit(1);
    }
    recv_str(router, body, sizeof body);
    printf("  router got    \"%s\" from \"%s\"\n", body, id);
    /* ... and uses the first frame of what it sends to pick the peer */
    send_str(router, id, ZMQ_SNDMORE);
    send_str(router, "here is a job", 0);
    recv_str(dealer, body, sizeof body);
    printf("  dealer got    \"%s\"\n", body);
    CHECK(zmq_close(dealer));
    CHECK(zmq_close(router));
}

int main(void)
{
    int major, minor, patch;
    void *ctx;

    setvbuf(stdout, NULL, _IOLBF, BUFSIZ); /* keep output in order when piped */
    ctx = zmq_ctx_new();
    if (!ctx) {
        fprintf(stderr, "demo: zmq_ctx_new failed: %s\n", zmq_strerror(zmq_errno()));
        return 1;
    }
    zmq_version(&major, &minor, &patch);
    printf("libzmq %d.%d.%d\n", major, minor, patch);

    push_pull(ctx);
    req_rep(ctx);
    pub_sub(ctx);
    router_dealer(ctx);

    CHECK(zmq_ctx_term(ctx));
    printf("done\n");
    return 0;
}
