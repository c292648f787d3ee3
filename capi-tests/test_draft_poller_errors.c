/* DRAFT zmq_poller_*: argument checks and registration rules
 * (zmq_poller(3)): EFAULT for a NULL or non-poller pointer, ENOTSOCK for
 * a non-socket, EBADF for fd -1, EINVAL for duplicates, unknown entries,
 * unknown event bits and a negative count; waiting on nothing is EAGAIN
 * with a timeout and EFAULT without one; zmq_poller_fd is EINVAL while no
 * thread-safe socket is registered. Ours also lets a socket closed while
 * registered (undefined behaviour in libzmq: its memory is freed) be
 * removed, and fails waits on it with ENOTSOCK; -DREAL_LIBZMQ skips that. */
#include "testutil.h"
#include <limits.h>

int main (void)
{
    void *ctx = zmq_ctx_new ();
    CHECK (ctx);
    void *s = zmq_socket (ctx, ZMQ_PAIR);
    void *s2 = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s && s2);
    int p[2];
    CHECK (pipe (p) == 0);
    zmq_poller_event_t ev;
    zmq_fd_t fd;

    /* NULL poller, and a pointer to a NULL pointer (not a poller) */
    void *null_poller = NULL;
    CHECK_ERR (zmq_poller_destroy (NULL), EFAULT);
    CHECK_ERR (zmq_poller_destroy (&null_poller), EFAULT);
    CHECK_ERR (zmq_poller_size (NULL), EFAULT);
    CHECK_ERR (zmq_poller_size (&null_poller), EFAULT);
    CHECK_ERR (zmq_poller_add (NULL, s, NULL, ZMQ_POLLIN), EFAULT);
    CHECK_ERR (zmq_poller_add (&null_poller, s, NULL, ZMQ_POLLIN), EFAULT);
    CHECK_ERR (zmq_poller_modify (NULL, s, ZMQ_POLLIN), EFAULT);
    CHECK_ERR (zmq_poller_remove (&null_poller, s), EFAULT);
    CHECK_ERR (zmq_poller_add_fd (NULL, p[0], NULL, ZMQ_POLLIN), EFAULT);
    CHECK_ERR (zmq_poller_modify_fd (&null_poller, p[0], ZMQ_POLLIN), EFAULT);
    CHECK_ERR (zmq_poller_remove_fd (NULL, p[0]), EFAULT);
    CHECK_ERR (zmq_poller_wait (NULL, &ev, 0), EFAULT);
    CHECK_ERR (zmq_poller_wait_all (&null_poller, &ev, 1, 0), EFAULT);
    CHECK_ERR (zmq_poller_fd (NULL, &fd), EFAULT);
    CHECK_ERR (zmq_poller_fd (&null_poller, &fd), EFAULT);
    /* EFAULT for the poller comes before ENOTSOCK for the socket */
    CHECK_ERR (zmq_poller_add (NULL, NULL, NULL, ZMQ_POLLIN), EFAULT);

    void *poller = zmq_poller_new ();
    CHECK (poller);
    CHECK_INT (zmq_poller_size (poller), 0);

    /* not a socket; retired fd */
    CHECK_ERR (zmq_poller_add (poller, NULL, NULL, ZMQ_POLLIN), ENOTSOCK);
    CHECK_ERR (zmq_poller_modify (poller, NULL, ZMQ_POLLIN), ENOTSOCK);
    CHECK_ERR (zmq_poller_remove (poller, NULL), ENOTSOCK);
    CHECK_ERR (zmq_poller_add_fd (poller, -1, NULL, ZMQ_POLLIN), EBADF);
    CHECK_ERR (zmq_poller_modify_fd (poller, -1, ZMQ_POLLIN), EBADF);
    CHECK_ERR (zmq_poller_remove_fd (poller, -1), EBADF);

    /* waiting on nothing */
    memset (&ev, 0x55, sizeof ev);
    CHECK_ERR (zmq_poller_wait (poller, &ev, 0), EAGAIN);
    /* a failed wait leaves an empty event */
    CHECK (ev.socket == NULL && ev.fd == -1 && ev.user_data == NULL && ev.events == 0);
    CHECK_ERR (zmq_poller_wait (poller, &ev, -1), EFAULT);
    CHECK_ERR (zmq_poller_wait_all (poller, &ev, 0, 0), EAGAIN);
    CHECK_ERR (zmq_poller_wait_all (poller, &ev, 0, -1), EFAULT);
    CHECK_ERR (zmq_poller_wait_all (poller, &ev, -1, 0), EINVAL);
    CHECK_ERR (zmq_poller_wait (poller, NULL, 0), EFAULT);
    CHECK_ERR (zmq_poller_wait_all (poller, NULL, 1, 0), EFAULT);

    /* unknown entries */
    CHECK_ERR (zmq_poller_modify (poller, s, ZMQ_POLLIN), EINVAL);
    CHECK_ERR (zmq_poller_remove (poller, s), EINVAL);
    CHECK_ERR (zmq_poller_modify_fd (poller, p[0], ZMQ_POLLIN), EINVAL);
    CHECK_ERR (zmq_poller_remove_fd (poller, p[0]), EINVAL);

    /* unknown event bits */
    CHECK_ERR (zmq_poller_add (poller, s, NULL, SHRT_MAX), EINVAL);
    CHECK_ERR (zmq_poller_add_fd (poller, p[0], NULL, SHRT_MAX), EINVAL);
    CHECK_INT (zmq_poller_size (poller), 0);

    /* registration, once per socket and per fd; no events is allowed */
    CHECK (zmq_poller_add (poller, s, NULL, 0) == 0);
    CHECK_ERR (zmq_poller_add (poller, s, NULL, ZMQ_POLLIN), EINVAL);
    CHECK_ERR (zmq_poller_modify (poller, s, SHRT_MAX), EINVAL);
    CHECK (zmq_poller_add_fd (poller, p[0], NULL, 0) == 0);
    CHECK_ERR (zmq_poller_add_fd (poller, p[0], NULL, ZMQ_POLLIN), EINVAL);
    CHECK_ERR (zmq_poller_modify_fd (poller, p[0], SHRT_MAX), EINVAL);
    CHECK_INT (zmq_poller_size (poller), 2);

    /* every entry disabled: as empty */
    zmq_poller_event_t evs[2];
    CHECK_ERR (zmq_poller_wait_all (poller, evs, 2, 0), EAGAIN);
    CHECK_ERR (zmq_poller_wait_all (poller, evs, 2, -1), EFAULT);

    /* only classic sockets: no poller fd */
    CHECK_ERR (zmq_poller_fd (poller, &fd), EINVAL);

    CHECK (zmq_poller_add (poller, s2, NULL, ZMQ_POLLIN) == 0);
    CHECK_INT (zmq_poller_size (poller), 3);
    CHECK (zmq_poller_remove (poller, s) == 0);
    CHECK_ERR (zmq_poller_remove (poller, s), EINVAL);
    CHECK (zmq_poller_remove_fd (poller, p[0]) == 0);
    CHECK_ERR (zmq_poller_remove_fd (poller, p[0]), EINVAL);
    CHECK_INT (zmq_poller_size (poller), 1);
    /* remove, then add again */
    CHECK (zmq_poller_add (poller, s, NULL, ZMQ_POLLIN) == 0);
    CHECK_INT (zmq_poller_size (poller), 2);

#ifndef REAL_LIBZMQ
    /* a socket closed while registered: waits fail, removal still works */
    void *s3 = zmq_socket (ctx, ZMQ_PAIR);
    CHECK (s3);
    CHECK (zmq_poller_add (poller, s3, NULL, ZMQ_POLLIN) == 0);
    CHECK (zmq_close (s3) == 0);
    CHECK_ERR (zmq_poller_wait_all (poller, evs, 2, 0), ENOTSOCK);
    CHECK_ERR (zmq_poller_add (poller, s3, NULL, ZMQ_POLLIN), ENOTSOCK);
    CHECK (zmq_poller_remove (poller, s3) == 0);
    CHECK_ERR (zmq_poller_remove (poller, s3), ENOTSOCK);
    CHECK_INT (zmq_poller_size (poller), 2);
#endif

    /* destroy clears the pointer; the pointer is then refused */
    void *copy = poller;
    CHECK (zmq_poller_destroy (&poller) == 0);
    CHECK (poller == NULL);
    CHECK_ERR (zmq_poller_destroy (&poller), EFAULT);
    (void) copy;

    close (p[0]);
    close (p[1]);
    CHECK (zmq_close (s) == 0);
    CHECK (zmq_close (s2) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
