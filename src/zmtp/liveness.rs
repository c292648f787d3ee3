//! The clocks of one connection: the handshake deadline and ZMTP 3.1
//! heartbeats (RFC 37), with libzmq 4.3's rules.
//!
//! - The handshake (greeting included) must finish within
//!   ZMQ_HANDSHAKE_IVL of the connection's start.
//! - With ZMQ_HEARTBEAT_IVL, a PING goes out every interval. If nothing at
//!   all arrives from the peer within ZMQ_HEARTBEAT_TIMEOUT of a PING (the
//!   interval when the timeout is not set), the peer is dead.
//! - A peer's PING may carry a TTL: if nothing arrives within it, the peer
//!   considers itself gone and so do we. As in libzmq, the TTL runs from
//!   the PING and the next input cancels it until the next PING. Counting
//!   it from every input instead detects a dead link up to one interval
//!   sooner, but drops links libzmq keeps through short outages
//!   (docs/faults.md: tried and reverted).
//!
//! Anything received counts as life (a PONG, a message, part of a large
//! frame), so a healthy peer is never dropped, however busy the link.
//!
//! Owns: deadlines only. Must not: read clocks (every call is handed `now`)
//! or build frames (the connection sends the PINGs this asks for).

use std::time::{Duration, Instant};

/// The socket options that drive the clocks, as durations.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timing {
    /// ZMQ_HANDSHAKE_IVL (None: no limit).
    pub handshake: Option<Duration>,
    /// ZMQ_HEARTBEAT_IVL (None: no PINGs).
    pub heartbeat_ivl: Option<Duration>,
    /// ZMQ_HEARTBEAT_TIMEOUT; None: no timeout. `Timing::from_options`
    /// puts the interval here when the option is unset, as libzmq does.
    pub heartbeat_timeout: Option<Duration>,
    /// ZMQ_HEARTBEAT_TTL in tenths of a second, sent in our PINGs.
    pub heartbeat_ttl: u16,
}

impl Timing {
    /// From the option values in milliseconds: `handshake_ivl` 0 means no
    /// limit, `heartbeat_ivl` 0 no heartbeats, `heartbeat_timeout` -1 (unset)
    /// the interval and 0 no timeout, `heartbeat_ttl` is rounded down to
    /// tenths of a second.
    pub fn from_options(handshake_ivl: i32, heartbeat_ivl: i32, heartbeat_timeout: i32, heartbeat_ttl: i32) -> Timing {
        let ms = |v: i32| (v > 0).then(|| Duration::from_millis(v as u64));
        let ivl = ms(heartbeat_ivl);
        Timing {
            handshake: ms(handshake_ivl),
            heartbeat_ivl: ivl,
            heartbeat_timeout: if heartbeat_timeout < 0 { ivl } else { ms(heartbeat_timeout) },
            heartbeat_ttl: (heartbeat_ttl / 100).clamp(0, u16::MAX as i32) as u16,
        }
    }
}

/// Which clock ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// The handshake did not finish within ZMQ_HANDSHAKE_IVL.
    Handshake,
    /// Nothing arrived within ZMQ_HEARTBEAT_TIMEOUT of our PING.
    Heartbeat,
    /// Nothing arrived within the TTL of the peer's PING.
    Ttl,
}

/// The deadlines of one connection (see the module doc).
#[derive(Debug, Clone)]
pub struct Liveness {
    timing: Timing,
    handshake_deadline: Option<Instant>,
    next_ping: Option<Instant>,
    /// Set when a PING goes out (if not already set); cleared by input.
    answer_deadline: Option<Instant>,
    /// Set by a peer's PING with a TTL; cleared by later input.
    ttl_deadline: Option<Instant>,
}

impl Liveness {
    /// The connection starts at `now`.
    pub fn new(timing: Timing, now: Instant) -> Liveness {
        Liveness {
            timing,
            handshake_deadline: timing.handshake.map(|d| now + d),
            next_ping: None,
            answer_deadline: None,
            ttl_deadline: None,
        }
    }

    /// The handshake finished: its deadline goes, heartbeats begin.
    pub fn handshake_done(&mut self, now: Instant) {
        self.handshake_deadline = None;
        self.next_ping = self.timing.heartbeat_ivl.map(|d| now + d);
    }

    /// Bytes arrived from the peer: it is alive.
    #[inline]
    pub fn input(&mut self) {
        self.answer_deadline = None;
        self.ttl_deadline = None;
    }

    /// The peer's PING carried `ttl` tenths of a second (0: none).
    pub fn peer_ping(&mut self, ttl: u16, now: Instant) {
        if ttl > 0 && self.ttl_deadline.is_none() {
            self.ttl_deadline = Some(now + Duration::from_millis(ttl as u64 * 100));
        }
    }

    /// The TTL our PINGs carry.
    pub fn ping_ttl(&self) -> u16 {
        self.timing.heartbeat_ttl
    }

    /// The earliest deadline, when there is one.
    pub fn poll_timeout(&self) -> Option<Instant> {
        [self.handshake_deadline, self.next_ping, self.answer_deadline, self.ttl_deadline]
            .into_iter()
            .flatten()
            .min()
    }

    /// A deadline at or before `now` that ends the connection.
    pub fn expired(&self, now: Instant) -> Option<Expired> {
        let past = |d: Option<Instant>| d.is_some_and(|d| d <= now);
        if past(self.handshake_deadline) {
            Some(Expired::Handshake)
        } else if past(self.answer_deadline) {
            Some(Expired::Heartbeat)
        } else if past(self.ttl_deadline) {
            Some(Expired::Ttl)
        } else {
            None
        }
    }

    /// True when a PING is due at `now`; the next one is then scheduled
    /// and, when the PING goes out, `ping_sent` arms the answer deadline.
    pub fn ping_due(&mut self, now: Instant) -> bool {
        match (self.next_ping, self.timing.heartbeat_ivl) {
            (Some(t), Some(ivl)) if t <= now => {
                self.next_ping = Some(now + ivl);
                true
            }
            _ => false,
        }
    }

    /// A PING went out at `now`.
    pub fn ping_sent(&mut self, now: Instant) {
        if self.answer_deadline.is_none() {
            self.answer_deadline = self.timing.heartbeat_timeout.map(|d| now + d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    #[test]
    fn options_as_libzmq_reads_them() {
        let t = Timing::from_options(30000, 50, -1, 0);
        assert_eq!(t.handshake, Some(ms(30000)));
        assert_eq!(t.heartbeat_ivl, Some(ms(50)));
        // An unset timeout is the interval; 0 is none.
        assert_eq!(t.heartbeat_timeout, Some(ms(50)));
        assert_eq!(Timing::from_options(0, 50, 0, 0).heartbeat_timeout, None);
        assert_eq!(Timing::from_options(0, 0, -1, 0), Timing::default());
        assert_eq!(Timing::from_options(0, 0, -1, 1999).heartbeat_ttl, 19);
    }

    #[test]
    fn handshake_deadline_until_done() {
        let t0 = Instant::now();
        let mut l = Liveness::new(Timing::from_options(200, 0, -1, 0), t0);
        assert_eq!(l.poll_timeout(), Some(t0 + ms(200)));
        assert_eq!(l.expired(t0 + ms(199)), None);
        assert_eq!(l.expired(t0 + ms(200)), Some(Expired::Handshake));
        l.handshake_done(t0 + ms(10));
        assert_eq!(l.poll_timeout(), None);
        assert_eq!(l.expired(t0 + ms(10_000)), None);
    }

    /// A peer that answers every PING, however late within the timeout,
    /// is never dropped (the answer may arrive after the next PING is due).
    #[test]
    fn answered_pings_keep_the_connection_forever() {
        let t0 = Instant::now();
        let mut l = Liveness::new(Timing::from_options(0, 50, -1, 0), t0);
        l.handshake_done(t0);
        let mut now = t0;
        for round in 0..1000u64 {
            now = l.poll_timeout().unwrap();
            assert_eq!(l.expired(now), None, "round {round}");
            if l.ping_due(now) {
                l.ping_sent(now);
            }
            // The answer comes 49 ms later (a timer firing a little late
            // must not matter).
            let answer = now + ms(49);
            assert_eq!(l.expired(answer), None);
            l.input();
        }
        assert!(now >= t0 + ms(49_000));
    }

    #[test]
    fn silence_after_a_ping_expires_at_the_timeout() {
        let t0 = Instant::now();
        let mut l = Liveness::new(Timing::from_options(0, 100, 250, 0), t0);
        l.handshake_done(t0);
        assert!(!l.ping_due(t0 + ms(99)));
        assert!(l.ping_due(t0 + ms(100)));
        l.ping_sent(t0 + ms(100));
        assert!(l.ping_due(t0 + ms(200)));
        // A second PING does not move the deadline of the first.
        l.ping_sent(t0 + ms(200));
        assert_eq!(l.expired(t0 + ms(349)), None);
        assert_eq!(l.expired(t0 + ms(350)), Some(Expired::Heartbeat));
        // No timeout: PINGs but never a deadline.
        let mut l = Liveness::new(Timing::from_options(0, 100, 0, 0), t0);
        l.handshake_done(t0);
        assert!(l.ping_due(t0 + ms(100)));
        l.ping_sent(t0 + ms(100));
        assert_eq!(l.expired(t0 + ms(100_000)), None);
    }

    #[test]
    fn peer_ttl_is_armed_once_and_cleared_by_input() {
        let t0 = Instant::now();
        let mut l = Liveness::new(Timing::default(), t0);
        l.handshake_done(t0);
        l.peer_ping(0, t0);
        assert_eq!(l.poll_timeout(), None);
        l.peer_ping(30, t0);
        // A flood of PINGs does not push it further (nor add deadlines).
        for i in 1..1000 {
            l.peer_ping(30, t0 + ms(i));
        }
        assert_eq!(l.poll_timeout(), Some(t0 + ms(3000)));
        assert_eq!(l.expired(t0 + ms(3000)), Some(Expired::Ttl));
        l.input();
        assert_eq!(l.expired(t0 + ms(3000)), None);
        // The largest TTL is 6553.5 s, not wrapped as 16-bit milliseconds.
        l.peer_ping(u16::MAX, t0);
        assert_eq!(l.poll_timeout(), Some(t0 + ms(6_553_500)));
    }
}
