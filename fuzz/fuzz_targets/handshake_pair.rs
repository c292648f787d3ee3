//! A client and a server of one mechanism over a wire the input tampers
//! with; an undisturbed handshake must succeed.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::handshake_pair(data);
});
