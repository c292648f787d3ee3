/* Prototype fidelity of the DRAFT functions this library exports, as
 * prototypes.c for the stable ones: compiled with -DZMQ_BUILD_DRAFT_API
 * against our include/zmq.h (C -Werror and C++) and against Debian's
 * (libzmq 4.3.4, whose header declares the draft API too). Lines for
 * functions libzmq only gained in 4.3.5 are kept from Debian's 4.3.4
 * header by the version test. */
#include <zmq.h>

#define CHECK(name, ret, params) ret (*check_##name) params = name;

CHECK (zmq_ctx_set_ext, int, (void *, int, const void *, size_t))
CHECK (zmq_ctx_get_ext, int, (void *, int, void *, size_t *))
CHECK (zmq_msg_init_buffer, int, (zmq_msg_t *, const void *, size_t))
CHECK (zmq_msg_set_routing_id, int, (zmq_msg_t *, uint32_t))
CHECK (zmq_msg_routing_id, uint32_t, (zmq_msg_t *))
CHECK (zmq_msg_set_group, int, (zmq_msg_t *, const char *))
CHECK (zmq_msg_group, const char *, (zmq_msg_t *))
CHECK (zmq_poller_new, void *, (void))
CHECK (zmq_poller_destroy, int, (void **))
CHECK (zmq_poller_size, int, (void *))
CHECK (zmq_poller_add, int, (void *, void *, void *, short))
CHECK (zmq_poller_modify, int, (void *, void *, short))
CHECK (zmq_poller_remove, int, (void *, void *))
CHECK (zmq_poller_wait, int, (void *, zmq_poller_event_t *, long))
CHECK (zmq_poller_wait_all, int, (void *, zmq_poller_event_t *, int, long))
CHECK (zmq_poller_fd, int, (void *, zmq_fd_t *))
CHECK (zmq_poller_add_fd, int, (void *, zmq_fd_t, void *, short))
CHECK (zmq_poller_modify_fd, int, (void *, zmq_fd_t, short))
CHECK (zmq_poller_remove_fd, int, (void *, zmq_fd_t))
CHECK (zmq_socket_get_peer_state, int, (void *, const void *, size_t))
CHECK (zmq_socket_monitor_versioned, int, (void *, const char *, uint64_t, int, int))
CHECK (zmq_socket_monitor_pipes_stats, int, (void *))
#if ZMQ_VERSION >= ZMQ_MAKE_VERSION(4, 3, 5)
CHECK (zmq_ppoll, int, (zmq_pollitem_t *, int, long, const sigset_t *))
#endif
