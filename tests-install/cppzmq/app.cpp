// Built by CMakeLists.txt through cppzmq's CMake package (target cppzmq) against an installed
// zmq-oxide: zmq.hpp over our zmq.h and libzmq.so.5.
#include <zmq.hpp>
#include <iostream>
#include <string>

#if ZMQ_VERSION != ZMQ_MAKE_VERSION(4, 3, 5)
#error "not zmq-oxide's zmq.h (4.3.5)"
#endif

int main ()
{
    int major, minor, patch;
    zmq::version (&major, &minor, &patch);
    zmq::context_t ctx;
    zmq::socket_t a (ctx, zmq::socket_type::pair), b (ctx, zmq::socket_type::pair);
    a.bind ("inproc://cppzmq-check");
    b.connect ("inproc://cppzmq-check");
    b.send (zmq::buffer (std::string ("hello")), zmq::send_flags::none);
    zmq::message_t m;
    bool ok = a.recv (m, zmq::recv_flags::none) && m.to_string () == "hello";
    std::cout << "zmq::version " << major << '.' << minor << '.' << patch << ", cppzmq "
              << (ok ? "ok" : "FAILED") << std::endl;
    return ok && major == 4 && minor == 3 && patch == 5 ? 0 : 1;
}
