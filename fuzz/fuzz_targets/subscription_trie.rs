//! The subscription tries against a plain model.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::trie(data);
});
