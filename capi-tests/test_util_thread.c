/* zmq_threadstart runs the function with its argument on another thread;
 * zmq_threadclose waits for it to finish. */
#include "testutil.h"
#include <zmq_utils.h>

struct job
{
    int input;
    int output;
};

static void work (void *arg)
{
    struct job *job = (struct job *) arg;
    zmq_sleep (0);
    job->output = job->input * 2;
}

int main (void)
{
    struct job jobs[3] = {{1, 0}, {20, 0}, {300, 0}};
    void *threads[3];
    for (int i = 0; i < 3; i++) {
        threads[i] = zmq_threadstart (work, &jobs[i]);
        if (threads[i] == NULL) {
            fprintf (stderr, "zmq_threadstart failed: %s\n",
                     zmq_strerror (zmq_errno ()));
            return 1;
        }
    }
    for (int i = 0; i < 3; i++)
        zmq_threadclose (threads[i]);
    for (int i = 0; i < 3; i++) {
        if (jobs[i].output != jobs[i].input * 2) {
            fprintf (stderr, "job %d: output %d, expected %d\n", i,
                     jobs[i].output, jobs[i].input * 2);
            return 1;
        }
    }
    return 0;
}
