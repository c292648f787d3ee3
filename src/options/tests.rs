//! Expectations observed on Debian's libzmq 4.3.4 (C probes linked with
//! `-lzmq`), one behaviour per test.

use super::filters::*;
use super::*;
use std::net::Ipv4Addr;


fn seti(o: &mut Options, id: c_int, v: c_int) -> ZResult<()> {
    o.set(id, &v.to_ne_bytes())
}
fn geti(o: &Options, id: c_int) -> c_int {
    let mut b = [0u8; 4];
    assert_eq!(o.get(id, &mut b), Ok(4), "option {id}");
    c_int::from_ne_bytes(b)
}
fn getq(o: &Options, id: c_int) -> i64 {
    let mut b = [0u8; 8];
    assert_eq!(o.get(id, &mut b), Ok(8), "option {id}");
    i64::from_ne_bytes(b)
}
fn gets(o: &Options, id: c_int) -> Vec<u8> {
    let mut b = [0xAAu8; 300];
    let n = o.get(id, &mut b).unwrap();
    b[..n].to_vec()
}

#[test]
fn int_defaults_match_libzmq() {
    let o = Options::new(ZMQ_DEALER);
    let expected: &[(c_int, c_int)] = &[
        (ZMQ_RATE, 100), (ZMQ_RECOVERY_IVL, 10000), (ZMQ_SNDBUF, -1), (ZMQ_RCVBUF, -1),
        (ZMQ_TYPE, ZMQ_DEALER), (ZMQ_LINGER, -1), (ZMQ_RECONNECT_IVL, 100), (ZMQ_BACKLOG, 100),
        (ZMQ_RECONNECT_IVL_MAX, 0), (ZMQ_SNDHWM, 1000), (ZMQ_RCVHWM, 1000),
        (ZMQ_MULTICAST_HOPS, 1), (ZMQ_RCVTIMEO, -1), (ZMQ_SNDTIMEO, -1), (ZMQ_IPV4ONLY, 1),
        (ZMQ_TCP_KEEPALIVE, -1), (ZMQ_TCP_KEEPALIVE_CNT, -1), (ZMQ_TCP_KEEPALIVE_IDLE, -1),
        (ZMQ_TCP_KEEPALIVE_INTVL, -1), (ZMQ_IMMEDIATE, 0), (ZMQ_IPV6, 0), (ZMQ_MECHANISM, 0),
        (ZMQ_PLAIN_SERVER, 0), (ZMQ_CURVE_SERVER, 0), (ZMQ_CONFLATE, 0), (ZMQ_TOS, 0),
        (ZMQ_GSSAPI_SERVER, 0), (ZMQ_GSSAPI_PLAINTEXT, 0), (ZMQ_HANDSHAKE_IVL, 30000),
        (ZMQ_INVERT_MATCHING, 0), (ZMQ_HEARTBEAT_IVL, 0), (ZMQ_HEARTBEAT_TTL, 0),
        (ZMQ_HEARTBEAT_TIMEOUT, -1), (ZMQ_CONNECT_TIMEOUT, 0), (ZMQ_TCP_MAXRT, 0),
        (ZMQ_MULTICAST_MAXTPDU, 1500), (ZMQ_USE_FD, -1), (ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, 0),
        (ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, 0), (ZMQ_ZAP_ENFORCE_DOMAIN, 0),
        (ZMQ_LOOPBACK_FASTPATH, 0), (ZMQ_MULTICAST_LOOP, 1), (ZMQ_RECONNECT_STOP, 0),
    ];
    for &(id, v) in expected {
        assert_eq!(geti(&o, id), v, "option {id}");
    }
    assert_eq!(getq(&o, ZMQ_AFFINITY), 0);
    assert_eq!(getq(&o, ZMQ_MAXMSGSIZE), -1);
    assert_eq!(gets(&o, ZMQ_ROUTING_ID), b"");
    for id in [ZMQ_PLAIN_USERNAME, ZMQ_PLAIN_PASSWORD, ZMQ_ZAP_DOMAIN, ZMQ_GSSAPI_PRINCIPAL,
        ZMQ_GSSAPI_SERVICE_PRINCIPAL, ZMQ_SOCKS_PROXY, ZMQ_BINDTODEVICE, ZMQ_SOCKS_USERNAME,
        ZMQ_SOCKS_PASSWORD]
    {
        assert_eq!(gets(&o, id), b"\0", "option {id}");
    }
}

#[test]
fn linger_defaults_per_socket_type() {
    for t in 0..=11 {
        let want = if t == ZMQ_SUB || t == ZMQ_XSUB { 0 } else { -1 };
        let o = Options::new(t);
        assert_eq!(geti(&o, ZMQ_LINGER), want, "type {t}");
        assert_eq!(geti(&o, ZMQ_TYPE), t);
    }
}

#[test]
fn int_ranges() {
    // (option, smallest accepted, largest accepted)
    let ranges: &[(c_int, c_int, c_int)] = &[
        (ZMQ_SNDHWM, 0, c_int::MAX), (ZMQ_RCVHWM, 0, c_int::MAX), (ZMQ_RATE, 1, c_int::MAX),
        (ZMQ_RECOVERY_IVL, 0, c_int::MAX), (ZMQ_SNDBUF, -1, c_int::MAX),
        (ZMQ_RCVBUF, -1, c_int::MAX), (ZMQ_LINGER, -1, c_int::MAX),
        (ZMQ_RECONNECT_IVL, -1, c_int::MAX), (ZMQ_BACKLOG, 0, c_int::MAX),
        (ZMQ_RECONNECT_IVL_MAX, 0, c_int::MAX), (ZMQ_MULTICAST_HOPS, 1, c_int::MAX),
        (ZMQ_RCVTIMEO, -1, c_int::MAX), (ZMQ_SNDTIMEO, -1, c_int::MAX),
        (ZMQ_TCP_KEEPALIVE, -1, 1), (ZMQ_TCP_KEEPALIVE_CNT, -1, c_int::MAX),
        (ZMQ_TCP_KEEPALIVE_IDLE, -1, c_int::MAX), (ZMQ_TCP_KEEPALIVE_INTVL, -1, c_int::MAX),
        (ZMQ_TOS, 0, c_int::MAX), (ZMQ_HANDSHAKE_IVL, 0, c_int::MAX),
        (ZMQ_HEARTBEAT_IVL, 0, c_int::MAX), (ZMQ_HEARTBEAT_TIMEOUT, 0, c_int::MAX),
        (ZMQ_CONNECT_TIMEOUT, 0, c_int::MAX), (ZMQ_TCP_MAXRT, 0, c_int::MAX),
        (ZMQ_MULTICAST_MAXTPDU, 1, c_int::MAX), (ZMQ_USE_FD, -1, c_int::MAX),
        (ZMQ_GSSAPI_PRINCIPAL_NAMETYPE, 0, 2), (ZMQ_GSSAPI_SERVICE_PRINCIPAL_NAMETYPE, 0, 2),
    ];
    for &(id, min, max) in ranges {
        let mut o = Options::new(ZMQ_DEALER);
        assert_eq!(seti(&mut o, id, min - 1), Err(EINVAL), "option {id} below min");
        assert_eq!(seti(&mut o, id, min), Ok(()), "option {id} min");
        assert_eq!(geti(&o, id), min);
        assert_eq!(seti(&mut o, id, max), Ok(()), "option {id} max");
        assert_eq!(geti(&o, id), max);
        if max < c_int::MAX {
            assert_eq!(seti(&mut o, id, max + 1), Err(EINVAL), "option {id} above max");
        }
    }
    let mut o = Options::new(ZMQ_DEALER);
    for v in [c_int::MIN, -2, 0, c_int::MAX] {
        assert_eq!(seti(&mut o, ZMQ_RECONNECT_STOP, v), Ok(()));
        assert_eq!(geti(&o, ZMQ_RECONNECT_STOP), v);
    }
}

#[test]
fn ints_need_exactly_four_bytes() {
    let mut o = Options::new(ZMQ_DEALER);
    assert_eq!(o.set(ZMQ_SNDHWM, &5i64.to_ne_bytes()), Err(EINVAL));
    assert_eq!(o.set(ZMQ_SNDHWM, &[5, 0]), Err(EINVAL));
    assert_eq!(o.set(ZMQ_LINGER, &[]), Err(EINVAL));
    let mut b8 = [0u8; 8];
    let mut b2 = [0u8; 2];
    assert_eq!(o.get(ZMQ_SNDHWM, &mut b8), Err(EINVAL));
    assert_eq!(o.get(ZMQ_SNDHWM, &mut b2), Err(EINVAL));
    assert_eq!(o.get(ZMQ_TYPE, &mut b8), Err(EINVAL));
    assert_eq!(o.get(ZMQ_IPV6, &mut []), Err(EINVAL));
}

#[test]
fn sixty_four_bit_options() {
    let mut o = Options::new(ZMQ_DEALER);
    for v in [-2i64, -1, 0, 1, i64::MAX] {
        assert_eq!(o.set(ZMQ_MAXMSGSIZE, &v.to_ne_bytes()), Ok(()));
        assert_eq!(getq(&o, ZMQ_MAXMSGSIZE), v);
        assert_eq!(o.set(ZMQ_AFFINITY, &v.to_ne_bytes()), Ok(()));
        assert_eq!(getq(&o, ZMQ_AFFINITY), v);
    }
    assert_eq!(o.affinity, u64::MAX >> 1);
    assert_eq!(o.set(ZMQ_MAXMSGSIZE, &1i32.to_ne_bytes()), Err(EINVAL));
    assert_eq!(o.set(ZMQ_AFFINITY, &1i32.to_ne_bytes()), Err(EINVAL));
    let mut b4 = [0u8; 4];
    let mut b16 = [0u8; 16];
    assert_eq!(o.get(ZMQ_MAXMSGSIZE, &mut b4), Err(EINVAL));
    assert_eq!(o.get(ZMQ_AFFINITY, &mut b16), Err(EINVAL));
}

#[test]
fn strict_and_relaxed_flags() {
    let strict = [ZMQ_IMMEDIATE, ZMQ_IPV6, ZMQ_IPV4ONLY, ZMQ_PLAIN_SERVER, ZMQ_CURVE_SERVER,
        ZMQ_CONFLATE, ZMQ_GSSAPI_SERVER, ZMQ_GSSAPI_PLAINTEXT];
    for id in strict {
        let mut o = Options::new(ZMQ_DEALER);
        for bad in [-2, -1, 2, 100] {
            assert_eq!(seti(&mut o, id, bad), Err(EINVAL), "option {id} value {bad}");
        }
        assert_eq!(seti(&mut o, id, 1), Ok(()));
        assert_eq!(seti(&mut o, id, 0), Ok(()));
    }
    let relaxed = [ZMQ_INVERT_MATCHING, ZMQ_ZAP_ENFORCE_DOMAIN, ZMQ_LOOPBACK_FASTPATH,
        ZMQ_MULTICAST_LOOP];
    for id in relaxed {
        let mut o = Options::new(ZMQ_DEALER);
        for (v, read) in [(-2, 1), (0, 0), (2, 1), (c_int::MAX, 1), (0, 0), (1, 1)] {
            assert_eq!(seti(&mut o, id, v), Ok(()));
            assert_eq!(geti(&o, id), read, "option {id} value {v}");
        }
    }
}

#[test]
fn ipv4only_is_inverse_of_ipv6() {
    let mut o = Options::new(ZMQ_DEALER);
    seti(&mut o, ZMQ_IPV6, 1).unwrap();
    assert_eq!(geti(&o, ZMQ_IPV4ONLY), 0);
    seti(&mut o, ZMQ_IPV4ONLY, 1).unwrap();
    assert_eq!(geti(&o, ZMQ_IPV6), 0);
    seti(&mut o, ZMQ_IPV4ONLY, 0).unwrap();
    assert_eq!(geti(&o, ZMQ_IPV6), 1);
    assert!(o.ipv6);
}

#[test]
fn heartbeat_ttl_is_kept_in_deciseconds() {
    let mut o = Options::new(ZMQ_DEALER);
    for (v, res, read) in [(-2, Ok(()), 0), (-99, Ok(()), 0), (-100, Err(EINVAL), 0),
        (150, Ok(()), 100), (199, Ok(()), 100), (100, Ok(()), 100),
        (6553599, Ok(()), 6553500), (6553600, Err(EINVAL), 6553500)]
    {
        assert_eq!(seti(&mut o, ZMQ_HEARTBEAT_TTL, v), res, "ttl {v}");
        assert_eq!(geti(&o, ZMQ_HEARTBEAT_TTL), read, "ttl {v}");
    }
}

#[test]
fn routing_id() {
    let mut o = Options::new(ZMQ_DEALER);
    assert_eq!(o.set_nullable(ZMQ_ROUTING_ID, None), Err(EINVAL));
    assert_eq!(o.set_nullable(ZMQ_ROUTING_ID, Some(b"")), Err(EINVAL));
    assert_eq!(o.set(ZMQ_ROUTING_ID, &[0u8; 256]), Err(EINVAL));
    assert_eq!(o.set(ZMQ_ROUTING_ID, b"\0"), Ok(()));
    assert_eq!(gets(&o, ZMQ_ROUTING_ID), b"\0");
    assert_eq!(o.set(ZMQ_ROUTING_ID, &[b'x'; 255]), Ok(()));
    assert_eq!(gets(&o, ZMQ_ROUTING_ID), vec![b'x'; 255]);
    assert_eq!(o.set(ZMQ_ROUTING_ID, b"abc"), Ok(()));
    let (mut b2, mut b3) = ([0u8; 2], [0u8; 3]);
    assert_eq!(o.get(ZMQ_ROUTING_ID, &mut b2), Err(EINVAL));
    assert_eq!(o.get(ZMQ_ROUTING_ID, &mut b3), Ok(3));
    assert_eq!(&b3, b"abc");
    // An int-sized value is just four bytes of routing id.
    assert_eq!(seti(&mut o, ZMQ_ROUTING_ID, -2), Ok(()));
    assert_eq!(o.routing_id, (-2 as c_int).to_ne_bytes());
    // Empty by default, readable into a zero-length buffer.
    assert_eq!(Options::new(ZMQ_DEALER).get(ZMQ_ROUTING_ID, &mut []), Ok(0));
}

#[test]
fn text_options_lengths_and_null() {
    // (option, longest accepted, NULL accepted, non-NULL empty accepted)
    let cases: &[(c_int, usize, bool, bool)] = &[
        (ZMQ_PLAIN_USERNAME, 255, true, false), (ZMQ_PLAIN_PASSWORD, 255, true, false),
        (ZMQ_ZAP_DOMAIN, 255, false, false), (ZMQ_GSSAPI_PRINCIPAL, 255, false, false),
        (ZMQ_GSSAPI_SERVICE_PRINCIPAL, 255, false, false), (ZMQ_BINDTODEVICE, 16, true, false),
        (ZMQ_SOCKS_USERNAME, 255, true, true), (ZMQ_SOCKS_PASSWORD, 255, true, true),
    ];
    for &(id, max, null_ok, empty_ok) in cases {
        let mut o = Options::new(ZMQ_DEALER);
        assert_eq!(o.set_nullable(id, None).is_ok(), null_ok, "option {id} NULL");
        assert_eq!(o.set_nullable(id, Some(b"")).is_ok(), empty_ok, "option {id} empty");
        assert_eq!(o.set(id, &vec![b'x'; max + 1]), Err(EINVAL), "option {id} too long");
        assert_eq!(o.set(id, &vec![b'x'; max]), Ok(()), "option {id} longest");
        let mut want = vec![b'x'; max];
        want.push(0);
        assert_eq!(gets(&o, id), want);
        // Stored as given (embedded NUL included), read back with a NUL.
        assert_eq!(o.set(id, b"ab\0c"), Ok(()));
        assert_eq!(gets(&o, id), b"ab\0c\0");
        let (mut b4, mut b5) = ([0u8; 4], [0u8; 5]);
        assert_eq!(o.get(id, &mut b4), Err(EINVAL));
        assert_eq!(o.get(id, &mut b5), Ok(5));
    }
    // SOCKS_PROXY has no length limit.
    let mut o = Options::new(ZMQ_DEALER);
    assert_eq!(o.set(ZMQ_SOCKS_PROXY, &[b'x'; 1000]), Ok(()));
    assert_eq!(o.set_nullable(ZMQ_SOCKS_PROXY, Some(b"")), Err(EINVAL));
    assert_eq!(o.set(ZMQ_SOCKS_PROXY, b"1.2.3.4:1080"), Ok(()));
    assert_eq!(gets(&o, ZMQ_SOCKS_PROXY), b"1.2.3.4:1080\0");
}

#[test]
fn null_clears_or_keeps() {
    let mut o = Options::new(ZMQ_DEALER);
    for id in [ZMQ_SOCKS_PROXY, ZMQ_BINDTODEVICE, ZMQ_SOCKS_USERNAME] {
        o.set(id, b"eth0").unwrap();
        o.set(id, &[]).unwrap();
        assert_eq!(gets(&o, id), b"\0", "option {id}");
    }
    // PLAIN credentials: NULL resets the mechanism but keeps the text.
    o.set(ZMQ_PLAIN_USERNAME, b"bob").unwrap();
    assert_eq!(o.mechanism(), ZMQ_PLAIN);
    o.set(ZMQ_PLAIN_USERNAME, &[]).unwrap();
    assert_eq!(o.mechanism(), ZMQ_NULL);
    assert_eq!(gets(&o, ZMQ_PLAIN_USERNAME), b"bob\0");
}

/// The exact sequence run against libzmq; each step is (what, mechanism,
/// PLAIN_SERVER, CURVE_SERVER, GSSAPI_SERVER) as it read back.
#[test]
fn mechanism_follows_libzmq() {
    let mut o = Options::new(ZMQ_DEALER);
    let key = [7u8; 32];
    let check = |o: &mut Options, step: &dyn Fn(&mut Options), m, p, c, g| {
        step(o);
        assert_eq!(
            (geti(o, ZMQ_MECHANISM), geti(o, ZMQ_PLAIN_SERVER), geti(o, ZMQ_CURVE_SERVER),
                geti(o, ZMQ_GSSAPI_SERVER)),
            (m, p, c, g)
        );
    };
    let s = |id: c_int, v: c_int| move |o: &mut Options| seti(o, id, v).unwrap();
    let t = |id: c_int, v: &'static [u8]| move |o: &mut Options| o.set(id, v).unwrap();
    check(&mut o, &|_| {}, 0, 0, 0, 0);
    check(&mut o, &t(ZMQ_PLAIN_USERNAME, b"a"), 1, 0, 0, 0);
    check(&mut o, &t(ZMQ_PLAIN_USERNAME, b""), 0, 0, 0, 0);
    check(&mut o, &t(ZMQ_PLAIN_PASSWORD, b"a"), 1, 0, 0, 0);
    check(&mut o, &s(ZMQ_PLAIN_SERVER, 1), 1, 1, 0, 0);
    check(&mut o, &s(ZMQ_PLAIN_SERVER, 0), 0, 0, 0, 0);
    check(&mut o, &s(ZMQ_PLAIN_SERVER, 1), 1, 1, 0, 0);
    check(&mut o, &t(ZMQ_PLAIN_PASSWORD, b"a"), 1, 0, 0, 0);
    check(&mut o, &s(ZMQ_CURVE_SERVER, 1), 2, 0, 1, 0);
    check(&mut o, &s(ZMQ_PLAIN_SERVER, 0), 0, 0, 0, 0);
    check(&mut o, &s(ZMQ_CURVE_SERVER, 1), 2, 0, 1, 0);
    check(&mut o, &s(ZMQ_CURVE_SERVER, 0), 0, 0, 0, 0);
    check(&mut o, &s(ZMQ_CURVE_SERVER, 1), 2, 0, 1, 0);
    check(&mut o, &|o| o.set(ZMQ_CURVE_PUBLICKEY, &key).unwrap(), 2, 0, 1, 0);
    check(&mut o, &|o| o.set(ZMQ_CURVE_SECRETKEY, &key).unwrap(), 2, 0, 1, 0);
    check(&mut o, &|o| o.set(ZMQ_CURVE_SERVERKEY, &key).unwrap(), 2, 0, 0, 0);
    check(&mut o, &s(ZMQ_GSSAPI_SERVER, 1), 3, 0, 0, 1);
    check(&mut o, &s(ZMQ_GSSAPI_SERVER, 0), 3, 0, 0, 0);
    check(&mut o, &t(ZMQ_GSSAPI_PRINCIPAL, b"p"), 3, 0, 0, 0);
    check(&mut o, &s(ZMQ_GSSAPI_PLAINTEXT, 1), 3, 0, 0, 0);
    check(&mut o, &s(ZMQ_PLAIN_SERVER, 1), 1, 1, 0, 0);
    check(&mut o, &s(ZMQ_GSSAPI_SERVER, 1), 3, 0, 0, 1);
    check(&mut o, &t(ZMQ_GSSAPI_SERVICE_PRINCIPAL, b"p"), 3, 0, 0, 0);
    check(&mut o, &s(ZMQ_PLAIN_SERVER, 1), 1, 1, 0, 0);
    check(&mut o, &t(ZMQ_ZAP_DOMAIN, b"d"), 1, 1, 0, 0);
    check(&mut o, &t(ZMQ_PLAIN_PASSWORD, b""), 0, 0, 0, 0);
    check(&mut o, &s(ZMQ_CURVE_SERVER, 1), 2, 0, 1, 0);
    check(&mut o, &t(ZMQ_PLAIN_PASSWORD, b""), 0, 0, 0, 0);
    assert!(!o.plain_server && !o.curve_server && !o.gssapi_server);
}

/// A key pair's public half as libzmq read it back, in both encodings.
const Z85_KEY: &[u8; 40] = b"Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
const BIN_KEY: [u8; 32] = [
    0xbb, 0x88, 0x47, 0x1d, 0x65, 0xe2, 0x65, 0x9b, 0x30, 0xc5, 0x5a, 0x53, 0x21, 0xce, 0xbb,
    0x5a, 0xab, 0x2b, 0x70, 0xa3, 0x98, 0x64, 0x5c, 0x26, 0xdc, 0xa2, 0xb2, 0xfc, 0xb4, 0x3f,
    0xc5, 0x18,
];

#[test]
fn curve_key_encodings() {
    let mut o = Options::new(ZMQ_DEALER);
    // Unset keys read as zeros.
    let mut b32 = [0xAAu8; 32];
    let mut b41 = [0xAAu8; 41];
    assert_eq!(o.get(ZMQ_CURVE_PUBLICKEY, &mut b32), Ok(32));
    assert_eq!(b32, [0; 32]);
    assert_eq!(o.get(ZMQ_CURVE_SERVERKEY, &mut b41), Ok(41));
    assert_eq!(&b41[..40], &[b'0'; 40]);
    assert_eq!(b41[40], 0);
    for n in [0, 31, 33, 40, 42, 64] {
        let mut b = vec![0u8; n];
        assert_eq!(o.get(ZMQ_CURVE_SECRETKEY, &mut b), Err(EINVAL), "buffer {n}");
    }
    // 40 characters of Z85.
    assert_eq!(o.set(ZMQ_CURVE_PUBLICKEY, Z85_KEY), Ok(()));
    assert_eq!(o.get(ZMQ_CURVE_PUBLICKEY, &mut b32), Ok(32));
    assert_eq!(b32, BIN_KEY);
    assert_eq!(o.get(ZMQ_CURVE_PUBLICKEY, &mut b41), Ok(41));
    assert_eq!(&b41[..40], Z85_KEY);
    assert_eq!(b41[40], 0);
    // 41 with a NUL; 32 raw bytes.
    let mut with_nul = Z85_KEY.to_vec();
    with_nul.push(0);
    assert_eq!(o.set(ZMQ_CURVE_SECRETKEY, &with_nul), Ok(()));
    assert_eq!(o.curve_secretkey, Some(BIN_KEY));
    assert_eq!(o.set(ZMQ_CURVE_SERVERKEY, &BIN_KEY), Ok(()));
    assert_eq!(o.curve_serverkey, Some(BIN_KEY));
}

#[test]
fn bad_curve_keys_change_nothing() {
    let mut o = Options::new(ZMQ_DEALER);
    let mut no_nul = Z85_KEY.to_vec();
    no_nul.push(b'X');
    let mut bad = *Z85_KEY;
    bad[3] = b'~';
    let mut space = *Z85_KEY;
    space[5] = b' ';
    let bad_values: [&[u8]; 8] =
        [&no_nul, &bad, &space, &[b'%'; 40], &[1; 33], &[1; 31], &[], &Z85_KEY[..39]];
    for v in bad_values {
        for id in [ZMQ_CURVE_PUBLICKEY, ZMQ_CURVE_SECRETKEY, ZMQ_CURVE_SERVERKEY] {
            assert_eq!(o.set(id, v), Err(EINVAL), "option {id} len {}", v.len());
        }
    }
    assert_eq!(o.mechanism(), ZMQ_NULL);
    assert_eq!(o.curve_serverkey, None);
}

#[test]
fn write_only_and_unknown_options() {
    let mut o = Options::new(ZMQ_DEALER);
    let mut b = [0u8; 256];
    // Write-only here as in libzmq.
    for id in [ZMQ_TCP_ACCEPT_FILTER, ZMQ_IPC_FILTER_PID, ZMQ_IPC_FILTER_UID, ZMQ_IPC_FILTER_GID]
    {
        assert!(Options::is_known(id));
        for n in [4, 8, 256] {
            assert_eq!(o.get(id, &mut b[..n]), Err(EINVAL), "option {id}");
        }
    }
    // Read-only.
    for id in [ZMQ_TYPE, ZMQ_MECHANISM] {
        assert!(Options::is_known(id));
        assert_eq!(seti(&mut o, id, 1), Err(EINVAL));
    }
    // Not generic options: socket-level, socket-type (98 XPUB_MANUAL_LAST_VALUE,
    // 108 ONLY_FIRST_SUBSCRIBE, 115 XSUB_VERBOSE_UNSUBSCRIBE, 116 TOPICS_COUNT),
    // context, VMCI, WSS (103..107) and NORM (117..124) that we do not build.
    let unknown = [0, 1, 2, 3, 6, 7, 10, 13, 14, 15, 20, 26, 29, 30, 32, 33, 40, 41, 51, 52,
        53, 56, 61, 67, 69, 70, 71, 72, 73, 78, 81, 82, 83, 85, 86, 87, 88, 98, 103, 104, 105,
        106, 107, 108, 115, 116, 117, 124, -1, 1000];
    for id in unknown {
        assert!(!Options::is_known(id), "option {id}");
        assert_eq!(seti(&mut o, id, 1), Err(EINVAL), "option {id}");
        assert_eq!(o.get(id, &mut b[..4]), Err(EINVAL), "option {id}");
    }
}

#[test]
fn ipc_filters() {
    let mut o = Options::new(ZMQ_DEALER);
    for v in [-2, 0, 5, 5, c_int::MAX] {
        assert_eq!(seti(&mut o, ZMQ_IPC_FILTER_PID, v), Ok(()));
    }
    assert_eq!(o.ipc_filter_pid, vec![-2, 0, 5, c_int::MAX]);
    assert_eq!(o.set(ZMQ_IPC_FILTER_UID, &5i64.to_ne_bytes()), Err(EINVAL));
    assert_eq!(o.set_nullable(ZMQ_IPC_FILTER_GID, Some(b"")), Err(EINVAL));
    assert_eq!(o.set(ZMQ_IPC_FILTER_PID, &[]), Ok(()));
    assert!(o.ipc_filter_pid.is_empty());
}

#[test]
fn tcp_accept_filter_parsing() {
    // (text, accepted with IPV6 off, accepted with IPV6 on)
    let cases: &[(&str, bool, bool)] = &[
        ("127.0.0.1", true, true), ("127.0.0.1/8", true, true), ("127.0.0.1/32", true, true),
        ("127.0.0.1/33", false, true), ("127.0.0.1/0", true, true), ("127.0.0.1/", false, false),
        ("127.0.0.1/-1", false, false), ("127.0.0.1/ 8", true, true),
        ("127.0.0.1/8x", true, true), ("127.0.0.1/08", true, true), ("::1", false, true),
        ("[::1]", false, true), ("::1/128", false, true), ("::1/129", false, false),
        ("::ffff:1.2.3.4", true, true), ("localhost", false, false), ("*", false, false),
        ("fe80::1%lo", false, true), ("1.2.3", true, true), ("0x7f000001", true, true),
        ("127.1", true, true), ("1.2.3.4 ", false, false), ("01.2.3.4", true, true),
        ("/8", false, false), ("127.0.0.1/+8", true, true), ("127.0.0.1\0", true, true),
        ("\0abc", false, false), ("1.2.3.256", false, false), ("1.2.65536", false, false),
        ("1.2.65535", true, true), ("08.1.1.1", false, false), ("0x", false, false),
        ("0x.1.1.1", false, false), ("1.2.3.4.", false, false), ("[127.0.0.1]", true, true),
        ("::1%", false, false), ("::1%zz", false, false), ("fe80::1%99", false, true),
        ("127.0.0.1/00", false, false), ("127.0.0.1/0 ", false, false),
        ("1.2.3.4/32/8", false, false), ("4294967295", true, true),
        ("4294967296", false, false), ("::ffff:1.2.3.4%lo", true, true),
    ];
    for &(text, v4, v6) in cases {
        for (ipv6, want) in [(false, v4), (true, v6)] {
            let mut o = Options::new(ZMQ_DEALER);
            o.ipv6 = ipv6;
            let got = o.set(ZMQ_TCP_ACCEPT_FILTER, text.as_bytes()).is_ok();
            assert_eq!(got, want, "{text:?} ipv6={ipv6}");
            assert_eq!(o.tcp_accept_filter.len(), usize::from(want));
        }
    }
    let mut o = Options::new(ZMQ_DEALER);
    assert_eq!(o.set(ZMQ_TCP_ACCEPT_FILTER, &[b'1'; 256]), Err(EINVAL));
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"10.0.0.0/8").unwrap();
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"0x7f000001").unwrap();
    assert_eq!(o.tcp_accept_filter[0],
        TcpAcceptFilter { addr: IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), prefix: 8 });
    assert_eq!(o.tcp_accept_filter[1].addr, IpAddr::V4(Ipv4Addr::LOCALHOST));
    o.set(ZMQ_TCP_ACCEPT_FILTER, &[]).unwrap();
    assert!(o.tcp_accept_filter.is_empty());
}

#[test]
fn tcp_accept_filter_matching() {
    let mut o = Options::new(ZMQ_DEALER);
    let v4 = |s: &str| s.parse::<IpAddr>().unwrap();
    assert!(o.tcp_accept_allows(v4("8.8.8.8")));
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"10.1.0.0/17").unwrap();
    assert!(o.tcp_accept_allows(v4("10.1.127.255")));
    assert!(!o.tcp_accept_allows(v4("10.1.128.0")));
    assert!(o.tcp_accept_allows(v4("::ffff:10.1.0.1")));
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"127.0.0.1").unwrap();
    assert!(o.tcp_accept_allows(v4("127.0.0.1")));
    assert!(!o.tcp_accept_allows(v4("127.0.0.2")));
    assert!(!o.tcp_accept_allows(v4("::1")));
    o.set(ZMQ_TCP_ACCEPT_FILTER, &[]).unwrap();
    o.ipv6 = true;
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"::1").unwrap();
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"192.168.1.1").unwrap();
    assert!(o.tcp_accept_allows(v4("::1")));
    assert!(o.tcp_accept_allows(v4("192.168.1.1")));
    assert!(o.tcp_accept_allows(v4("::ffff:192.168.1.1")));
    assert!(!o.tcp_accept_allows(v4("192.168.1.2")));
    o.set(ZMQ_TCP_ACCEPT_FILTER, b"0.0.0.0/0").unwrap();
    assert!(o.tcp_accept_allows(v4("1.1.1.1")));
}

// ---------------------------------------------------------------------------
// Draft options (libzmq 4.3.5 built with ZMQ_BUILD_DRAFT_API).

#[test]
fn draft_int_options() {
    let mut o = Options::new(ZMQ_DEALER);
    assert_eq!(geti(&o, draft::ZMQ_IN_BATCH_SIZE), 8192);
    assert_eq!(geti(&o, draft::ZMQ_OUT_BATCH_SIZE), 8192);
    assert_eq!(o.in_batch_size, None);
    assert_eq!(seti(&mut o, draft::ZMQ_IN_BATCH_SIZE, 0), Err(EINVAL));
    assert_eq!(seti(&mut o, draft::ZMQ_OUT_BATCH_SIZE, -1), Err(EINVAL));
    assert_eq!(o.set(draft::ZMQ_IN_BATCH_SIZE, &[1, 0]), Err(EINVAL));
    assert_eq!(seti(&mut o, draft::ZMQ_IN_BATCH_SIZE, 100), Ok(()));
    assert_eq!(geti(&o, draft::ZMQ_IN_BATCH_SIZE), 100);
    assert_eq!(geti(&o, draft::ZMQ_PRIORITY), 0);
    assert_eq!(seti(&mut o, draft::ZMQ_PRIORITY, -1), Err(EINVAL));
    assert_eq!(seti(&mut o, draft::ZMQ_PRIORITY, 3), Ok(()));
    assert_eq!(geti(&o, draft::ZMQ_PRIORITY), 3);
    // BUSY_POLL: any int, not readable.
    assert_eq!(seti(&mut o, draft::ZMQ_BUSY_POLL, -5), Ok(()));
    assert_eq!(o.get(draft::ZMQ_BUSY_POLL, &mut [0; 4]), Err(EINVAL));
    // ROUTER_NOTIFY: readable everywhere, settable on ROUTER only, 0..=3.
    assert_eq!(geti(&o, draft::ZMQ_ROUTER_NOTIFY), 0);
    assert_eq!(seti(&mut o, draft::ZMQ_ROUTER_NOTIFY, 1), Err(EINVAL));
    let mut r = Options::new(ZMQ_ROUTER);
    assert_eq!(seti(&mut r, draft::ZMQ_ROUTER_NOTIFY, 4), Err(EINVAL));
    assert_eq!(seti(&mut r, draft::ZMQ_ROUTER_NOTIFY, 3), Ok(()));
    assert_eq!(geti(&r, draft::ZMQ_ROUTER_NOTIFY), 3);
}

#[test]
fn draft_messages_are_write_only_and_per_type() {
    let mut o = Options::new(ZMQ_DEALER);
    for id in [draft::ZMQ_HELLO_MSG, draft::ZMQ_DISCONNECT_MSG, draft::ZMQ_HICCUP_MSG] {
        assert_eq!(o.set(id, b"hi"), Ok(()));
        assert_eq!(o.get(id, &mut [0; 16]), Err(EINVAL));
    }
    assert_eq!(o.hello(), Some(&b"hi"[..]));
    assert_eq!(o.hiccup(), Some(&b"hi"[..]));
    assert_eq!(o.disconnect(), None, "DEALER does not receive DISCONNECT_MSG");
    assert_eq!(o.set_nullable(draft::ZMQ_HELLO_MSG, None), Ok(()));
    assert_eq!(o.hello(), None);
    let mut p = Options::new(ZMQ_PUB);
    assert_eq!(p.set(draft::ZMQ_HELLO_MSG, b"x"), Ok(()));
    assert_eq!(p.hello(), None, "PUB sends no HELLO_MSG");
    let mut r = Options::new(ZMQ_ROUTER);
    r.set(draft::ZMQ_DISCONNECT_MSG, b"bye").unwrap();
    r.set(draft::ZMQ_HICCUP_MSG, b"h").unwrap();
    assert_eq!(r.disconnect(), Some(&b"bye"[..]));
    assert_eq!(r.hiccup(), None);
}

#[test]
fn metadata_is_validated_as_libzmq() {
    let mut o = Options::new(ZMQ_DEALER);
    for bad in [&b"X-a"[..], b"X-ab", b":X-a", b"X-a:", b"Y-a:b", b"x-a:b", b"no colon here"] {
        assert_eq!(o.set(draft::ZMQ_METADATA, bad), Err(EINVAL), "{:?}", String::from_utf8_lossy(bad));
    }
    let long = [&b"X-"[..], &[b'n'; 254][..], b":v"].concat();
    assert_eq!(o.set(draft::ZMQ_METADATA, &long), Err(EINVAL));
    assert_eq!(o.set(draft::ZMQ_METADATA, &long[1..]), Err(EINVAL), "no X- prefix");
    let ok = [&b"X-"[..], &[b'n'; 253][..], b":v"].concat();
    assert_eq!(o.set(draft::ZMQ_METADATA, &ok), Ok(()));
    assert_eq!(o.set(draft::ZMQ_METADATA, b"X-b:1:2"), Ok(()));
    assert_eq!(o.set(draft::ZMQ_METADATA, b"X-a:first"), Ok(()));
    assert_eq!(o.set(draft::ZMQ_METADATA, b"X-a:second"), Ok(()));
    let names: Vec<&str> = o.app_metadata.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["X-a", "X-b", &*String::from_utf8(ok[..255].to_vec()).unwrap()]);
    assert_eq!(&o.app_metadata[0].1[..], b"first");
    assert_eq!(&o.app_metadata[1].1[..], b"1:2");
    assert_eq!(o.get(draft::ZMQ_METADATA, &mut [0; 64]), Err(EINVAL));
}
