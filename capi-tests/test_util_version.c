/* zmq_version reports 4.3.5 and agrees with the header's macros;
 * zmq_has answers 1 for ipc, curve and draft (the DRAFT API is built in,
 * as in a libzmq configured with --enable-drafts), 0 for what is not built
 * or unknown. */
#include "testutil.h"

int main (void)
{
    int major = -1, minor = -1, patch = -1;
    zmq_version (&major, &minor, &patch);
    CHECK_INT (major, 4);
    CHECK_INT (minor, 3);
    CHECK_INT (patch, 5);
    CHECK_INT (ZMQ_MAKE_VERSION (major, minor, patch) >= ZMQ_MAKE_VERSION (4, 3, 0), 1);

    CHECK_INT (zmq_has ("ipc"), 1);
    CHECK_INT (zmq_has ("curve"), 1);
    CHECK_INT (zmq_has ("pgm"), 0);
    CHECK_INT (zmq_has ("tipc"), 0);
    CHECK_INT (zmq_has ("norm"), 0);
    CHECK_INT (zmq_has ("gssapi"), 0);
    CHECK_INT (zmq_has ("draft"), 1);
    /* Capabilities are lowercase names; anything else is unknown. */
    CHECK_INT (zmq_has ("IPC"), 0);
    CHECK_INT (zmq_has ("tcp"), 0);
    CHECK_INT (zmq_has (""), 0);
    return 0;
}
