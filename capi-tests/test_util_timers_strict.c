/* zmq_timers_* where we follow the manual more strictly than libzmq 4.3.x:
 * - a cancelled timer is gone: set_interval and reset on it fail with
 *   EINVAL (libzmq returns 0 until it purges the timer);
 * - a timer with interval 0 fires once per zmq_timers_execute (libzmq's
 *   execute loops on it forever). */
#include "testutil.h"

static int fired;
static void handler (int timer_id, void *arg)
{
    (void) timer_id;
    (void) arg;
    fired++;
}

int main (void)
{
    void *timers = zmq_timers_new ();
    CHECK (timers != NULL);

    int id = zmq_timers_add (timers, 50, handler, NULL);
    CHECK (id > 0);
    CHECK (zmq_timers_cancel (timers, id) == 0);
    CHECK_ERR (zmq_timers_set_interval (timers, id, 10), EINVAL);
    CHECK_ERR (zmq_timers_reset (timers, id), EINVAL);
    CHECK (zmq_timers_timeout (timers) == -1);

    int zero = zmq_timers_add (timers, 0, handler, NULL);
    CHECK (zero > 0 && zero != id);
    CHECK (zmq_timers_timeout (timers) == 0);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired == 1);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired == 2);
    CHECK (zmq_timers_cancel (timers, zero) == 0);
    CHECK (zmq_timers_execute (timers) == 0);
    CHECK (fired == 2);

    CHECK (zmq_timers_destroy (&timers) == 0);
    CHECK (timers == NULL);
    return 0;
}
