/* zmq_atomic_counter_*: the manual's example, values below zero, destroy
 * clearing the caller's pointer, and increments from several threads. */
#include "testutil.h"
#include <zmq_utils.h>

#define THREADS 4
#define PER_THREAD 10000

static void bump (void *counter)
{
    for (int i = 0; i < PER_THREAD; i++)
        zmq_atomic_counter_inc (counter);
}

int main (void)
{
    void *counter = zmq_atomic_counter_new ();
    CHECK_INT (counter != NULL, 1);
    CHECK_INT (zmq_atomic_counter_value (counter), 0);
    CHECK_INT (zmq_atomic_counter_inc (counter), 0);
    CHECK_INT (zmq_atomic_counter_inc (counter), 1);
    CHECK_INT (zmq_atomic_counter_inc (counter), 2);
    CHECK_INT (zmq_atomic_counter_value (counter), 3);
    CHECK_INT (zmq_atomic_counter_dec (counter), 1);
    CHECK_INT (zmq_atomic_counter_dec (counter), 1);
    CHECK_INT (zmq_atomic_counter_dec (counter), 0);
    zmq_atomic_counter_set (counter, 2);
    CHECK_INT (zmq_atomic_counter_dec (counter), 1);
    CHECK_INT (zmq_atomic_counter_dec (counter), 0);

    /* Below zero is "not zero", as in libzmq. */
    CHECK_INT (zmq_atomic_counter_dec (counter), 1);
    CHECK_INT (zmq_atomic_counter_value (counter), -1);
    zmq_atomic_counter_set (counter, -5);
    CHECK_INT (zmq_atomic_counter_value (counter), -5);
    CHECK_INT (zmq_atomic_counter_inc (counter), -5);

    /* Concurrent increments are not lost. */
    zmq_atomic_counter_set (counter, 0);
    void *threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        threads[i] = zmq_threadstart (bump, counter);
        CHECK_INT (threads[i] != NULL, 1);
    }
    for (int i = 0; i < THREADS; i++)
        zmq_threadclose (threads[i]);
    CHECK_INT (zmq_atomic_counter_value (counter), THREADS * PER_THREAD);

    zmq_atomic_counter_destroy (&counter);
    CHECK_INT (counter == NULL, 1);
    return 0;
}
