//! The udp datagram framing: DISH datagrams round-trip the encoder, DGRAM
//! sender addresses parse back, and both go through their socket.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::udp_datagram(data);
});
