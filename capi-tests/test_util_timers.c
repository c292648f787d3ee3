/* zmq_timers_*: the manual's example, repetition, cancel/reset/set_interval,
 * and the EFAULT/EINVAL errors the manual lists. Passes on libzmq 4.3.x too
 * (test_util_timers_strict.c holds the cases where we follow the manual and
 * libzmq does not). Waits use the library's own
 * zmq_timers_timeout, so the test does not depend on machine speed. */
#include "testutil.h"
#include <time.h>

static void sleep_ms (long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep (&ts, NULL);
}

static int fired[8];
static void handler (int timer_id, void *arg)
{
    (void) arg;
    if (timer_id >= 0 && timer_id < 8)
        fired[timer_id]++;
}

static void *self_timers;
static void cancel_other (int timer_id, void *arg)
{
    handler (timer_id, NULL);
    zmq_timers_cancel (self_timers, *(int *) arg);
}

int main (void)
{
    void *timers = zmq_timers_new ();
    CHECK (timers != NULL);
    CHECK (zmq_timers_timeout (timers) == -1);

    /* The manual's example: nothing before the interval, then the handler. */
    int id = zmq_timers_add (timers, 100, handler, NULL);
    CHECK (id > 0);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired[id] == 0);
    long timeout = zmq_timers_timeout (timers);
    CHECK (timeout > 0 && timeout <= 100);
    sleep_ms (timeout / 2);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired[id] == 0);
    while ((timeout = zmq_timers_timeout (timers)) > 0)
        sleep_ms (timeout);
    CHECK (timeout == 0);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired[id] == 1);

    /* It repeats. */
    timeout = zmq_timers_timeout (timers);
    CHECK (timeout > 0 && timeout <= 100);
    while ((timeout = zmq_timers_timeout (timers)) > 0)
        sleep_ms (timeout);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired[id] == 2);

    /* set_interval and reset restart it from now. */
    CHECK (zmq_timers_set_interval (timers, id, 10000) == 0);
    timeout = zmq_timers_timeout (timers);
    CHECK (timeout > 5000 && timeout <= 10000);
    CHECK (zmq_timers_reset (timers, id) == 0);
    CHECK (zmq_timers_timeout (timers) > 5000);

    /* Cancel: once only; unknown ids are refused. */
    CHECK_ERR (zmq_timers_reset (timers, 1000), EINVAL);
    CHECK_ERR (zmq_timers_set_interval (timers, 1000, 10), EINVAL);
    CHECK_ERR (zmq_timers_cancel (timers, 1000), EINVAL);
    CHECK (zmq_timers_cancel (timers, id) == 0);
    CHECK_ERR (zmq_timers_cancel (timers, id), EINVAL);
    CHECK (zmq_timers_timeout (timers) == -1);

    /* A handler may cancel a timer due in the same round: it does not fire. */
    int victim = 0;
    int first = zmq_timers_add (timers, 5, cancel_other, &victim);
    victim = zmq_timers_add (timers, 5, handler, NULL);
    CHECK (first > 0 && first < 8 && victim > 0 && victim < 8);
    self_timers = timers;
    sleep_ms (20); /* both are due now, however slow the machine */
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired[first] == 1);
    CHECK (fired[victim] == 0);
    CHECK_ERR (zmq_timers_cancel (timers, victim), EINVAL);

    /* Errors on bad arguments. */
    CHECK_ERR (zmq_timers_add (timers, 10, NULL, NULL), EFAULT);
    CHECK_ERR (zmq_timers_add (NULL, 10, handler, NULL), EFAULT);
    CHECK_ERR (zmq_timers_cancel (NULL, 1), EFAULT);
    CHECK_ERR (zmq_timers_set_interval (NULL, 1, 10), EFAULT);
    CHECK_ERR (zmq_timers_reset (NULL, 1), EFAULT);
    CHECK_ERR (zmq_timers_timeout (NULL), EFAULT);
    CHECK_ERR (zmq_timers_execute (NULL), EFAULT);
    void *none = NULL;
    CHECK_ERR (zmq_timers_destroy (&none), EFAULT);

    CHECK (zmq_timers_destroy (&timers) == 0);
    CHECK (timers == NULL);
    return 0;
}
