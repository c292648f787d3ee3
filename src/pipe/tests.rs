//! Unit tests of the pipe: termination, multipart visibility, HWM, deferred writes, metadata, close.

use super::*;

fn cfg() -> EndConfig {
    EndConfig { mailbox: None, routing_id: None }
}

#[test]
fn peer_farewell_is_written_once_on_terminate() {
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
    // b's socket asks a to say "bye" to it as a goes.
    b.set_peer_farewell(Bytes::from_static(b"bye"));
    let mut half = Msg::from_slice(b"half");
    half.set_more(true);
    a.write(half).unwrap();
    a.terminate();
    a.terminate();
    // The unfinished message is dropped, the farewell arrives alone.
    match b.read() {
        Read::Msg(m) => assert_eq!(m.data(), b"bye"),
        _ => panic!("no farewell"),
    }
    assert!(!matches!(b.read(), Read::Msg(_)));
    // b terminating says nothing to a.
    b.terminate();
    assert!(!matches!(a.read(), Read::Msg(_)));
}

#[test]
fn multipart_visible_only_when_complete() {
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
    let mut m1 = Msg::from_slice(b"1");
    m1.set_more(true);
    a.write(m1).unwrap();
    assert!(matches!(b.read(), Read::Empty));
    a.write(Msg::from_slice(b"2")).unwrap();
    assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"1"));
    assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"2"));
}

#[test]
fn new_hwms_apply_with_their_boosts() {
    let fill = |p: &mut PipeEnd| (0..5000).take_while(|_| p.write(Msg::new()).is_ok()).count();
    // a session's pipe: no boost
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [1000, 1000], [false, false]);
    a.set_hwms(10, 0);
    assert_eq!(fill(&mut a), 10);
    assert_eq!(fill(&mut b), 5000); // RCVHWM 0: the peer's writes are unlimited
    // inproc: each direction adds the reader's RCVHWM at pairing; 0 there is for good
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [2000, 2000], [false, false]);
    a.set_hwm_boosts(1000, 0);
    a.set_hwms(7, 3);
    assert_eq!(fill(&mut a), 1007);
    assert_eq!(fill(&mut b), 5000);
}

#[test]
fn hwm_blocks_and_reading_wakes_writer() {
    let mb = Arc::new(SocketMailbox::new().unwrap());
    let (mut a, mut b) = PipeEnd::pair(
        EndConfig { mailbox: Some(mb.clone()), routing_id: None },
        cfg(),
        [2, 2],
        [false, false],
    );
    a.write(Msg::new()).unwrap();
    a.write(Msg::new()).unwrap();
    assert!(a.write(Msg::new()).is_err());
    assert!(!mb.has_pending());
    assert!(matches!(b.read(), Read::Msg(_)));
    assert!(mb.has_pending());
    let mut cmds = Vec::new();
    mb.drain(&mut cmds);
    assert!(matches!(cmds[0], SocketCommand::Pipe(Notify::WriteReady(_))));
    assert!(a.write(Msg::new()).is_ok());
}

static WRITER: Mutex<Option<PipeEnd>> = Mutex::new(None);
static FREED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

unsafe extern "C" fn free_writes_back(_d: *mut std::os::raw::c_void, _h: *mut std::os::raw::c_void) {
    // Touches the very queue being cleared: deadlocks if dropped under its lock.
    if let Some(w) = lock(&WRITER).as_mut() {
        assert!(!w.check_write());
    }
    FREED.store(true, Ordering::SeqCst);
}

#[test]
fn dropped_messages_are_freed_outside_the_queue_lock() {
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
    let mut buf = [7u8; 64];
    // SAFETY: `buf` is 64 valid bytes that outlive the message: the only
    // copy is dropped by `b.terminate()` below, while `buf` is still in
    // scope, and nothing writes `buf` meanwhile. free_writes_back
    // ignores the data pointer.
    let m = unsafe {
        Msg::from_foreign(buf.as_mut_ptr(), buf.len(), Some(free_writes_back), std::ptr::null_mut())
    };
    a.write(m).unwrap();
    *lock(&WRITER) = Some(a);
    b.terminate(); // drops the unread message
    assert!(FREED.load(Ordering::SeqCst));
    lock(&WRITER).take();
}

#[test]
fn deferred_writes_appear_on_flush_or_when_full() {
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [2, 2], [false, false]);
    a.write_deferred(Msg::from_slice(b"1")).unwrap();
    assert!(matches!(b.read(), Read::Empty));
    a.flush();
    assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"1"));
    // At the HWM the writer publishes what it deferred, so the reader
    // can make room.
    a.write_deferred(Msg::from_slice(b"2")).unwrap();
    a.write_deferred(Msg::from_slice(b"3")).unwrap();
    assert!(a.write_deferred(Msg::from_slice(b"4")).is_err());
    assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"2"));
    assert!(matches!(b.read(), Read::Msg(m) if m.data() == b"3"));
}

#[test]
fn reader_attaches_the_writers_metadata() {
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
    a.write(Msg::from_slice(b"before")).unwrap();
    let mut md = Metadata::new();
    md.set("Peer-Address", b"1.2.3.4");
    a.set_outbound_metadata(Some(Arc::new(md)));
    a.write(Msg::from_slice(b"after")).unwrap();
    for _ in 0..2 {
        let Read::Msg(m) = b.read() else { panic!("expected a message") };
        let got = m.metadata().and_then(|md| md.get("Peer-Address")).map(|v| v.to_bytes().to_vec());
        assert_eq!(got, Some(b"1.2.3.4".to_vec()));
    }
    a.set_outbound_metadata(None);
    a.write(Msg::from_slice(b"none")).unwrap();
    let Read::Msg(m) = b.read() else { panic!("expected a message") };
    assert!(m.metadata().is_none());
}

#[test]
fn close_keeps_sent_messages_readable() {
    let (mut a, mut b) = PipeEnd::pair(cfg(), cfg(), [0, 0], [false, false]);
    a.write(Msg::from_slice(b"x")).unwrap();
    a.terminate();
    assert!(matches!(b.read(), Read::Msg(_)));
    assert!(matches!(b.read(), Read::Closed));
    assert!(!b.check_write());
}
