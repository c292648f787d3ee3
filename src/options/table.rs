//! The option table: for every generic option, how its value is validated,
//! stored and read back, and the options with rules of their own.
//!
//! Owns: the byte layout of every value. Must not: hold state (the values
//! live in [`Options`]).

use super::filters::parse_accept_filter;
use super::*;
use crate::error::{ZResult, EINVAL};
use crate::util::z85;


/// Accessors of one field, for reading and for writing.
struct Field<T: 'static> {
    get: fn(&Options) -> &T,
    set: fn(&mut Options) -> &mut T,
}

/// What a NULL value does to a text option.
#[derive(Clone, Copy)]
enum OnNull {
    Reject,
    Clear,
    /// PLAIN credentials: NULL resets the mechanism and keeps the text.
    MechanismNull,
}

type CustomGet = fn(&Options, &mut [u8]) -> ZResult<usize>;
type CustomSet = fn(&mut Options, Option<&[u8]>) -> ZResult<()>;

/// How an option's value is validated, stored and returned.
enum Kind {
    /// A 4-byte int in `min..=max`.
    Int { field: Field<c_int>, min: c_int, max: c_int },
    /// A read-only 4-byte int.
    IntRo(fn(&Options) -> c_int),
    /// A 4-byte int read as a flag: `strict` accepts only 0 and 1, otherwise
    /// any non-zero value means true. Reads back as 0/1.
    Bool { field: Field<bool>, strict: bool },
    I64(Field<i64>),
    U64(Field<u64>),
    /// Raw bytes of `1..=max` length, read back as-is.
    Binary { field: Field<Vec<u8>>, max: usize },
    /// Text of `1..=max` bytes (or empty if `empty_ok`), read back with a NUL.
    Text { field: Field<Vec<u8>>, max: usize, on_null: OnNull, empty_ok: bool },
    /// A CURVE key: 32 bytes, or 40 Z85 characters (optionally + NUL).
    CurveKey(Field<Option<[u8; 32]>>),
    /// Anything else; `None` means "not settable" / "not readable".
    Custom { get: Option<CustomGet>, set: Option<CustomSet> },
}

pub(super) struct Entry {
    id: c_int,
    kind: Kind,
    /// Side effect of a successful non-NULL set (mechanism bookkeeping).
    after_set: Option<fn(&mut Options)>,
}

macro_rules! field {
    ($f:ident) => {
        Field { get: |o| &o.$f, set: |o| &mut o.$f }
    };
}
macro_rules! int {
    ($id:expr, $f:ident, $min:expr) => {
        int!($id, $f, $min, c_int::MAX)
    };
    ($id:expr, $f:ident, $min:expr, $max:expr) => {
        Entry { id: $id, kind: Kind::Int { field: field!($f), min: $min, max: $max }, after_set: None }
    };
}
macro_rules! flag {
    ($id:expr, $f:ident, $strict:expr) => {
        flag!($id, $f, $strict, None)
    };
    ($id:expr, $f:ident, $strict:expr, $after:expr) => {
        Entry { id: $id, kind: Kind::Bool { field: field!($f), strict: $strict }, after_set: $after }
    };
}
macro_rules! text {
    ($id:expr, $f:ident, $max:expr, $on_null:expr, $empty_ok:expr, $after:expr) => {
        Entry {
            id: $id,
            kind: Kind::Text { field: field!($f), max: $max, on_null: $on_null, empty_ok: $empty_ok },
            after_set: $after,
        }
    };
}
macro_rules! key {
    ($id:expr, $f:ident, $after:expr) => {
        Entry { id: $id, kind: Kind::CurveKey(field!($f)), after_set: Some($after) }
    };
}
macro_rules! custom {
    ($id:expr, $get:expr, $set:expr) => {
        Entry { id: $id, kind: Kind::Custom { get: $get, set: $set }, after_set: None }
    };
}

const STRICT: bool = true;
const RELAXED: bool = false;
const MAX_TEXT: usize = 255;

/// Every generic option libzmq (Debian's 4.3.4 build) accepts, in id order.
static TABLE: &[Entry] = &[
    Entry { id: ZMQ_AFFINITY, kind: Kind::U64(field!(affinity)), after_set: None },
    Entry { id: ZMQ_ROUTING_ID, kind: Kind::Binary { field: field!(routing_id), max: 255 }, after_set: None },
    int!(ZMQ_RATE, rate, 1),
    int!(ZMQ_RECOVERY_IVL, recovery_ivl, 0),
    int!(ZMQ_SNDBUF, sndbuf, -1),
    int!(ZMQ_RCVBUF, rcvbuf, -1),
    Entry { id: ZMQ_TYPE, kind: Kind::IntRo(|o| o.socket_type), after_set: None },
    int!(ZMQ_LINGER, linger, -1),
    int!(ZMQ_RECONNECT_IVL, reconnect_ivl, -1),
    int!(ZMQ_BACKLOG, backlog, 0),
    int!(ZMQ_RECONNECT_IVL_MAX, reconnect_ivl_max, 0),
    Entry { id: ZMQ_MAXMSGSIZE, kind: Kind::I64(field!(maxmsgsize)), after_set: None },
    int!(ZMQ_SNDHWM, sndhwm, 0),
    int!(ZMQ_RCVHWM, rcvhwm, 0),
    int!(ZMQ_MULTICAST_HOPS, multicast_hops, 1),
    int!(ZMQ_RCVTIMEO, rcvtimeo, -1),
    int!(ZMQ_SNDTIMEO, sndtimeo, -1),
    custom!(ZMQ_IPV4ONLY, Some(get_ipv4only), Some(set_ipv4only)),
    int!(ZMQ_TCP_KEEPALIVE, tcp_keepalive, -1, 1),
    int!(ZMQ_TCP_KEEPALIVE_CNT, tcp_keepalive_cnt, -1),
    int!(ZMQ_TCP_KEEPALIVE_IDLE, tcp_keepalive_idle, -1),
    int!(ZMQ_TCP_KEEPALIVE_INTVL, tcp_keepalive_intvl, -1),
    custom!(ZMQ_TCP_ACCEPT_FILTER, None, Some(set_tcp_accept_filter)),
    flag!(ZMQ_IMMEDIATE, immediate, STRICT),
    flag!(ZMQ_IPV6, ipv6, STRICT),
    Entry { id: ZMQ_MECHANISM, kind: Kind::IntRo(|o| o.mechanism), after_set: None },
    flag!(ZMQ_PLAIN_SERVER, plain_server, STRICT, Some(|o| {
        o.as_server = o.plain_server;
        o.mechanism = if o.plain_server { ZMQ_PLAIN } else { ZMQ_NULL };
    })),
    text!(ZMQ_PLAIN_USERNAME, plain_username, MAX_TEXT, OnNull::MechanismNull, false, Some(plain_client)),
    text!(ZMQ_PLAIN_PASSWORD, plain_password, MAX_TEXT, OnNull::MechanismNull, false, Some(plain_client)),
    flag!(ZMQ_CURVE_SERVER, curve_server, STRICT, Some(|o| {
        o.as_server = o.curve_server;
        o.mechanism = if o.curve_server { ZMQ_CURVE } else { ZMQ_NULL };
    })),
    key!(ZMQ_CURVE_PUBLICKEY, curve_publickey, |o| o.mechanism = ZMQ_CURVE),
    key!(ZMQ_CURVE_SECRETKEY, curve_secretkey, |o| o.mechanism = ZMQ_CURVE),
    key!(ZMQ_CURVE_SERVERKEY, curve_serverkey, |o| {
        o.as_server = false;
        o.mechanism = ZMQ_CURVE;
    }),
    flag!(ZMQ_CONFLATE, conflate, STRICT),
    text!(ZMQ_ZAP_DOMAIN, zap_domain, MAX_TEXT, OnNull::Reject, false, None),
    int!(ZMQ_TOS, tos, 0),
    custom!(ZMQ_IPC_FILTER_PID, None, Some(|o, v| add_ipc_filter(&mut o.ipc_filter_pid, v))),
    custom!(ZMQ_IPC_FILTER_UID, None, Some(|o, v| add_ipc_filter(&mut o.ipc_filter_uid, v))),
    custom!(ZMQ_IPC_FILTER_GID, None, Some(|o, v| add_ipc_filter(&mut o.ipc_filter_gid, v))),
    flag!(ZMQ_GSSAPI_SERVER, gssapi_server, STRICT, Some(|o| {
        o.as_server = o.gssapi_server;
        o.mechanism = ZMQ_GSSAPI;
    })),
    text!(ZMQ_GSSAPI_PRINCIPAL, gssapi_principal, MAX_TEXT, OnNull::Reject, false,
        Some(|o| o.mechanism = ZMQ_GSSAPI)),
    text!(ZMQ_GSSAPI_SERVICE_PRINCIPAL, gssapi_service_principal, MAX_TEXT, OnNull::Reject, false,
        Some(|o| {
            o.as_server = false;
            o.mechanism = ZMQ_GSSAPI;
        })),
    flag!(ZMQ_GSSAPI_PLAINTEXT, gssapi_plaintext, STRICT),
    int!(ZMQ_HANDSHAKE_IVL, handshake_ivl, 0),
    text!(ZMQ_SOCKS_PROXY, socks_proxy, usize::MAX, OnNull::Clear, false, None),
    flag!(ZMQ_INVERT_MATCHING, invert_matching, RELAXED),
    int!(ZMQ_HEARTBEAT_IVL, heartbeat_ivl, 0),
    custom!(ZMQ_HEARTBEAT_TTL, Some(|o, out| put(out, &o.heartbeat_ttl.to_ne_bytes())), Some(set_heartbeat_ttl)),
    int!(ZMQ_HEARTBEAT_TIMEOUT, heartbeat_timeout, 0),
    int!(ZMQ_CONNECT_TIMEOUT, connect_timeout, 0),
    int!(ZMQ_TCP_MAXRT, tcp_maxrt, 0),
    int!(ZMQ_MULTICAST_MAXTPDU, multicast_maxtpdu, 1),
    int!(ZMQ_USE_FD, use_fd, -1),
    int!(ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, gssapi_principal_nametype, 0, 2),
    int!(ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, gssapi_service_principal_nametype, 0, 2),
    text!(ZMQ_BINDTODEVICE, bindtodevice, BINDTODEVICE_MAX, OnNull::Clear, false, None),
    flag!(ZMQ_ZAP_ENFORCE_DOMAIN, zap_enforce_domain, RELAXED),
    flag!(ZMQ_LOOPBACK_FASTPATH, loopback_fastpath, RELAXED),
    flag!(ZMQ_MULTICAST_LOOP, multicast_loop, RELAXED),
    text!(ZMQ_SOCKS_USERNAME, socks_username, MAX_TEXT, OnNull::Clear, true, None),
    text!(ZMQ_SOCKS_PASSWORD, socks_password, MAX_TEXT, OnNull::Clear, true, None),
    int!(ZMQ_RECONNECT_STOP, reconnect_stop, c_int::MIN),
    // The draft options of libzmq 4.3.5 (`ZMQ_BUILD_DRAFT_API`).
    custom!(draft::ZMQ_METADATA, None, Some(add_metadata)),
    custom!(draft::ZMQ_ROUTER_NOTIFY, Some(|o, out| put(out, &o.router_notify.to_ne_bytes())), Some(set_router_notify)),
    custom!(draft::ZMQ_IN_BATCH_SIZE, Some(|o, out| get_batch(o.in_batch_size, out)),
        Some(|o, v| set_batch(&mut o.in_batch_size, v))),
    custom!(draft::ZMQ_OUT_BATCH_SIZE, Some(|o, out| get_batch(o.out_batch_size, out)),
        Some(|o, v| set_batch(&mut o.out_batch_size, v))),
    custom!(draft::ZMQ_HELLO_MSG, None, Some(|o, v| set_bytes(&mut o.hello_msg, v))),
    custom!(draft::ZMQ_DISCONNECT_MSG, None, Some(|o, v| set_bytes(&mut o.disconnect_msg, v))),
    int!(draft::ZMQ_PRIORITY, priority, 0),
    // Any int, write-only (libzmq 4.3.5 has no getsockopt for it).
    custom!(draft::ZMQ_BUSY_POLL, None, Some(|o, v| {
        o.busy_poll = int_arg(v)?;
        Ok(())
    })),
    custom!(draft::ZMQ_HICCUP_MSG, None, Some(|o, v| set_bytes(&mut o.hiccup_msg, v))),
];

pub(super) fn entry(option: c_int) -> Option<&'static Entry> {
    TABLE.iter().find(|e| e.id == option)
}

impl Entry {
    /// Validates and stores `value`, then applies the option's side effect
    /// (only for a non-NULL value, as libzmq).
    pub(super) fn set(&self, o: &mut Options, value: Option<&[u8]>) -> ZResult<()> {
        self.kind.set(o, value)?;
        if value.is_some() {
            if let Some(after) = self.after_set {
                after(o);
            }
        }
        Ok(())
    }

    /// Writes the value into `out` (which must have its exact size).
    pub(super) fn get(&self, o: &Options, out: &mut [u8]) -> ZResult<usize> {
        self.kind.get(o, out)
    }
}

/// Copies `value` into `out`, which must have exactly its size.
fn put(out: &mut [u8], value: &[u8]) -> ZResult<usize> {
    if out.len() != value.len() {
        return Err(EINVAL);
    }
    out.copy_from_slice(value);
    Ok(value.len())
}

/// A 4-byte native-endian int, as every int option requires.
pub(super) fn int_arg(value: Option<&[u8]>) -> ZResult<c_int> {
    match value {
        Some(&[a, b, c, d]) => Ok(c_int::from_ne_bytes([a, b, c, d])),
        _ => Err(EINVAL),
    }
}

fn eight_bytes(value: Option<&[u8]>) -> ZResult<[u8; 8]> {
    value.and_then(|v| <[u8; 8]>::try_from(v).ok()).ok_or(EINVAL)
}

impl Kind {
    fn set(&self, o: &mut Options, value: Option<&[u8]>) -> ZResult<()> {
        match self {
            Kind::Int { field, min, max } => {
                let v = int_arg(value)?;
                if v < *min || v > *max {
                    return Err(EINVAL);
                }
                *(field.set)(o) = v;
            }
            Kind::IntRo(_) => return Err(EINVAL),
            Kind::Bool { field, strict } => {
                let v = int_arg(value)?;
                if *strict && v != 0 && v != 1 {
                    return Err(EINVAL);
                }
                *(field.set)(o) = v != 0;
            }
            Kind::I64(field) => *(field.set)(o) = i64::from_ne_bytes(eight_bytes(value)?),
            Kind::U64(field) => *(field.set)(o) = u64::from_ne_bytes(eight_bytes(value)?),
            Kind::Binary { field, max } => match value {
                Some(v) if !v.is_empty() && v.len() <= *max => *(field.set)(o) = v.to_vec(),
                _ => return Err(EINVAL),
            },
            Kind::Text { field, max, on_null, empty_ok } => match value {
                None => match on_null {
                    OnNull::Reject => return Err(EINVAL),
                    OnNull::Clear => (field.set)(o).clear(),
                    OnNull::MechanismNull => o.mechanism = ZMQ_NULL,
                },
                Some(v) if v.len() <= *max && (*empty_ok || !v.is_empty()) => {
                    *(field.set)(o) = v.to_vec()
                }
                Some(_) => return Err(EINVAL),
            },
            Kind::CurveKey(field) => *(field.set)(o) = Some(parse_curve_key(value.ok_or(EINVAL)?)?),
            Kind::Custom { set, .. } => return set.ok_or(EINVAL)?(o, value),
        }
        Ok(())
    }

    fn get(&self, o: &Options, out: &mut [u8]) -> ZResult<usize> {
        match self {
            Kind::Int { field, .. } => put(out, &(field.get)(o).to_ne_bytes()),
            Kind::IntRo(read) => put(out, &read(o).to_ne_bytes()),
            Kind::Bool { field, .. } => put(out, &c_int::from(*(field.get)(o)).to_ne_bytes()),
            Kind::I64(field) => put(out, &(field.get)(o).to_ne_bytes()),
            Kind::U64(field) => put(out, &(field.get)(o).to_ne_bytes()),
            Kind::Binary { field, .. } => {
                let v = (field.get)(o);
                let dst = out.get_mut(..v.len()).ok_or(EINVAL)?;
                dst.copy_from_slice(v);
                Ok(v.len())
            }
            Kind::Text { field, .. } => {
                let v = (field.get)(o);
                let dst = out.get_mut(..v.len() + 1).ok_or(EINVAL)?;
                dst[..v.len()].copy_from_slice(v);
                dst[v.len()] = 0;
                Ok(v.len() + 1)
            }
            Kind::CurveKey(field) => {
                let key = (field.get)(o).unwrap_or([0; CURVE_KEY_LEN]);
                match out.len() {
                    CURVE_KEY_LEN => put(out, &key),
                    n if n == CURVE_KEY_Z85_LEN + 1 => {
                        let text = z85::encode(&key).ok_or(EINVAL)?;
                        out[..CURVE_KEY_Z85_LEN].copy_from_slice(text.as_bytes());
                        out[CURVE_KEY_Z85_LEN] = 0;
                        Ok(n)
                    }
                    _ => Err(EINVAL),
                }
            }
            Kind::Custom { get, .. } => get.ok_or(EINVAL)?(o, out),
        }
    }
}

// ---------------------------------------------------------------------------
// Options with their own rules.

/// PLAIN username or password set: this side becomes a PLAIN client.
fn plain_client(o: &mut Options) {
    o.as_server = false;
    o.mechanism = ZMQ_PLAIN;
}

/// A CURVE key given as 32 bytes, 40 Z85 characters, or those followed by NUL.
fn parse_curve_key(v: &[u8]) -> ZResult<[u8; 32]> {
    let text = match v.len() {
        CURVE_KEY_LEN => return <[u8; 32]>::try_from(v).map_err(|_| EINVAL),
        CURVE_KEY_Z85_LEN => v,
        n if n == CURVE_KEY_Z85_LEN + 1 && v[CURVE_KEY_Z85_LEN] == 0 => &v[..CURVE_KEY_Z85_LEN],
        _ => return Err(EINVAL),
    };
    let key = z85::decode_bytes(text).ok_or(EINVAL)?;
    <[u8; 32]>::try_from(key.as_slice()).map_err(|_| EINVAL)
}

/// Deprecated inverse of `ZMQ_IPV6`.
fn set_ipv4only(o: &mut Options, v: Option<&[u8]>) -> ZResult<()> {
    match int_arg(v)? {
        0 => o.ipv6 = true,
        1 => o.ipv6 = false,
        _ => return Err(EINVAL),
    }
    Ok(())
}

fn get_ipv4only(o: &Options, out: &mut [u8]) -> ZResult<usize> {
    put(out, &c_int::from(!o.ipv6).to_ne_bytes())
}

/// libzmq keeps the TTL in deciseconds: the value is truncated to a
/// multiple of 100 ms and must fit 16 bits once divided.
fn set_heartbeat_ttl(o: &mut Options, v: Option<&[u8]>) -> ZResult<()> {
    let deci = int_arg(v)? / 100;
    if !(0..=c_int::from(u16::MAX)).contains(&deci) {
        return Err(EINVAL);
    }
    o.heartbeat_ttl = deci * 100;
    Ok(())
}

/// IPC peer filters: NULL clears the list, a 4-byte id adds to the set.
fn add_ipc_filter(list: &mut Vec<c_int>, v: Option<&[u8]>) -> ZResult<()> {
    match v {
        None => list.clear(),
        Some(_) => {
            let id = int_arg(v)?;
            if !list.contains(&id) {
                list.push(id);
            }
        }
    }
    Ok(())
}

/// `ZMQ_TCP_ACCEPT_FILTER`: NULL clears; otherwise a numeric address with an
/// optional `/prefix`, resolved as libzmq does (IPv6 literals only when
/// `ZMQ_IPV6` is on, in which case IPv4 literals become v4-mapped).
fn set_tcp_accept_filter(o: &mut Options, v: Option<&[u8]>) -> ZResult<()> {
    let Some(v) = v else {
        o.tcp_accept_filter.clear();
        return Ok(());
    };
    if v.is_empty() || v.len() > 255 || v[0] == 0 {
        return Err(EINVAL);
    }
    let filter = parse_accept_filter(v, o.ipv6).ok_or(EINVAL)?;
    o.tcp_accept_filter.push(filter);
    Ok(())
}

/// `ZMQ_ROUTER_NOTIFY`: ROUTER only (libzmq's router answers it; every
/// other type says EINVAL), a combination of the two bits.
fn set_router_notify(o: &mut Options, v: Option<&[u8]>) -> ZResult<()> {
    let bits = int_arg(v)?;
    if o.socket_type != ZMQ_ROUTER || !(0..=draft::ZMQ_NOTIFY_CONNECT | draft::ZMQ_NOTIFY_DISCONNECT).contains(&bits) {
        return Err(EINVAL);
    }
    o.router_notify = bits;
    Ok(())
}

/// libzmq's batch sizes (`in_batch_size`, `out_batch_size`), what the
/// options read until they are set.
const DEFAULT_BATCH: c_int = 8192;

fn set_batch(field: &mut Option<c_int>, v: Option<&[u8]>) -> ZResult<()> {
    match int_arg(v)? {
        n if n > 0 => *field = Some(n),
        _ => return Err(EINVAL),
    }
    Ok(())
}

fn get_batch(field: Option<c_int>, out: &mut [u8]) -> ZResult<usize> {
    put(out, &field.unwrap_or(DEFAULT_BATCH).to_ne_bytes())
}

/// HELLO/DISCONNECT/HICCUP messages: any bytes; NULL or empty clears.
fn set_bytes(field: &mut Vec<u8>, v: Option<&[u8]>) -> ZResult<()> {
    *field = v.unwrap_or_default().to_vec();
    Ok(())
}

/// `ZMQ_METADATA`: one `X-name:value` property per call, as libzmq checks
/// it: not 4 bytes long (libzmq takes that size for an int and refuses
/// it), a `:` neither first nor last, a name starting with `X-` of at most
/// 255 bytes. A name already set keeps its first value. The name must be
/// UTF-8 here (libzmq takes any bytes); the value ends at a NUL, if any.
fn add_metadata(o: &mut Options, v: Option<&[u8]>) -> ZResult<()> {
    let v = v.ok_or(EINVAL)?;
    if v.is_empty() || v.len() == 4 {
        return Err(EINVAL);
    }
    let colon = v.iter().position(|&b| b == b':').ok_or(EINVAL)?;
    if colon == 0 || colon == v.len() - 1 {
        return Err(EINVAL);
    }
    let (name, value) = (&v[..colon], &v[colon + 1..]);
    if !name.starts_with(b"X-") || name.len() > 255 {
        return Err(EINVAL);
    }
    let name = std::str::from_utf8(name).map_err(|_| EINVAL)?;
    // libzmq sends the value as a C string: up to its first NUL.
    let value = value.split(|&b| b == 0).next().unwrap_or_default();
    if let Err(at) = o.app_metadata.binary_search_by(|(k, _)| k.as_str().cmp(name)) {
        o.app_metadata.insert(at, (name.to_string(), bytes::Bytes::copy_from_slice(value)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicates() {
        for (i, e) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|f| f.id != e.id), "option {} twice", e.id);
        }
    }
}
