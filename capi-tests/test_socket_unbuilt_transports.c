/* Transports left out of the build: zmq_bind and zmq_connect fail with
 * EPROTONOSUPPORT and zmq_has says 0. vmci:// is out of Debian's libzmq
 * too; pgm://, epgm://, tipc:// and norm:// are in Debian's (built with
 * OpenPGM, TIPC and NORM) but not in ours, so that part is skipped with
 * -DREAL_LIBZMQ (see docs/conformance.md).
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

static void unsupported(void *ctx, int type, const char *ep)
{
    void *s = make(ctx, type);
    CHECK_ERR(zmq_bind(s, ep), EPROTONOSUPPORT);
    CHECK_ERR(zmq_connect(s, ep), EPROTONOSUPPORT);
    CHECK(zmq_close(s) == 0);
}

int main(void)
{
    void *ctx = zmq_ctx_new();
    CHECK(ctx);
    CHECK_INT(zmq_has("vmci"), 0);
    unsupported(ctx, ZMQ_PAIR, "vmci://1:5555");
#ifndef REAL_LIBZMQ
    CHECK_INT(zmq_has("pgm"), 0);
    CHECK_INT(zmq_has("tipc"), 0);
    CHECK_INT(zmq_has("norm"), 0);
    unsupported(ctx, ZMQ_PUB, "pgm://127.0.0.1;239.192.1.1:5555");
    unsupported(ctx, ZMQ_SUB, "epgm://127.0.0.1;239.192.1.1:5555");
    unsupported(ctx, ZMQ_PAIR, "tipc://{5560,0,0}");
    unsupported(ctx, ZMQ_PUB, "norm://1,239.192.1.1:5555");
#endif
    CHECK(zmq_ctx_term(ctx) == 0);
    return 0;
}
