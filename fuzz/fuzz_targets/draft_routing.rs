//! What the DRAFT socket types read from their peers: the first byte picks
//! RADIO's group table, DISH, or the single-part types (each against a
//! model); the rest is the script.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    zmq::fuzz::draft_routing(data);
});
