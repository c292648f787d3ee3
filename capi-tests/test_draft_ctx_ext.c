/* DRAFT zmq_ctx_set_ext / zmq_ctx_get_ext (zmq_ctx_set_ext(3)): a value of
 * sizeof (int) bytes is zmq_ctx_set's / zmq_ctx_get's integer, for every
 * option; any other size is EINVAL except ZMQ_THREAD_NAME_PREFIX, which
 * takes a string of 1 to 16 bytes, names the I/O threads
 * "<prefix>/ZMQbg/IO/<n>", and reads back into a buffer at least that
 * long (no NUL added, *optvallen unchanged); read as an int it is atoi of
 * the string. EFAULT for a bad context. */
#include "testutil.h"

#include <dirent.h>

/* How many threads of this process are named `want` + "<n>". */
static int threads_named (const char *want)
{
    DIR *d = opendir ("/proc/self/task");
    CHECK (d != NULL);
    struct dirent *e;
    int n = 0;
    while ((e = readdir (d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[300], comm[64] = {0};
        snprintf (path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen (path, "r");
        if (!f)
            continue;
        if (!fgets (comm, sizeof comm, f))
            comm[0] = 0;
        fclose (f);
        if (strncmp (comm, want, strlen (want)) == 0)
            n++;
    }
    closedir (d);
    return n;
}

int main (void)
{
    int v = 0;
    size_t len = sizeof v;
    CHECK_ERR (zmq_ctx_set_ext (NULL, ZMQ_IO_THREADS, &v, sizeof v), EFAULT);
    CHECK_ERR (zmq_ctx_get_ext (NULL, ZMQ_IO_THREADS, &v, &len), EFAULT);

    void *ctx = zmq_ctx_new ();
    CHECK (ctx);

    /* integers, through the int-sized path */
    v = 2;
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, &v, sizeof v) == 0);
    CHECK_INT (zmq_ctx_get (ctx, ZMQ_IO_THREADS), 2);
    v = 0;
    CHECK (zmq_ctx_get_ext (ctx, ZMQ_IO_THREADS, &v, &len) == 0);
    CHECK_INT (v, 2);
    CHECK_INT (len, sizeof v);
    v = 100;
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_MAX_SOCKETS, &v, sizeof v) == 0);
    CHECK_INT (zmq_ctx_get (ctx, ZMQ_MAX_SOCKETS), 100);
    v = -1;
    CHECK_ERR (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, &v, sizeof v), EINVAL);
    CHECK_ERR (zmq_ctx_set_ext (ctx, 4242, &v, sizeof v), EINVAL);
    CHECK_ERR (zmq_ctx_get_ext (ctx, 4242, &v, &len), EINVAL);
    /* an int option with any other size */
    long long big = 2;
    size_t biglen = sizeof big;
    CHECK_ERR (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, &big, sizeof big), EINVAL);
    CHECK_ERR (zmq_ctx_get_ext (ctx, ZMQ_IO_THREADS, &big, &biglen), EINVAL);
    CHECK_ERR (zmq_ctx_set_ext (ctx, ZMQ_IO_THREADS, &v, 1), EINVAL);

    /* the thread name prefix as a string */
    CHECK_INT (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 0);
    CHECK_ERR (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "0123456789abcdefg", 17), EINVAL);
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "0123456789abcdef", 16) == 0);
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "MyApp", 5) == 0);
    char buf[32];
    memset (buf, 0, sizeof buf);
    size_t buflen = sizeof buf;
    CHECK (zmq_ctx_get_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf, &buflen) == 0);
    CHECK_STR (buf, "MyApp");
    CHECK_INT (buflen, sizeof buf);
    /* a buffer shorter than the prefix */
    buflen = 3;
    CHECK_ERR (zmq_ctx_get_ext (ctx, ZMQ_THREAD_NAME_PREFIX, buf, &buflen), EINVAL);
    /* read as an int: atoi of the string */
    CHECK_INT (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 0);
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "77zz", 3) == 0);
    CHECK_INT (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), 77);
    /* a string of exactly sizeof (int) bytes is taken as the integer it
       spells in memory, whose decimal digits become the prefix */
    const char four[4] = {'1', '2', '3', '4'};
    int as_int;
    memcpy (&as_int, four, sizeof as_int);
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, four, sizeof four) == 0);
    CHECK_INT (zmq_ctx_get (ctx, ZMQ_THREAD_NAME_PREFIX), as_int);

    /* the prefix names the I/O threads (as a string with its NUL) */
    CHECK (zmq_ctx_set_ext (ctx, ZMQ_THREAD_NAME_PREFIX, "app\0", 5) == 0);
    void *s = make (ctx, ZMQ_DEALER);
    CHECK (zmq_bind (s, "tcp://127.0.0.1:*") == 0);
    int named = 0;
    for (int i = 0; i < 100 && named != 2; i++) {
        named = threads_named ("app/ZMQbg/IO/");
        if (named != 2)
            usleep (10000);
    }
    CHECK_INT (named, 2);

    CHECK (zmq_close (s) == 0);
    CHECK (zmq_ctx_term (ctx) == 0);
    return 0;
}
