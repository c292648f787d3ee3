//! Queue statistics of a pipe (`zmq_socket_monitor_pipes_stats`, DRAFT).
//!
//! Owns: the exchange that measures both queues of a connection, as
//! libzmq's: the socket's end asks its peer (a session on an I/O thread,
//! or another socket) with `StatsRequest`; the peer, on its own thread,
//! records how many of its messages are still unread (`reported`) and
//! answers `StatsReply`; the socket then reads both counts. A count is
//! what the writer knows: messages written, less those the reader has
//! published as read (every low-water mark, and whenever it runs dry).
//! Must not: decide when statistics are wanted or how they are reported.

use super::{lock, PipeEnd};
use crate::io::mailbox::Notify;
use std::sync::atomic::Ordering;

impl PipeEnd {
    /// The connection's local and remote address, for monitor events
    /// about this pipe (empty for inproc pipes, as libzmq's).
    pub fn set_endpoints(&self, names: (String, String)) {
        *lock(&self.shared.endpoints) = names;
    }

    pub fn endpoints(&self) -> (String, String) {
        lock(&self.shared.endpoints).clone()
    }

    /// Messages we wrote that the reader has not (yet said it has) read.
    pub fn outbound_queued(&self) -> u64 {
        let read = self.out_dir().msgs_read.load(Ordering::Acquire);
        self.written.saturating_sub(read.max(self.peer_read))
    }

    /// Asks the peer for its outbound count; `StatsReply` comes back.
    pub fn request_stats(&self) {
        self.notify_peer(Notify::StatsRequest(self.shared.id));
    }

    /// Answers the peer's `StatsRequest`.
    pub fn answer_stats(&self) {
        self.shared.reported[self.side].store(self.outbound_queued(), Ordering::Release);
        self.notify_peer(Notify::StatsReply(self.shared.id));
    }

    /// After `StatsReply`: (our outbound count, the peer's as it answered).
    pub fn stats(&self) -> (u64, u64) {
        (self.outbound_queued(), self.shared.reported[1 - self.side].load(Ordering::Acquire))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{EndConfig, PipeEnd};
    use crate::io::mailbox::{Notify, Waker};
    use crate::msg::Msg;
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    struct Log(Mutex<Vec<Notify>>);
    impl Waker for Log {
        fn notify(&self, n: Notify) {
            self.0.lock().unwrap().push(n);
        }
    }

    #[test]
    fn both_queues_are_counted_through_the_peer() {
        let (la, lb) = (Arc::new(Log::default()), Arc::new(Log::default()));
        let cfg = |l: &Arc<Log>| EndConfig { mailbox: Some(l.clone() as Arc<dyn Waker>), routing_id: None };
        let (mut a, mut b) = PipeEnd::pair(cfg(&la), cfg(&lb), [0, 0], [false, false]);
        for _ in 0..3 {
            a.write(Msg::from_slice(b"x")).unwrap();
        }
        b.write(Msg::from_slice(b"y")).unwrap();
        a.request_stats();
        assert!(lb.0.lock().unwrap().contains(&Notify::StatsRequest(a.id())));
        b.answer_stats();
        assert!(la.0.lock().unwrap().contains(&Notify::StatsReply(a.id())));
        assert_eq!(a.stats(), (3, 1));
        // Once the reader has taken everything (and so published its
        // count), nothing is queued.
        while b.read_into(&mut Msg::new()) == super::super::ReadStatus::Msg {}
        b.check_read();
        assert_eq!(a.outbound_queued(), 0);
        a.set_endpoints(("tcp://l".into(), "tcp://r".into()));
        assert_eq!(b.endpoints(), ("tcp://l".to_string(), "tcp://r".to_string()));
    }
}
