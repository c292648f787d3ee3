/* The DRAFT socket and context options of libzmq 4.3.5 (built with
 * ZMQ_BUILD_DRAFT_API): which values each accepts, what reads back, and
 * EINVAL for wrong sizes and values, with no peer involved. The parts
 * marked 4.3.5 are options 4.3.4 did not have. */
#include "testutil.h"

static int get_int (void *s, int opt, int *v)
{
    size_t sz = sizeof *v;
    int rc = zmq_getsockopt (s, opt, v, &sz);
    CHECK (rc != 0 || sz == sizeof *v);
    return rc;
}

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *dealer = make (ctx, ZMQ_DEALER);
    void *router = make (ctx, ZMQ_ROUTER);
    int v = -1;
    char big[16];

    /* IN/OUT_BATCH_SIZE: positive ints, 8192 by default. */
    CHECK (get_int (dealer, ZMQ_IN_BATCH_SIZE, &v) == 0 && v == 8192);
    CHECK (get_int (dealer, ZMQ_OUT_BATCH_SIZE, &v) == 0 && v == 8192);
    CHECK_ERR (set_int (dealer, ZMQ_IN_BATCH_SIZE, 0), EINVAL);
    CHECK_ERR (set_int (dealer, ZMQ_OUT_BATCH_SIZE, -3), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_IN_BATCH_SIZE, big, 2), EINVAL);
    CHECK (set_int (dealer, ZMQ_IN_BATCH_SIZE, 100) == 0);
    CHECK (set_int (dealer, ZMQ_OUT_BATCH_SIZE, 200) == 0);
    CHECK (get_int (dealer, ZMQ_IN_BATCH_SIZE, &v) == 0 && v == 100);
    CHECK (get_int (dealer, ZMQ_OUT_BATCH_SIZE, &v) == 0 && v == 200);
    size_t sz = 8;
    CHECK_ERR (zmq_getsockopt (dealer, ZMQ_IN_BATCH_SIZE, big, &sz), EINVAL);

    /* PRIORITY: non-negative, readable. */
    CHECK (get_int (dealer, ZMQ_PRIORITY, &v) == 0 && v == 0);
    CHECK_ERR (set_int (dealer, ZMQ_PRIORITY, -1), EINVAL);
    CHECK (set_int (dealer, ZMQ_PRIORITY, 6) == 0);
    CHECK (get_int (dealer, ZMQ_PRIORITY, &v) == 0 && v == 6);

    /* ROUTER_NOTIFY: settable on ROUTER only, 0..3; readable anywhere. */
    CHECK (get_int (dealer, ZMQ_ROUTER_NOTIFY, &v) == 0 && v == 0);
    CHECK_ERR (set_int (dealer, ZMQ_ROUTER_NOTIFY, ZMQ_NOTIFY_CONNECT), EINVAL);
    CHECK_ERR (set_int (router, ZMQ_ROUTER_NOTIFY, 4), EINVAL);
    CHECK_ERR (set_int (router, ZMQ_ROUTER_NOTIFY, -1), EINVAL);
    CHECK (set_int (router, ZMQ_ROUTER_NOTIFY,
                    ZMQ_NOTIFY_CONNECT | ZMQ_NOTIFY_DISCONNECT)
           == 0);
    CHECK (get_int (router, ZMQ_ROUTER_NOTIFY, &v) == 0 && v == 3);

    /* METADATA: "X-name:value", write-only. A 4-byte value is refused
     * whatever it says (libzmq takes that size for an int). */
    CHECK (zmq_setsockopt (dealer, ZMQ_METADATA, "X-key:value", 11) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_METADATA, "X-k:a:b", 7) == 0);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, "X-a:", 4), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, "X-a:b", 4), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, "X-ab:", 5), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, ":X-ab", 5), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, "Key:value", 9), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, "x-key:value", 11), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, "X-keyvalue", 10), EINVAL);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, NULL, 0), EINVAL);
    char name[300];
    memset (name, 'n', sizeof name);
    memcpy (name, "X-", 2);
    name[256] = ':';
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_METADATA, name, 258), EINVAL);
    name[255] = ':';
    CHECK (zmq_setsockopt (dealer, ZMQ_METADATA, name, 257) == 0);
    sz = sizeof big;
    CHECK_ERR (zmq_getsockopt (dealer, ZMQ_METADATA, big, &sz), EINVAL);

    /* HELLO_MSG, DISCONNECT_MSG: any bytes, NULL clears; write-only. */
    CHECK (zmq_setsockopt (dealer, ZMQ_HELLO_MSG, "hello", 5) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_HELLO_MSG, NULL, 0) == 0);
    CHECK (zmq_setsockopt (router, ZMQ_DISCONNECT_MSG, "bye", 3) == 0);
    sz = sizeof big;
    CHECK_ERR (zmq_getsockopt (dealer, ZMQ_HELLO_MSG, big, &sz), EINVAL);
    sz = sizeof big;
    CHECK_ERR (zmq_getsockopt (router, ZMQ_DISCONNECT_MSG, big, &sz), EINVAL);

    /* Options that were draft in 4.3.5 and stable in Debian's 4.3.4. */
    CHECK (get_int (dealer, ZMQ_LOOPBACK_FASTPATH, &v) == 0 && v == 0);
    CHECK (get_int (dealer, ZMQ_MULTICAST_LOOP, &v) == 0 && v == 1);
    CHECK (set_int (dealer, ZMQ_MULTICAST_LOOP, 0) == 0);
    CHECK (get_int (dealer, ZMQ_MULTICAST_LOOP, &v) == 0 && v == 0);

    /* XPUB_MANUAL_LAST_VALUE, ONLY_FIRST_SUBSCRIBE: XPUB's, write-only. */
    void *xpub = make (ctx, ZMQ_XPUB);
    void *xsub = make (ctx, ZMQ_XSUB);
    void *sub = make (ctx, ZMQ_SUB);
    CHECK (set_int (xpub, ZMQ_XPUB_MANUAL_LAST_VALUE, 1) == 0);
    CHECK (set_int (xpub, ZMQ_ONLY_FIRST_SUBSCRIBE, 1) == 0);
    CHECK (set_int (xsub, ZMQ_ONLY_FIRST_SUBSCRIBE, 1) == 0);
    CHECK_ERR (set_int (dealer, ZMQ_XPUB_MANUAL_LAST_VALUE, 1), EINVAL);
    CHECK_ERR (get_int (xpub, ZMQ_XPUB_MANUAL_LAST_VALUE, &v), EINVAL);

    /* ZERO_COPY_RECV: a context option, 1 by default. */
    CHECK (zmq_ctx_get (ctx, ZMQ_ZERO_COPY_RECV) == 1);
    CHECK (zmq_ctx_set (ctx, ZMQ_ZERO_COPY_RECV, 0) == 0);
    CHECK (zmq_ctx_get (ctx, ZMQ_ZERO_COPY_RECV) == 0);
    CHECK_ERR (zmq_ctx_set (ctx, ZMQ_ZERO_COPY_RECV, -1), EINVAL);

#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)
    /* 4.3.5: HICCUP_MSG like HELLO_MSG; BUSY_POLL any int, write-only. */
    CHECK (zmq_setsockopt (dealer, ZMQ_HICCUP_MSG, "hiccup", 6) == 0);
    CHECK (zmq_setsockopt (dealer, ZMQ_HICCUP_MSG, NULL, 0) == 0);
    CHECK (set_int (dealer, ZMQ_BUSY_POLL, 50) == 0);
    CHECK_ERR (zmq_setsockopt (dealer, ZMQ_BUSY_POLL, big, 8), EINVAL);
    CHECK_ERR (get_int (dealer, ZMQ_BUSY_POLL, &v), EINVAL);

    /* XSUB_VERBOSE_UNSUBSCRIBE: XSUB's (SUB refuses it). */
    CHECK (set_int (xsub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, 1) == 0);
    CHECK_ERR (set_int (sub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, 1), EINVAL);
    CHECK_ERR (set_int (xpub, ZMQ_XSUB_VERBOSE_UNSUBSCRIBE, 1), EINVAL);

    /* TOPICS_COUNT: read-only, on XPUB/PUB/XSUB/SUB; a larger buffer is
     * taken (4 bytes written, the rest zeroed). */
    CHECK (get_int (xpub, ZMQ_TOPICS_COUNT, &v) == 0 && v == 0);
    CHECK (get_int (sub, ZMQ_TOPICS_COUNT, &v) == 0 && v == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "b", 1) == 0);
    CHECK (zmq_setsockopt (sub, ZMQ_SUBSCRIBE, "a", 1) == 0);
    memset (big, 0x55, sizeof big);
    sz = sizeof big;
    CHECK (zmq_getsockopt (sub, ZMQ_TOPICS_COUNT, big, &sz) == 0);
    CHECK (sz == sizeof (int));
    memcpy (&v, big, sizeof v);
    CHECK (v == 2);
    CHECK (big[4] == 0 && big[15] == 0);
    sz = 2;
    CHECK_ERR (zmq_getsockopt (sub, ZMQ_TOPICS_COUNT, big, &sz), EINVAL);
    CHECK_ERR (set_int (sub, ZMQ_TOPICS_COUNT, 1), EINVAL);
    CHECK_ERR (get_int (dealer, ZMQ_TOPICS_COUNT, &v), EINVAL);
#endif

    CHECK (zmq_close (sub) == 0);
    CHECK (zmq_close (xsub) == 0);
    CHECK (zmq_close (xpub) == 0);
    CHECK (zmq_close (dealer) == 0);
    CHECK (zmq_close (router) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
