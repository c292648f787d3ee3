/* zmq_strerror gives libzmq's own texts for its error numbers (and for
 * EHOSTUNREACH) and the C library's for the rest; zmq_errno reads the
 * calling thread's errno. */
#include <zmq.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define CHECK_STR(expr, want)                                                  \
    do {                                                                       \
        const char *got_ = (expr);                                             \
        if (got_ == NULL || strcmp (got_, (want)) != 0) {                      \
            fprintf (stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n",         \
                     __FILE__, __LINE__, #expr, got_ ? got_ : "(null)",        \
                     (want));                                                  \
            return 1;                                                          \
        }                                                                      \
    } while (0)

#define CHECK_INT(expr, want)                                                  \
    do {                                                                       \
        long got_ = (long) (expr);                                             \
        if (got_ != (long) (want)) {                                           \
            fprintf (stderr, "%s:%d: %s == %ld, expected %ld\n", __FILE__,     \
                     __LINE__, #expr, got_, (long) (want));                    \
            return 1;                                                          \
        }                                                                      \
    } while (0)

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
