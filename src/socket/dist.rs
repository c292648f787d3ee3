//! Fan-out of one message to many pipes (libzmq's "dist").
//!
//! Owns: which attached pipes may be written now, and the set of pipes the
//! message being sent goes to. A pipe whose first frame is refused (HWM
//! reached, or closed) drops that message and is skipped until the pipe
//! reports room again (`activated`). A multipart message goes whole to the
//! pipes chosen at its first frame: pipes that attach or wake up in the
//! middle of it get nothing of it. Must not: decide which pipes match (the
//! socket type passes the selection) or block.

use super::{Cx, PipeKey};
use crate::msg::Msg;
use crate::util::log::{self, Level};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Absent,
    /// Attached and believed writable.
    Eligible,
    /// Refused a message; waiting for `activated`.
    Blocked,
}

pub struct Dist {
    /// Indexed by pipe key (slab keys are small and reused).
    state: Vec<State>,
    /// Attached pipes, in attach order.
    pipes: Vec<PipeKey>,
    /// Pipes the current message goes to.
    targets: Vec<PipeKey>,
    /// In the middle of a multipart message.
    more: bool,
}

impl Default for Dist {
    fn default() -> Self {
        Dist::new()
    }
}

impl Dist {
    pub fn new() -> Dist {
        Dist { state: Vec::new(), pipes: Vec::new(), targets: Vec::new(), more: false }
    }

    fn state(&self, key: PipeKey) -> State {
        self.state.get(key).copied().unwrap_or(State::Absent)
    }

    pub fn attach(&mut self, key: PipeKey) {
        if self.state.len() <= key {
            self.state.resize(key + 1, State::Absent);
        }
        if self.state[key] == State::Absent {
            self.pipes.push(key);
        }
        self.state[key] = State::Eligible;
    }

    pub fn detach(&mut self, key: PipeKey) {
        if self.state(key) == State::Absent {
            return;
        }
        self.state[key] = State::Absent;
        self.pipes.retain(|&k| k != key);
        self.targets.retain(|&k| k != key);
    }

    /// The pipe has room again.
    pub fn activated(&mut self, key: PipeKey) {
        if self.state(key) == State::Blocked {
            self.state[key] = State::Eligible;
        }
    }

    pub fn has_pipe(&self, key: PipeKey) -> bool {
        self.state(key) != State::Absent
    }

    /// True between the first and the last frame of a multipart message.
    pub fn in_message(&self) -> bool {
        self.more
    }

    /// The next message goes to every eligible pipe.
    pub fn select_all(&mut self) {
        self.targets.clear();
        for &k in &self.pipes {
            if self.state[k] == State::Eligible {
                self.targets.push(k);
            }
        }
    }

    /// The next message goes to the eligible pipes in `keys` (sorted), or,
    /// with `invert`, to the eligible pipes not in `keys`.
    pub fn select(&mut self, keys: &[PipeKey], invert: bool) {
        self.targets.clear();
        if invert {
            for &k in &self.pipes {
                if self.state[k] == State::Eligible && keys.binary_search(&k).is_err() {
                    self.targets.push(k);
                }
            }
        } else {
            for &k in keys {
                if self.state(k) == State::Eligible {
                    self.targets.push(k);
                }
            }
        }
    }

    /// True when every selected pipe can take a new message now (for
    /// XPUB_NODROP). A pipe that cannot will report `activated` later.
    pub fn check_hwm(&mut self, cx: &mut Cx) -> bool {
        let mut ok = true;
        for &k in &self.targets {
            if let Some(p) = cx.pipes.get_mut(k) {
                // Check all, so every full pipe arranges a wake-up.
                ok &= p.check_write();
            }
        }
        ok
    }

    /// Writes one frame to the selected pipes. Pipes that refuse it drop
    /// the whole message and are blocked until `activated`. Never fails.
    pub fn send(&mut self, cx: &mut Cx, mut msg: Msg) {
        let more = msg.more();
        let mut i = 0;
        let n = self.targets.len();
        let mut kept = 0;
        while i < n {
            let k = self.targets[i];
            let frame = if i + 1 == n { std::mem::take(&mut msg) } else { msg.share() };
            let (ok, full) = match cx.pipes.get_mut(k) {
                Some(p) => {
                    let ok = p.write(frame).is_ok();
                    (ok, !ok && !p.peer_closed())
                }
                None => (false, false),
            };
            if ok {
                self.targets[kept] = k;
                kept += 1;
            } else if self.state(k) == State::Eligible {
                self.state[k] = State::Blocked;
                if full {
                    log::log(Level::Warn, || {
                        format!("a peer's pipe (#{k}) reached its high-water mark: messages for that peer are dropped until it catches up")
                    });
                }
            }
            i += 1;
        }
        self.targets.truncate(kept);
        self.more = more;
        if !more {
            self.targets.clear();
        }
    }

    /// Writes `msg` (a single frame) to one pipe, outside any selection
    /// (welcome messages, subscriptions for a new pipe). Dropped when the
    /// pipe is full, as libzmq does.
    pub fn send_to(cx: &mut Cx, key: PipeKey, msg: Msg) -> bool {
        cx.pipes.get_mut(key).is_some_and(|p| p.write(msg).is_ok())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::options::Options;
    use crate::pipe::{EndConfig, PipeEnd, Read};
    use slab::Slab;

    pub fn pipe(hwm: u64) -> (PipeEnd, PipeEnd) {
        let c = || EndConfig { mailbox: None, routing_id: None };
        PipeEnd::pair(c(), c(), [hwm, hwm], [false, false])
    }

    pub fn frames(p: &mut PipeEnd) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        while let Read::Msg(m) = p.read() {
            v.push(m.data().to_vec());
        }
        v
    }

    fn frame(d: &[u8], more: bool) -> Msg {
        let mut m = Msg::from_slice(d);
        m.set_more(more);
        m
    }

    #[test]
    fn fan_out_skips_full_pipes_and_keeps_multipart_whole() {
        let mut pipes = Slab::new();
        let opts = Options::new(crate::constants::ZMQ_PUB);
        let (a, mut pa) = pipe(1);
        let (b, mut pb) = pipe(0);
        let ka = pipes.insert(a);
        let kb = pipes.insert(b);
        let mut d = Dist::new();
        d.attach(ka);
        d.attach(kb);
        let cx = &mut Cx { pipes: &mut pipes, options: &opts };
        d.select_all();
        d.send(cx, frame(b"1", false));
        d.select_all();
        assert!(!d.check_hwm(cx));
        d.send(cx, frame(b"2", true));
        // A pipe attached mid-message gets nothing of it.
        let (c, mut pc) = pipe(0);
        let kc = cx.pipes.insert(c);
        d.attach(kc);
        d.send(cx, frame(b"3", false));
        assert_eq!(frames(&mut pa), vec![b"1".to_vec()]);
        assert_eq!(frames(&mut pb), vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]);
        assert!(frames(&mut pc).is_empty());
        // a is blocked until activated, even though it has room now.
        d.select_all();
        d.send(cx, frame(b"4", false));
        assert!(frames(&mut pa).is_empty());
        d.activated(ka);
        d.select(&[ka, kc], false);
        d.send(cx, frame(b"5", false));
        assert_eq!(frames(&mut pa), vec![b"5".to_vec()]);
        assert_eq!(frames(&mut pc), vec![b"4".to_vec(), b"5".to_vec()]);
        d.select(&[ka], true);
        d.send(cx, frame(b"6", false));
        assert!(frames(&mut pa).is_empty());
        assert_eq!(frames(&mut pb), vec![b"4".to_vec(), b"6".to_vec()]);
        d.detach(kb);
        assert!(!d.has_pipe(kb));
    }
}
