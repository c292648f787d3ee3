//! `include/zmq.h` must be exactly what `build.rs` generates from the current
//! sources, and the Rust types behind it must have libzmq's layout.
//!
//! build.rs refreshes include/zmq.h on every local build, but not under CI
//! (env `CI` set): there a header that was not regenerated and committed
//! after an API change fails `committed_header_is_current`.
//! The C side (values and prototypes against the real libzmq) is checked by
//! `capi-tests/header/check.sh`.

use std::fs;
use std::mem::{align_of, offset_of, size_of};
use std::path::Path;

#[allow(dead_code, unused_imports)]
mod gen {
    include!("../build.rs");
}

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fresh_header() -> String {
    match gen::generate_header(crate_dir()) {
        Ok(h) => h,
        Err(e) => panic!("cbindgen failed: {e}"),
    }
}

#[test]
fn committed_header_is_current() {
    let fresh = fresh_header();
    let path = crate_dir().join("include").join("zmq.h");
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if fresh == committed {
        return;
    }
    let (n, ours, theirs) = fresh
        .lines()
        .zip(committed.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| (i + 1, a.to_string(), b.to_string()))
        .unwrap_or_else(|| {
            let (f, c) = (fresh.lines().count(), committed.lines().count());
            (f.min(c) + 1, format!("{f} lines"), format!("{c} lines"))
        });
    panic!(
        "include/zmq.h is stale (first difference at line {n}):\n  generated: {ours}\n  \
         file:      {theirs}\nRun `cargo build` outside CI and commit include/zmq.h."
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(fresh_header(), fresh_header());
}

#[test]
fn nothing_internal_leaks_into_the_header() {
    let problems = gen::header_problems(&fresh_header());
    assert!(problems.is_empty(), "header problems:\n{}", problems.join("\n"));
}

#[test]
fn draft_strings_match_the_rust_constants() {
    use zmq::constants::draft::*;
    let header = fresh_header();
    for (name, value) in [
        ("ZMQ_MSG_PROPERTY_ROUTING_ID", ZMQ_MSG_PROPERTY_ROUTING_ID),
        ("ZMQ_MSG_PROPERTY_SOCKET_TYPE", ZMQ_MSG_PROPERTY_SOCKET_TYPE),
        ("ZMQ_MSG_PROPERTY_USER_ID", ZMQ_MSG_PROPERTY_USER_ID),
        ("ZMQ_MSG_PROPERTY_PEER_ADDRESS", ZMQ_MSG_PROPERTY_PEER_ADDRESS),
    ] {
        let line = format!("#define {name} \"{value}\"");
        assert!(header.contains(&line), "missing in zmq.h: {line}");
    }
}

#[test]
fn sections_are_where_c_expects_them() {
    let h = fresh_header();
    let pos = |s: &str| h.find(s).unwrap_or_else(|| panic!("zmq.h lacks {s:?}"));
    // Guard opens first and closes last; the draft block and extern "C"
    // closing sit inside it.
    assert!(pos("#ifndef __ZMQ_H_INCLUDED__") < pos("#include <errno.h>"));
    assert!(h.trim_end().ends_with("#endif /* __ZMQ_H_INCLUDED__ */"));
    assert!(pos("#define ZMQ_PAIR 0") < pos("#ifdef ZMQ_BUILD_DRAFT_API"));
    assert!(pos("#ifdef ZMQ_BUILD_DRAFT_API") < pos("#define ZMQ_SERVER 12"));
    assert!(pos("#define ZMQ_SERVER 12") < pos("#endif /* ZMQ_BUILD_DRAFT_API */"));
    assert!(pos("#endif /* ZMQ_BUILD_DRAFT_API */") < pos("#undef ZMQ_EXPORT"));
    // Errors libzmq defines itself.
    for e in ["EFSM", "ENOCOMPATPROTO", "ETERM", "EMTHREAD"] {
        assert!(h.contains(&format!("#define {e} (ZMQ_HAUSNUMERO + ")), "{e}");
    }
}

#[test]
fn errno_values_agree_with_crate_error() {
    use zmq::error::*;
    assert_eq!(ZMQ_HAUSNUMERO, zmq::constants::ZMQ_HAUSNUMERO);
    let h = fresh_header();
    for (name, value) in [
        ("EFSM", EFSM),
        ("ENOCOMPATPROTO", ENOCOMPATPROTO),
        ("ETERM", ETERM),
        ("EMTHREAD", EMTHREAD),
    ] {
        let line = format!("#define {name} (ZMQ_HAUSNUMERO + {})", value - ZMQ_HAUSNUMERO);
        assert!(h.contains(&line), "missing in zmq.h: {line}");
    }
}

#[test]
fn rust_types_have_libzmq_layout() {
    use zmq::capi::msg::zmq_msg_t;
    use zmq::capi::poll::zmq_pollitem_t;
    assert_eq!(size_of::<zmq_msg_t>(), 64);
    assert_eq!(align_of::<zmq_msg_t>(), align_of::<*const u8>());
    // libzmq's POSIX layout: {void *socket; int fd; short events; short revents;}
    assert_eq!(size_of::<zmq_pollitem_t>(), 16);
    assert_eq!(align_of::<zmq_pollitem_t>(), 8);
    assert_eq!(offset_of!(zmq_pollitem_t, socket), 0);
    assert_eq!(offset_of!(zmq_pollitem_t, fd), 8);
    assert_eq!(offset_of!(zmq_pollitem_t, events), 12);
    assert_eq!(offset_of!(zmq_pollitem_t, revents), 14);
    // DRAFT: {void *socket; zmq_fd_t fd; void *user_data; short events;}
    use zmq::capi::poller::zmq_poller_event_t;
    assert_eq!(size_of::<zmq_poller_event_t>(), 32);
    assert_eq!(align_of::<zmq_poller_event_t>(), 8);
    assert_eq!(offset_of!(zmq_poller_event_t, socket), 0);
    assert_eq!(offset_of!(zmq_poller_event_t, fd), 8);
    assert_eq!(offset_of!(zmq_poller_event_t, user_data), 16);
    assert_eq!(offset_of!(zmq_poller_event_t, events), 24);
}
