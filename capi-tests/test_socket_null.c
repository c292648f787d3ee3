/* Socket calls with a NULL socket fail with ENOTSOCK.
 *
 * Core API test (zmq-oxide capi-tests): one behaviour, checked first against
 * the real libzmq, then against ours. Returns 0 on success; prints the
 * failing check with file:line otherwise.
 */
#include "testutil.h"

int main(void)
{
    char buf[8];
    int v = 0;
    size_t size = sizeof v;
    zmq_msg_t msg;
    CHECK(zmq_msg_init(&msg) == 0);
    CHECK_ERR(zmq_close(NULL), ENOTSOCK);
    CHECK_ERR(zmq_bind(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_connect(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_unbind(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_disconnect(NULL, "inproc://x"), ENOTSOCK);
    CHECK_ERR(zmq_send(NULL, "x", 1, 0), ENOTSOCK);
    CHECK_ERR(zmq_send_const(NULL, "x", 1, 0), ENOTSOCK);
    CHECK_ERR(zmq_recv(NULL, buf, sizeof buf, 0), ENOTSOCK);
    CHECK_ERR(zmq_msg_send(&msg, NULL, 0), ENOTSOCK);
    CHECK_ERR(zmq_msg_recv(&msg, NULL, 0), ENOTSOCK);
    CHECK_ERR(zmq_sendmsg(NULL, &msg, 0), ENOTSOCK);
    CHECK_ERR(zmq_recvmsg(NULL, &msg, 0), ENOTSOCK);
    CHECK_ERR(zmq_setsockopt(NULL, ZMQ_LINGER, &v, sizeof v), ENOTSOCK);
    CHECK_ERR(zmq_getsockopt(NULL, ZMQ_LINGER, &v, &size), ENOTSOCK);
    CHECK_ERR(zmq_socket_monitor(NULL, "inproc://m", ZMQ_EVENT_ALL), ENOTSOCK);
    CHECK(zmq_msg_close(&msg) == 0);
    return 0;
}
