//! The listener shared by tcp and ipc: accepts connections and hands each
//! to the layer above (`on_accept`, which makes a session of it).
//!
//! Owns: the listening socket, accept filters (TCP_ACCEPT_FILTER,
//! IPC_FILTER_*), the ACCEPTED/ACCEPT_FAILED/CLOSED events and removing an
//! ipc socket file when closed. Must not: speak ZMTP or know sessions.
//!
//! Running out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM)
//! leaves connections waiting in the backlog. Readiness is edge-triggered,
//! so no new event may ever come for them: the listener retries on a timer
//! (backing off up to `RETRY_MAX`) until it has drained the backlog,
//! rather than spinning or going deaf.

use crate::constants::*;
use crate::io::events::{EventEndpoints, EventSink};
use crate::io::mailbox::Notify;
use crate::io::reactor::{token, Handler, Io, TimerId};
use crate::options::Options;
use crate::transport::stream::{peer_cred, tune_connected, ListenerSock, Stream};
use mio::Interest;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The first retry after an accept failed for want of resources, and the
/// longest wait between retries.
const RETRY_MIN: Duration = Duration::from_millis(10);
const RETRY_MAX: Duration = Duration::from_millis(500);

/// Makes the object that serves an accepted connection.
pub type OnAccept = Box<dyn FnMut(Stream, &str) -> Box<dyn Handler> + Send>;

pub struct Listener {
    sock: ListenerSock,
    endpoint: String,
    socket_id: u64,
    options: Arc<Options>,
    events: Arc<dyn EventSink>,
    on_accept: OnAccept,
    /// Socket file to remove when closing (ipc, not abstract).
    unlink: Option<PathBuf>,
    /// Temporary directory made for `ipc://*`, removed with the file.
    tmpdir: Option<PathBuf>,
    /// The accept retry timer while resources are short, and its interval.
    retry: Option<TimerId>,
    retry_ivl: Duration,
}

impl Listener {
    /// A listener of the socket `socket_id` (whose `options` give the
    /// filters) on `endpoint`; `unlink`/`tmpdir`: the ipc file and the
    /// directory of `ipc://*` to remove when it closes.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        sock: ListenerSock,
        endpoint: String,
        socket_id: u64,
        options: Arc<Options>,
        events: Arc<dyn EventSink>,
        on_accept: OnAccept,
        unlink: Option<PathBuf>,
        tmpdir: Option<PathBuf>,
    ) -> Listener {
        Listener {
            sock,
            endpoint,
            socket_id,
            options,
            events,
            on_accept,
            unlink,
            tmpdir,
            retry: None,
            retry_ivl: RETRY_MIN,
        }
    }
}

impl Handler for Listener {
    fn start(&mut self, io: &mut Io, key: usize) {
        if io.registry().register(&mut self.sock, token(key), Interest::READABLE).is_err() {
            self.close(io, key);
            return;
        }
        // A connection may already be waiting.
        self.accept_all(io, key);
    }

    fn ready(&mut self, io: &mut Io, key: usize, _readable: bool, _writable: bool) {
        self.accept_all(io, key);
    }

    /// A timer fired: the accept retry.
    fn timer(&mut self, io: &mut Io, key: usize, id: TimerId) {
        if self.retry == Some(id) {
            self.retry = None;
            self.accept_all(io, key);
        }
    }

    fn notify(&mut self, _io: &mut Io, _key: usize, _n: Notify) {}

    fn owner(&self) -> (u64, &str) {
        (self.socket_id, &self.endpoint)
    }

    fn close(&mut self, io: &mut Io, _key: usize) {
        if let Some(t) = self.retry.take() {
            io.cancel_timer(t);
        }
        let _ = io.registry().deregister(&mut self.sock);
        let fd = self.sock.fd();
        if let Some(p) = self.unlink.take() {
            let _ = std::fs::remove_file(p);
        }
        if let Some(d) = self.tmpdir.take() {
            let _ = std::fs::remove_dir(d);
        }
        self.events.event(ZMQ_EVENT_CLOSED, fd as u32, EventEndpoints::bound(&self.endpoint));
        io.remove_me = true;
    }

    fn context_stopping(&mut self, io: &mut Io, key: usize) {
        self.close(io, key);
    }
}

impl Listener {
    fn allowed(&self, s: &Stream) -> bool {
        let o = &self.options;
        match s {
            Stream::Tcp(t) => {
                if o.tcp_accept_filter.is_empty() {
                    return true;
                }
                match t.peer_addr() {
                    Ok(a) => o.tcp_accept_allows(a.ip()),
                    Err(_) => false,
                }
            }
            Stream::Ipc(_) => {
                if o.ipc_filter_pid.is_empty() && o.ipc_filter_uid.is_empty() && o.ipc_filter_gid.is_empty() {
                    return true;
                }
                let Some(c) = peer_cred(s) else { return false };
                o.ipc_filter_pid.contains(&c.pid)
                    || o.ipc_filter_uid.contains(&(c.uid as i32))
                    || o.ipc_filter_gid.contains(&(c.gid as i32))
            }
        }
    }

    /// Accepts every waiting connection, or until resources run out.
    fn accept_all(&mut self, io: &mut Io, key: usize) {
        loop {
            match self.sock.accept() {
                Ok(stream) => {
                    self.retry_ivl = RETRY_MIN;
                    if !self.allowed(&stream) {
                        drop(stream);
                        continue;
                    }
                    tune_connected(&stream, &self.options);
                    // Version 2 names the connection's peer too (as libzmq).
                    let peer = stream.peer_endpoint();
                    let eps = EventEndpoints { local: &self.endpoint, remote: &peer, bound: true };
                    self.events.event(ZMQ_EVENT_ACCEPTED, stream.fd() as u32, eps);
                    let handler = (self.on_accept)(stream, &self.endpoint);
                    io.spawn(handler);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let code = e.raw_os_error().unwrap_or(0);
                    self.events.event(ZMQ_EVENT_ACCEPT_FAILED, code as u32, EventEndpoints::bound(&self.endpoint));
                    if matches!(code, libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM) {
                        // The backlog stays; come back once resources may be free.
                        if self.retry.is_none() {
                            self.retry = Some(io.add_timer(key, self.retry_ivl));
                            self.retry_ivl = (self.retry_ivl * 2).min(RETRY_MAX);
                        }
                        return;
                    }
                    if !matches!(code, libc::ECONNABORTED | libc::EPROTO | libc::EPERM) {
                        return;
                    }
                    // Only this connection failed (aborted before we took it,
                    // refused by a firewall rule): go on with the next one.
                }
            }
        }
    }
}
