//! `zmq_bind` / `zmq_connect` on udp:// (RADIO connects, DISH and DGRAM
//! bind, as libzmq allows): the socket gets one pipe at once, whose other
//! end an I/O thread's `session::udp::UdpSession` serves.

use super::SocketBase;
use crate::constants::draft::{ZMQ_DGRAM, ZMQ_DISH, ZMQ_RADIO};
use crate::error::*;
use crate::io::mailbox::Waker;
use crate::io::reactor::IoCommand;
use crate::pipe::{EndConfig, PipeEnd};
use crate::session::udp::UdpSession;
use crate::transport::udp;
use std::sync::Arc;

impl SocketBase {
    pub(super) fn udp_endpoint(&mut self, endpoint: &str, addr: &str, bind: bool) -> ZResult<()> {
        let t = self.options.socket_type;
        let allowed = if bind { matches!(t, ZMQ_DISH | ZMQ_DGRAM) } else { t == ZMQ_RADIO };
        if !allowed {
            return Err(ENOCOMPATPROTO);
        }
        let a = udp::parse(addr, bind, self.options.ipv6)?;
        let sock = udp::open(&a, bind, &self.options)?;
        let io = self.ctx.io_thread(self.options.affinity)?;
        let session_cfg = EndConfig { mailbox: Some(io.clone() as Arc<dyn Waker>), routing_id: None };
        let (mut mine, theirs) = PipeEnd::pair(self.end_config(), session_cfg, self.options.pipe_hwms(), [false, false]);
        mine.set_io_peer();
        let k = self.insert_pipe(mine, Some(endpoint.to_string()));
        self.routing.attach_all(&mut super::Cx { pipes: &mut self.pipes, options: &self.options }, k);
        let dest = (!bind).then_some(a.addr);
        io.send(IoCommand::Spawn(Box::new(UdpSession::new(sock, theirs, self.sock_ref(), endpoint.to_string(), dest))));
        self.net_endpoints.push((endpoint.to_string(), io));
        self.last_endpoint = endpoint.to_string();
        Ok(())
    }
}
