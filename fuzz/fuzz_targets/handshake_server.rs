//! One connection of every security configuration (NULL, NULL with ZAP,
//! PLAIN, CURVE, both roles, legacy peers refused or not) fed the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::handshake_server(data);
});
