//! Two of our connections over a scripted in-memory wire: whatever the
//! chunking, every frame sent after the handshake arrives unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::pair(data);
});
