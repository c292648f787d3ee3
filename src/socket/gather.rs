//! GATHER (libzmq's DRAFT pipeline type): PULL for single-part messages.
//! It fair-queues from its SCATTER peers, drops their multipart messages
//! and never sends: `pull::Pull` in its single-part mode.

use super::pull::Pull;

pub fn new() -> Pull {
    Pull::single_part()
}
