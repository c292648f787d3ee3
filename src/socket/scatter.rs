//! SCATTER (libzmq's DRAFT pipeline type): PUSH for single-part messages.
//! It load-balances over its GATHER peers, refuses ZMQ_SNDMORE (EINVAL)
//! and never receives: `push::Push` in its single-part mode.

use super::push::Push;

pub fn new() -> Push {
    Push::single_part()
}
