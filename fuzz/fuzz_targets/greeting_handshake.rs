//! Greeting, revision detection, NULL handshake and traffic of a connection.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::connection(data);
});
