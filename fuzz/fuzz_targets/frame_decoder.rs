//! Frame decoder (ZMTP 1.0, 2.0 and 3.x layouts), command and metadata parsers.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::decoder(data);
});
