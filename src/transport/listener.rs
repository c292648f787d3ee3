//! The listener shared by tcp and ipc: accepts connections and starts a
//! session for each.
//!
//! Owns: the listening socket, accept filters (TCP_ACCEPT_FILTER,
//! IPC_FILTER_*), the ACCEPTED/ACCEPT_FAILED/CLOSED events and removing an
//! ipc socket file when closed. Must not: speak ZMTP (sessions do).

use crate::constants::*;
use crate::io::reactor::{token, Io, Obj};
use crate::session::{Session, SockRef};
use crate::transport::stream::{peer_cred, tune_connected, ListenerSock, Stream};
use mio::Interest;
use std::path::PathBuf;

pub struct Listener {
    sock: ListenerSock,
    endpoint: String,
    owner: SockRef,
    /// Socket file to remove when closing (ipc, not abstract).
    unlink: Option<PathBuf>,
    /// Temporary directory made for `ipc://*`, removed with the file.
    tmpdir: Option<PathBuf>,
}

impl Listener {
    pub fn new(sock: ListenerSock, endpoint: String, owner: SockRef, unlink: Option<PathBuf>, tmpdir: Option<PathBuf>) -> Listener {
        Listener { sock, endpoint, owner, unlink, tmpdir }
    }

    pub fn socket_id(&self) -> u64 {
        self.owner.socket_id
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn start(&mut self, io: &mut Io, key: usize) {
        if io.registry().register(&mut self.sock, token(key), Interest::READABLE).is_err() {
            self.close(io, key);
            return;
        }
        // A connection may already be waiting.
        self.ready(io, key);
    }

    fn allowed(&self, s: &Stream) -> bool {
        let o = &self.owner.options;
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

    pub fn ready(&mut self, io: &mut Io, _key: usize) {
        loop {
            match self.sock.accept() {
                Ok(stream) => {
                    if !self.allowed(&stream) {
                        drop(stream);
                        continue;
                    }
                    tune_connected(&stream, &self.owner.options);
                    self.owner.event(ZMQ_EVENT_ACCEPTED, stream.fd() as u32, &self.endpoint);
                    io.spawn(Obj::Session(Session::accepted(stream, self.endpoint.clone(), self.owner.clone())));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let code = e.raw_os_error().unwrap_or(0);
                    self.owner.event(ZMQ_EVENT_ACCEPT_FAILED, code as u32, &self.endpoint);
                    // Out of descriptors and the like: try again on the next event.
                    return;
                }
            }
        }
    }

    pub fn close(&mut self, io: &mut Io, _key: usize) {
        let _ = io.registry().deregister(&mut self.sock);
        let fd = self.sock.fd();
        if let Some(p) = self.unlink.take() {
            let _ = std::fs::remove_file(p);
        }
        if let Some(d) = self.tmpdir.take() {
            let _ = std::fs::remove_dir(d);
        }
        self.owner.event(ZMQ_EVENT_CLOSED, fd as u32, &self.endpoint);
        io.remove_me = true;
    }
}
