/* zmq_stopwatch_* measures elapsed microseconds; zmq_sleep sleeps whole
 * seconds. Only lower bounds are checked: the machine may be slow. */
#include "testutil.h"
#include <zmq_utils.h>

int main (void)
{
    void *watch = zmq_stopwatch_start ();
    CHECK (watch != NULL);
    unsigned long first = zmq_stopwatch_intermediate (watch);
    zmq_sleep (1);
    unsigned long second = zmq_stopwatch_intermediate (watch);
    if (second < 1000000 || second < first) {
        fprintf (stderr, "after zmq_sleep (1): %lu us (before: %lu us)\n",
                 second, first);
        return 1;
    }
    zmq_sleep (0);
    unsigned long total = zmq_stopwatch_stop (watch);
    CHECK (total >= second);
    return 0;
}
