//! Prefix subscription tries for the pub/sub family.
//!
//! Owns: [`Trie`] (SUB/XSUB: which topics this socket subscribed to, with a
//! reference count per topic) and [`MTrie`] (PUB/XPUB: which pipes
//! subscribed to which topics). Must not: touch pipes or messages; callers
//! pass pipe keys and byte strings.
//!
//! Both are the same path-compressed radix tree over a slab arena. Every
//! walk is iterative, so topics of any length and any number of nested
//! subscriptions (all of which a peer controls) cannot exhaust the stack;
//! a long topic costs one node, not one node per byte.

use super::PipeKey;
use slab::Slab;

/// A value stored at a trie node; the node is pruned once it is empty.
pub trait Slot: Default {
    fn is_empty(&self) -> bool;
}

impl Slot for u32 {
    fn is_empty(&self) -> bool {
        *self == 0
    }
}

/// A sorted set of pipes (small, and iterated far more than modified).
impl Slot for Vec<PipeKey> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

struct Node<V> {
    /// Edge label from the parent to this node (empty only for the root).
    label: Vec<u8>,
    /// Children, sorted by the first byte of their label (distinct).
    children: Vec<usize>,
    parent: usize,
    value: V,
}

const ROOT: usize = 0;

/// A path-compressed prefix tree mapping byte strings to values.
struct Radix<V: Slot> {
    nodes: Slab<Node<V>>,
}

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl<V: Slot> Radix<V> {
    fn new() -> Self {
        let mut nodes = Slab::new();
        let root = nodes.insert(Node { label: Vec::new(), children: Vec::new(), parent: ROOT, value: V::default() });
        debug_assert_eq!(root, ROOT);
        Radix { nodes }
    }

    /// Index in `children` of `n`'s child whose label starts with `b`.
    fn child_pos(&self, n: usize, b: u8) -> Result<usize, usize> {
        self.nodes[n].children.binary_search_by_key(&b, |&c| self.nodes[c].label[0])
    }

    /// The node whose key is exactly `key`, if any.
    fn find(&self, key: &[u8]) -> Option<usize> {
        let mut n = ROOT;
        let mut k = key;
        while let Some(&b) = k.first() {
            let pos = self.child_pos(n, b).ok()?;
            let c = self.nodes[n].children[pos];
            let label = &self.nodes[c].label;
            if !k.starts_with(label) {
                return None;
            }
            k = &k[label.len()..];
            n = c;
        }
        Some(n)
    }

    /// The node for `key`, created (splitting edges) when missing.
    fn find_or_insert(&mut self, key: &[u8]) -> usize {
        let mut n = ROOT;
        let mut k = key;
        while let Some(&b) = k.first() {
            let c = match self.child_pos(n, b) {
                Err(pos) => {
                    let new = self.nodes.insert(Node { label: k.to_vec(), children: Vec::new(), parent: n, value: V::default() });
                    self.nodes[n].children.insert(pos, new);
                    return new;
                }
                Ok(pos) => (pos, self.nodes[n].children[pos]),
            };
            let (pos, c) = c;
            let l = common_prefix(&self.nodes[c].label, k);
            if l == self.nodes[c].label.len() {
                k = &k[l..];
                n = c;
                continue;
            }
            // Split c's edge at l: n -> mid -> c.
            let tail = self.nodes[c].label.split_off(l);
            let head = std::mem::replace(&mut self.nodes[c].label, tail);
            let mid = self.nodes.insert(Node { label: head, children: vec![c], parent: n, value: V::default() });
            self.nodes[c].parent = mid;
            self.nodes[n].children[pos] = mid;
            k = &k[l..];
            if k.is_empty() {
                return mid;
            }
            let new = self.nodes.insert(Node { label: k.to_vec(), children: Vec::new(), parent: mid, value: V::default() });
            let p = self.child_pos(mid, k[0]).unwrap_or_else(|p| p);
            self.nodes[mid].children.insert(p, new);
            return new;
        }
        n
    }

    /// Removes empty nodes from `n` upwards and merges single-child chains.
    fn prune(&mut self, mut n: usize) {
        loop {
            if n == ROOT || !self.nodes[n].value.is_empty() {
                return;
            }
            match self.nodes[n].children.len() {
                0 => {
                    let parent = self.nodes[n].parent;
                    self.nodes.remove(n);
                    self.nodes[parent].children.retain(|&c| c != n);
                    n = parent;
                }
                1 => {
                    // Fold the only child into n (n keeps its place in its parent).
                    let c = self.nodes[n].children[0];
                    let child = self.nodes.remove(c);
                    for &gc in &child.children {
                        self.nodes[gc].parent = n;
                    }
                    let node = &mut self.nodes[n];
                    node.label.extend_from_slice(&child.label);
                    node.children = child.children;
                    node.value = child.value;
                    return;
                }
                _ => return,
            }
        }
    }

    /// Calls `f` with the value of every non-empty node whose key is a prefix of `data`.
    fn for_prefixes(&self, data: &[u8], mut f: impl FnMut(&V)) {
        let mut n = ROOT;
        let mut k = data;
        loop {
            let v = &self.nodes[n].value;
            if !v.is_empty() {
                f(v);
            }
            let Some(&b) = k.first() else { return };
            let Ok(pos) = self.child_pos(n, b) else { return };
            let c = self.nodes[n].children[pos];
            let label = &self.nodes[c].label;
            if !k.starts_with(label) {
                return;
            }
            k = &k[label.len()..];
            n = c;
        }
    }

    /// Visits every non-empty node in key order with its full key.
    fn for_each(&self, mut f: impl FnMut(&[u8], &V)) {
        let mut key = Vec::new();
        // (node, length of the key before this node's label)
        let mut stack = vec![(ROOT, 0usize)];
        while let Some((n, len)) = stack.pop() {
            let node = &self.nodes[n];
            key.truncate(len);
            key.extend_from_slice(&node.label);
            if !node.value.is_empty() {
                f(&key, &node.value);
            }
            let here = key.len();
            for &c in node.children.iter().rev() {
                stack.push((c, here));
            }
        }
    }
}

/// SUB/XSUB subscriptions: topics with reference counts.
pub struct Trie {
    t: Radix<u32>,
    count: usize,
}

impl Default for Trie {
    fn default() -> Self {
        Trie::new()
    }
}

impl Trie {
    pub fn new() -> Trie {
        Trie { t: Radix::new(), count: 0 }
    }

    /// Adds one reference to `topic`; true when the topic is new.
    pub fn add(&mut self, topic: &[u8]) -> bool {
        let n = self.t.find_or_insert(topic);
        let v = &mut self.t.nodes[n].value;
        *v = v.saturating_add(1);
        if *v == 1 {
            self.count += 1;
            true
        } else {
            false
        }
    }

    /// Drops one reference to `topic`; true when that was the last one.
    /// Unknown topics are ignored (false).
    pub fn rm(&mut self, topic: &[u8]) -> bool {
        let Some(n) = self.t.find(topic) else { return false };
        let v = &mut self.t.nodes[n].value;
        if *v == 0 {
            return false;
        }
        *v -= 1;
        if *v > 0 {
            return false;
        }
        self.count -= 1;
        self.t.prune(n);
        true
    }

    /// True when some subscribed topic is a prefix of `data`.
    pub fn check(&self, data: &[u8]) -> bool {
        let mut hit = false;
        self.t.for_prefixes(data, |_| hit = true);
        hit
    }

    /// Calls `f` once per distinct subscribed topic, in key order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        self.t.for_each(|k, _| f(k));
    }

    /// Number of distinct topics.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// What [`MTrie::rm`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RmResult {
    /// The pipe did not hold this topic.
    NotFound,
    /// The pipe was the last one holding it.
    LastValueRemoved,
    /// Other pipes still hold it.
    ValuesRemain,
}

/// PUB/XPUB subscriptions: topic -> set of pipes (no counts: a pipe holds a
/// topic or not).
pub struct MTrie {
    t: Radix<Vec<PipeKey>>,
    /// Topics some pipe holds (`ZMQ_TOPICS_COUNT`).
    count: usize,
}

impl Default for MTrie {
    fn default() -> Self {
        MTrie::new()
    }
}

impl MTrie {
    pub fn new() -> MTrie {
        MTrie { t: Radix::new(), count: 0 }
    }

    /// Adds `pipe` to `topic`; true when no pipe held the topic before.
    pub fn add(&mut self, topic: &[u8], pipe: PipeKey) -> bool {
        let n = self.t.find_or_insert(topic);
        let set = &mut self.t.nodes[n].value;
        let was_empty = set.is_empty();
        if let Err(pos) = set.binary_search(&pipe) {
            set.insert(pos, pipe);
        }
        if was_empty {
            self.count += 1;
        }
        was_empty
    }

    /// Removes `pipe` from `topic`.
    pub fn rm(&mut self, topic: &[u8], pipe: PipeKey) -> RmResult {
        let Some(n) = self.t.find(topic) else { return RmResult::NotFound };
        let set = &mut self.t.nodes[n].value;
        let Ok(pos) = set.binary_search(&pipe) else { return RmResult::NotFound };
        set.remove(pos);
        if set.is_empty() {
            self.count -= 1;
            self.t.prune(n);
            RmResult::LastValueRemoved
        } else {
            RmResult::ValuesRemain
        }
    }

    /// Removes `pipe` from every topic; `f(topic, was_last)` is called for
    /// each topic it held, in key order (`was_last`: no other pipe holds it).
    pub fn rm_pipe(&mut self, pipe: PipeKey, mut f: impl FnMut(&[u8], bool)) {
        let mut topics = Vec::new();
        self.t.for_each(|k, set| {
            if set.binary_search(&pipe).is_ok() {
                topics.push(k.to_vec());
            }
        });
        for t in topics {
            let r = self.rm(&t, pipe);
            f(&t, r == RmResult::LastValueRemoved);
        }
    }

    /// Appends to `out` every pipe subscribed to a prefix of `data`, sorted
    /// and without duplicates.
    pub fn match_into(&self, data: &[u8], out: &mut Vec<PipeKey>) {
        out.clear();
        self.t.for_prefixes(data, |set| out.extend_from_slice(set));
        out.sort_unstable();
        out.dedup();
    }

    pub fn is_empty(&self) -> bool {
        self.t.nodes.len() == 1 && self.t.nodes[ROOT].value.is_empty()
    }

    /// Number of distinct topics some pipe holds.
    pub fn len(&self) -> usize {
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics(t: &Trie) -> Vec<Vec<u8>> {
        let mut v = Vec::new();
        t.for_each(|k| v.push(k.to_vec()));
        v
    }

    #[test]
    fn mtrie_counts_topics_some_pipe_holds() {
        let mut t = MTrie::new();
        assert_eq!(t.len(), 0);
        assert!(t.add(b"a", 1));
        assert!(!t.add(b"a", 2));
        assert!(!t.add(b"a", 2));
        assert!(t.add(b"", 1));
        assert_eq!(t.len(), 2);
        assert_eq!(t.rm(b"a", 1), RmResult::ValuesRemain);
        assert_eq!(t.rm(b"zz", 1), RmResult::NotFound);
        assert_eq!(t.len(), 2);
        t.rm_pipe(2, |_, _| {});
        assert_eq!(t.len(), 1);
        assert_eq!(t.rm(b"", 1), RmResult::LastValueRemoved);
        assert_eq!(t.len(), 0);
        assert!(t.is_empty());
    }

    #[test]
    fn trie_refcounts_and_prefix_match() {
        let mut t = Trie::new();
        assert!(!t.check(b"abc"));
        assert!(t.add(b"ab"));
        assert!(!t.add(b"ab"));
        assert!(t.add(b"abcd"));
        assert!(t.add(b"b"));
        assert!(t.check(b"abc"));
        assert!(t.check(b"ab"));
        assert!(!t.check(b"a"));
        assert!(t.check(b"bzz"));
        assert!(!t.rm(b"ab"));
        assert!(t.check(b"abc"));
        assert!(t.rm(b"ab"));
        assert!(!t.check(b"abc"));
        assert!(t.check(b"abcde"));
        assert!(!t.rm(b"zz"));
        assert!(!t.rm(b"abc"));
        assert_eq!(topics(&t), vec![b"abcd".to_vec(), b"b".to_vec()]);
        assert!(t.rm(b"abcd"));
        assert!(t.rm(b"b"));
        assert!(t.is_empty());
        assert_eq!(t.t.nodes.len(), 1, "all nodes pruned");
    }

    #[test]
    fn trie_empty_topic_matches_everything() {
        let mut t = Trie::new();
        assert!(t.add(b""));
        assert!(t.check(b""));
        assert!(t.check(b"anything"));
        assert_eq!(topics(&t), vec![Vec::<u8>::new()]);
        assert!(t.rm(b""));
        assert!(!t.check(b"anything"));
    }

    #[test]
    fn trie_splits_and_merges_edges() {
        let mut t = Trie::new();
        t.add(b"hello world");
        t.add(b"hello there");
        t.add(b"help");
        assert_eq!(topics(&t), vec![b"hello there".to_vec(), b"hello world".to_vec(), b"help".to_vec()]);
        assert!(!t.check(b"hello"));
        assert!(t.check(b"hello there!"));
        t.rm(b"hello there");
        t.rm(b"help");
        assert_eq!(t.t.nodes.len(), 2, "chain folded back into one edge");
        assert!(t.check(b"hello world"));
        assert!(!t.check(b"hello worl"));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let mut t = Trie::new();
        let mut topic = Vec::new();
        for _ in 0..2_000 {
            topic.push(b'a');
            t.add(&topic);
        }
        assert!(t.check(b"aaa"));
        let mut n = 0;
        t.for_each(|_| n += 1);
        assert_eq!(n, 2_000);
        while topic.len() > 1 {
            assert!(t.rm(&topic));
            topic.pop();
        }
        assert!(t.rm(b"a"));
        assert!(t.is_empty());
        assert_eq!(t.t.nodes.len(), 1);
    }

    #[test]
    fn mtrie_sets_and_results() {
        let mut m = MTrie::new();
        assert!(m.add(b"a", 1));
        assert!(!m.add(b"a", 1));
        assert!(!m.add(b"a", 2));
        assert!(m.add(b"ab", 2));
        assert!(m.add(b"", 3));
        let mut out = Vec::new();
        m.match_into(b"abc", &mut out);
        assert_eq!(out, vec![1, 2, 3]);
        m.match_into(b"b", &mut out);
        assert_eq!(out, vec![3]);
        assert_eq!(m.rm(b"a", 7), RmResult::NotFound);
        assert_eq!(m.rm(b"zz", 1), RmResult::NotFound);
        assert_eq!(m.rm(b"a", 1), RmResult::ValuesRemain);
        let mut gone = Vec::new();
        m.rm_pipe(2, |t, last| gone.push((t.to_vec(), last)));
        assert_eq!(gone, vec![(b"a".to_vec(), true), (b"ab".to_vec(), true)]);
        m.match_into(b"abc", &mut out);
        assert_eq!(out, vec![3]);
        assert_eq!(m.rm(b"", 3), RmResult::LastValueRemoved);
        assert!(m.is_empty());
    }
}
