/* Layout probe: compiled once against our zmq.h and once against the real
 * libzmq's; check.sh diffs the two outputs. */
#include <stdio.h>
#include <stddef.h>
#include <zmq.h>

#define ALIGNOF(t) offsetof (struct { char c; t x; }, x)

int main (void)
{
    zmq_msg_t m;
    printf ("sizeof(zmq_msg_t)=%zu\n", sizeof (zmq_msg_t));
    printf ("alignof(zmq_msg_t)=%zu\n", ALIGNOF (zmq_msg_t));
    printf ("sizeof(zmq_msg_t._)=%zu\n", sizeof (m._));
    printf ("offsetof(zmq_msg_t,_)=%zu\n", offsetof (zmq_msg_t, _));
    printf ("sizeof(zmq_pollitem_t)=%zu\n", sizeof (zmq_pollitem_t));
    printf ("alignof(zmq_pollitem_t)=%zu\n", ALIGNOF (zmq_pollitem_t));
    printf ("offsetof(zmq_pollitem_t,socket)=%zu\n", offsetof (zmq_pollitem_t, socket));
    printf ("offsetof(zmq_pollitem_t,fd)=%zu\n", offsetof (zmq_pollitem_t, fd));
    printf ("offsetof(zmq_pollitem_t,events)=%zu\n", offsetof (zmq_pollitem_t, events));
    printf ("offsetof(zmq_pollitem_t,revents)=%zu\n", offsetof (zmq_pollitem_t, revents));
    printf ("sizeof(zmq_fd_t)=%zu\n", sizeof (zmq_fd_t));
#ifdef ZMQ_BUILD_DRAFT_API
    printf ("sizeof(zmq_poller_event_t)=%zu\n", sizeof (zmq_poller_event_t));
    printf ("alignof(zmq_poller_event_t)=%zu\n", ALIGNOF (zmq_poller_event_t));
    printf ("offsetof(zmq_poller_event_t,socket)=%zu\n", offsetof (zmq_poller_event_t, socket));
    printf ("offsetof(zmq_poller_event_t,fd)=%zu\n", offsetof (zmq_poller_event_t, fd));
    printf ("offsetof(zmq_poller_event_t,user_data)=%zu\n", offsetof (zmq_poller_event_t, user_data));
    printf ("offsetof(zmq_poller_event_t,events)=%zu\n", offsetof (zmq_poller_event_t, events));
#endif
    return 0;
}
