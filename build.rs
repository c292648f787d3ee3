// build.rs: sets libzmq's SONAME and generates include/zmq.h with cbindgen.
//
// Owns: the assembly of the C header (see cbindgen.toml for its layout).
// Must not: hold API knowledge that belongs in the Rust sources; the only
// lists kept here are libzmq 4.3.5's DRAFT function names (so that such
// functions, if someone implements them, are declared only under
// ZMQ_BUILD_DRAFT_API) and the DRAFT raw C cbindgen cannot emit (string
// macros; the poller's event type and ZMQ_HAVE_POLLER, emitted only when
// the crate exports the poller).
//
// The header is always written to $OUT_DIR/zmq.h. It is also written to
// include/zmq.h when its content changed, except under CI (env CI set) or
// with ZMQ_OXIDE_NO_HEADER_WRITE set: there the committed file is left alone
// and tests/header_drift.rs fails if it is stale.
//
// tests/header_drift.rs include!s this file to regenerate the header, so it
// uses plain `//` comments and keeps `main` free of logic the test needs.

use std::fs;
use std::path::{Path, PathBuf};

/// libzmq 4.3.5's DRAFT functions: declared inside the draft section if the
/// crate exports them, never in the stable part of the header.
const DRAFT_FUNCTIONS: &[&str] = &[
    "zmq_ctx_set_ext",
    "zmq_ctx_get_ext",
    "zmq_join",
    "zmq_leave",
    "zmq_connect_peer",
    "zmq_msg_set_routing_id",
    "zmq_msg_routing_id",
    "zmq_msg_set_group",
    "zmq_msg_group",
    "zmq_msg_init_buffer",
    "zmq_poller_new",
    "zmq_poller_destroy",
    "zmq_poller_size",
    "zmq_poller_add",
    "zmq_poller_modify",
    "zmq_poller_remove",
    "zmq_poller_wait",
    "zmq_poller_wait_all",
    "zmq_poller_fd",
    "zmq_poller_add_fd",
    "zmq_poller_modify_fd",
    "zmq_poller_remove_fd",
    "zmq_socket_get_peer_state",
    "zmq_socket_monitor_versioned",
    "zmq_socket_monitor_pipes_stats",
    "zmq_ppoll",
];

/// String macros of the draft section (the Rust side has them as `&str` in
/// `constants::draft`; the drift test checks that both agree).
const DRAFT_RAW: &str = r#"/* DRAFT names of message properties (zmq_msg_gets). */
#define ZMQ_MSG_PROPERTY_ROUTING_ID "Routing-Id"
#define ZMQ_MSG_PROPERTY_SOCKET_TYPE "Socket-Type"
#define ZMQ_MSG_PROPERTY_USER_ID "User-Id"
#define ZMQ_MSG_PROPERTY_PEER_ADDRESS "Peer-Address"
"#;

/// The poller's raw C (draft section), emitted when `zmq_poller_new` is
/// exported: libzmq's `zmq_poller_event_t` (POSIX layout; the Rust struct is
/// `capi::poller::zmq_poller_event_t`, checked by tests/header_drift.rs).
const DRAFT_POLLER_RAW: &str = r#"/* DRAFT poller: zmq_poller_*. */
#define ZMQ_HAVE_POLLER

typedef struct zmq_poller_event_t
{
    void *socket;
    zmq_fd_t fd;
    void *user_data;
    short events;
} zmq_poller_event_t;
"#;

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libzmq.so.5");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-env-changed=ZMQ_OXIDE_NO_HEADER_WRITE");

    let crate_dir = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let header = match generate_header(&crate_dir) {
        Ok(h) => h,
        Err(e) => panic!("generating include/zmq.h with cbindgen failed: {e}"),
    };
    for problem in header_problems(&header) {
        println!("cargo:warning=include/zmq.h: {problem}");
    }

    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out_dir.join("zmq.h"), &header).expect("writing $OUT_DIR/zmq.h");

    let frozen = std::env::var_os("CI").is_some_and(|v| !v.is_empty())
        || std::env::var_os("ZMQ_OXIDE_NO_HEADER_WRITE").is_some();
    let target = crate_dir.join("include").join("zmq.h");
    if !frozen && fs::read_to_string(&target).ok().as_deref() != Some(header.as_str()) {
        fs::create_dir_all(crate_dir.join("include")).expect("creating include/");
        fs::write(&target, &header).expect("writing include/zmq.h");
    }
}

/// Builds the complete text of `zmq.h` from the sources under `crate_dir`.
pub fn generate_header(crate_dir: &Path) -> Result<String, String> {
    let base = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))?;
    let constants_rs = crate_dir.join("src").join("constants.rs");
    let lib_rs = crate_dir.join("src").join("lib.rs");
    let text = fs::read_to_string(&constants_rs)
        .map_err(|e| format!("reading {}: {e}", constants_rs.display()))?;
    let (stable_names, draft_names) = constant_names(&text);

    // The #defines: one run per section, each excluding the other's names.
    let stable_consts = run_bare(&base, &constants_rs, cbindgen::ItemType::Constants, &draft_names)?;
    let draft_consts = run_bare(&base, &constants_rs, cbindgen::ItemType::Constants, &stable_names)?;

    // DRAFT functions the crate exports, if any.
    let all_fns = run_bare(&base, &lib_rs, cbindgen::ItemType::Functions, &[])?;
    let draft_fns: Vec<String> = split_items(&all_fns)
        .into_iter()
        .filter(|item| {
            function_name(item).is_some_and(|name| DRAFT_FUNCTIONS.contains(&name.as_str()))
        })
        .collect();

    let mut cfg = base.clone();
    cfg.export
        .exclude
        .extend(DRAFT_FUNCTIONS.iter().map(|s| s.to_string()));
    cfg.after_includes = Some(format!(
        "{}{}\n",
        base.after_includes.clone().unwrap_or_default(),
        stable_consts.trim_end()
    ));
    let mut draft = String::from(
        "\n/* libzmq's DRAFT API: unstable, only with ZMQ_BUILD_DRAFT_API defined.\n   \
         The values are libzmq 4.3.5's; a value defined here does not mean this\n   \
         library implements the feature, and only the DRAFT functions it\n   \
         exports are declared. */\n#ifdef ZMQ_BUILD_DRAFT_API\n\n",
    );
    draft.push_str(draft_consts.trim());
    draft.push_str("\n\n");
    draft.push_str(DRAFT_RAW);
    if draft_fns.iter().any(|f| function_name(f).as_deref() == Some("zmq_poller_new")) {
        draft.push('\n');
        draft.push_str(DRAFT_POLLER_RAW);
    }
    for f in &draft_fns {
        draft.push('\n');
        draft.push_str(f.trim());
        draft.push('\n');
    }
    draft.push_str("\n#endif /* ZMQ_BUILD_DRAFT_API */\n");
    cfg.trailer = Some(format!("{draft}{}", base.trailer.clone().unwrap_or_default()));

    let bindings = cbindgen::Builder::new()
        .with_config(cfg)
        .with_src(&lib_rs)
        .generate()
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Runs cbindgen with no header, guard or raw text, for one item type.
fn run_bare(
    base: &cbindgen::Config,
    src: &Path,
    item: cbindgen::ItemType,
    exclude: &[String],
) -> Result<String, String> {
    let mut cfg = base.clone();
    cfg.header = None;
    cfg.trailer = None;
    cfg.after_includes = None;
    cfg.include_guard = None;
    cfg.autogen_warning = None;
    cfg.no_includes = true;
    cfg.export.item_types = vec![item];
    cfg.export.exclude.extend(exclude.iter().cloned());
    let bindings = cbindgen::Builder::new()
        .with_config(cfg)
        .with_src(src)
        .generate()
        .map_err(|e| format!("{}: {e}", src.display()))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// Names of the `pub const`s of constants.rs: (top level, `mod draft`).
fn constant_names(text: &str) -> (Vec<String>, Vec<String>) {
    let mut stable = Vec::new();
    let mut draft = Vec::new();
    let mut in_draft = false;
    for line in text.lines() {
        let l = line.trim_start();
        if l.starts_with("pub mod draft") {
            in_draft = true;
        }
        if let Some(rest) = l.strip_prefix("pub const ") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if in_draft {
                draft.push(name);
            } else {
                stable.push(name);
            }
        }
    }
    (stable, draft)
}

/// Splits cbindgen output into items (it separates them by blank lines).
fn split_items(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The declared name of a function item (doc comment skipped).
fn function_name(item: &str) -> Option<String> {
    let code = match item.rfind("*/") {
        Some(i) if item.trim_start().starts_with("/*") => &item[i + 2..],
        _ => item,
    };
    let before_paren = &code[..code.find('(')?];
    let name: String = before_paren
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Things cbindgen emitted that a C program could not use as libzmq's
/// header: Rust generics, internal types, non-`zmq_` functions.
pub fn header_problems(header: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut in_comment = false;
    for (i, line) in header.lines().enumerate() {
        let n = i + 1;
        let t = line.trim_start();
        let comment_line = in_comment || t.starts_with("/*") || t.starts_with("//");
        if t.starts_with("/*") && !t.contains("*/") {
            in_comment = true;
        } else if in_comment && t.contains("*/") {
            in_comment = false;
        }
        if comment_line {
            continue;
        }
        if line.contains("Option<") || line.contains("Box<") || line.contains("::") {
            problems.push(format!("line {n}: Rust type leaked into C: {}", line.trim()));
        }
        if line.starts_with("ZMQ_EXPORT") {
            if let Some(name) = function_name(line) {
                if !name.starts_with("zmq_") {
                    problems.push(format!("line {n}: exported function {name} lacks the zmq_ prefix"));
                }
            }
        }
    }
    // Raw C in cbindgen.toml defines these; cbindgen must not add others.
    let allowed_typedefs = [
        "zmq_msg_t",
        "zmq_free_fn",
        "zmq_fd_t",
        "zmq_pollitem_t",
        "zmq_timer_fn",
        "zmq_thread_fn",
        "zmq_poller_event_t",
    ];
    for line in header.lines().filter(|l| l.starts_with("typedef ")) {
        if !allowed_typedefs.iter().any(|t| line.contains(t)) {
            problems.push(format!("internal type leaked into the header: {line}"));
        }
    }
    problems
}
