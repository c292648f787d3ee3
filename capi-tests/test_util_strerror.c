/* zmq_strerror gives libzmq's own texts for its error numbers (and for
 * EHOSTUNREACH) and the C library's for the rest; zmq_errno reads the
 * calling thread's errno. */
#include "testutil.h"

int main (void)
{
    CHECK_STR (zmq_strerror (EFSM),
               "Operation cannot be accomplished in current state");
    CHECK_STR (zmq_strerror (ENOCOMPATPROTO),
               "The protocol is not compatible with the socket type");
    CHECK_STR (zmq_strerror (ETERM), "Context was terminated");
    CHECK_STR (zmq_strerror (EMTHREAD), "No thread available");
    /* libzmq words this system error itself. */
    CHECK_STR (zmq_strerror (EHOSTUNREACH), "Host unreachable");

    CHECK_STR (zmq_strerror (EINVAL), strerror (EINVAL));
    CHECK_STR (zmq_strerror (EAGAIN), strerror (EAGAIN));
    CHECK_STR (zmq_strerror (ENOTSUP), strerror (ENOTSUP));
    CHECK_STR (zmq_strerror (0), strerror (0));
    /* Numbers in libzmq's range that it does not define: C library text. */
    CHECK_STR (zmq_strerror (ZMQ_HAUSNUMERO), "Unknown error 156384712");
    CHECK_STR (zmq_strerror (ZMQ_HAUSNUMERO + 50), "Unknown error 156384762");

    errno = EADDRINUSE;
    CHECK_INT (zmq_errno (), EADDRINUSE);
    errno = ETERM;
    CHECK_INT (zmq_errno (), ETERM);
    errno = 0;
    CHECK_INT (zmq_errno (), 0);
    return 0;
}
