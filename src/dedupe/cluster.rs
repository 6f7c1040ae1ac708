//! Clustering: union-find over matched pairs, with an anti-chaining check.
//!
//! Plain transitive closure lets a chain of plausible links (A≈B, B≈C) join records that are
//! clearly different (A≠C). Every component of three or more records is therefore rebuilt
//! strongest link first, and two groups are joined only if no member of one "cannot link" to a
//! member of the other. Cluster ids are deterministic: the rank of the cluster's smallest
//! member index.

use rayon::prelude::*;
use serde::Serialize;

use crate::finding::Issue;

/// A component that the anti-chaining check split (or could not fully verify).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SplitCluster {
    /// All records of the component before the split, ascending.
    pub records: Vec<u32>,
    /// Clusters it became.
    pub parts: u32,
    /// Some record pairs that could not be linked (at most 10).
    pub conflicts: Vec<(u32, u32)>,
    /// False when the check budget ran out and later merges were not verified.
    pub verified: bool,
}

impl SplitCluster {
    /// The `DU004` issue of this component.
    pub fn issue(&self) -> Issue {
        Issue::new(
            "DU004",
            format!(
                "a chain of matches linked {} records that include clearly different people; \
                 split into {} clusters{}",
                self.records.len(),
                self.parts,
                if self.verified { "" } else { " (check budget exhausted: review by hand)" }
            ),
        )
    }
}

/// Union-find whose root is always the smallest index of the set (deterministic labels).
pub(crate) struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    pub(crate) fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n as u32).collect() }
    }

    pub(crate) fn find(&mut self, mut x: u32) -> u32 {
        while let Some(&p) = self.parent.get(x as usize) {
            if p == x {
                break;
            }
            let gp = self.parent.get(p as usize).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x as usize) {
                *slot = gp; // path halving
            }
            x = gp;
        }
        x
    }

    pub(crate) fn union(&mut self, a: u32, b: u32) -> u32 {
        let (ra, rb) = (self.find(a), self.find(b));
        let (lo, hi) = if ra <= rb { (ra, rb) } else { (rb, ra) };
        if let Some(slot) = self.parent.get_mut(hi as usize) {
            *slot = lo;
        }
        lo
    }
}

pub(crate) struct Clustered {
    pub(crate) cluster_of: Vec<u32>,
    pub(crate) clusters: usize,
    pub(crate) split: Vec<SplitCluster>,
}

/// Clusters `n` records from matched `edges` `(a, b, weight)`. `cannot_link(x, y)` says that
/// two records must not end in one cluster; at most `max_checks` calls are made per component.
pub(crate) fn cluster(
    n: usize,
    edges: &[(u32, u32, f64)],
    cannot_link: &(dyn Fn(u32, u32) -> bool + Sync),
    max_checks: usize,
) -> Clustered {
    let mut uf = UnionFind::new(n);
    for &(a, b, _) in edges {
        uf.union(a, b);
    }
    let mut root: Vec<u32> = (0..n as u32).map(|i| uf.find(i)).collect();

    // Components with ≥ 3 records, with their edges strongest first.
    let mut size = vec![0u32; n];
    for &r in &root {
        if let Some(s) = size.get_mut(r as usize) {
            *s += 1;
        }
    }
    let mut big_edges: Vec<(u32, f64, u32, u32)> = edges
        .iter()
        .filter(|&&(a, _, _)| size.get(root[a as usize] as usize).is_some_and(|&s| s >= 3))
        .map(|&(a, b, w)| (root[a as usize], w, a, b))
        .collect();
    big_edges.sort_by(|x, y| {
        x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)).then(x.3.cmp(&y.3))
    });
    let mut groups: Vec<(u32, Vec<(u32, u32)>)> = Vec::new();
    for &(r, _, a, b) in &big_edges {
        match groups.last_mut() {
            Some((gr, list)) if *gr == r => list.push((a, b)),
            _ => groups.push((r, vec![(a, b)])),
        }
    }
    let mut members_of: Vec<Vec<u32>> = vec![Vec::new(); groups.len()];
    for (i, &r) in root.iter().enumerate() {
        if let Ok(g) = groups.binary_search_by(|(gr, _)| gr.cmp(&r)) {
            members_of[g].push(i as u32);
        }
    }

    let rebuilt: Vec<Rebuilt> = groups
        .par_iter()
        .zip(members_of.par_iter())
        .map(|((_, list), members)| rebuild(members, list, cannot_link, max_checks))
        .collect();
    let mut split = Vec::new();
    for (labels, flag) in rebuilt {
        for (i, label) in labels {
            if let Some(r) = root.get_mut(i as usize) {
                *r = label;
            }
        }
        split.extend(flag);
    }

    // Dense ids in order of the smallest member (labels are the smallest member index).
    let mut id_of_label = vec![u32::MAX; n];
    let mut next = 0u32;
    let mut cluster_of = Vec::with_capacity(n);
    for &label in &root {
        let slot = &mut id_of_label[label as usize];
        if *slot == u32::MAX {
            *slot = next;
            next += 1;
        }
        cluster_of.push(*slot);
    }
    Clustered { cluster_of, clusters: next as usize, split }
}

/// New `(record, label)` pairs of one component, and its report if it was split.
type Rebuilt = (Vec<(u32, u32)>, Option<SplitCluster>);

/// Re-merges one component strongest edge first under the cannot-link constraint. Returns the
/// new label (smallest member of its part) of each member, and a report if it was split.
fn rebuild(
    members: &[u32],
    edges: &[(u32, u32)],
    cannot_link: &(dyn Fn(u32, u32) -> bool + Sync),
    max_checks: usize,
) -> Rebuilt {
    let pos = |x: u32| members.binary_search(&x).ok();
    let mut local = UnionFind::new(members.len());
    let mut sets: Vec<Vec<u32>> = members.iter().map(|&m| vec![m]).collect();
    let mut checks = 0usize;
    let mut verified = true;
    let mut conflicts = Vec::new();
    for &(a, b) in edges {
        let (Some(pa), Some(pb)) = (pos(a), pos(b)) else { continue };
        let (ra, rb) = (local.find(pa as u32), local.find(pb as u32));
        if ra == rb {
            continue;
        }
        let (sa, sb) = (&sets[ra as usize], &sets[rb as usize]);
        let mut conflict = None;
        if verified {
            'outer: for &x in sa {
                for &y in sb {
                    if checks >= max_checks {
                        verified = false;
                        break 'outer;
                    }
                    checks += 1;
                    // The edge itself is a match: only other pairs need checking.
                    if (x, y) != (a, b) && (y, x) != (a, b) && cannot_link(x.min(y), x.max(y)) {
                        conflict = Some((x.min(y), x.max(y)));
                        break 'outer;
                    }
                }
            }
        }
        if let Some(c) = conflict {
            if conflicts.len() < 10 && !conflicts.contains(&c) {
                conflicts.push(c);
            }
            continue;
        }
        let keep = local.union(ra, rb);
        let gone = if keep == ra { rb } else { ra };
        let moved = std::mem::take(&mut sets[gone as usize]);
        sets[keep as usize].extend(moved);
    }
    let labels: Vec<(u32, u32)> = members
        .iter()
        .enumerate()
        .map(|(k, &m)| (m, members[local.find(k as u32) as usize]))
        .collect();
    let parts = sets.iter().filter(|s| !s.is_empty()).count() as u32;
    let flag = (parts > 1 || !verified).then(|| SplitCluster {
        records: members.to_vec(),
        parts,
        conflicts,
        verified,
    });
    (labels, flag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_smallest_member() {
        let c = cluster(6, &[(4, 5, 10.0), (1, 3, 10.0)], &|_, _| false, 100);
        assert_eq!(c.cluster_of, vec![0, 1, 2, 1, 3, 3]);
        assert_eq!(c.clusters, 4);
        assert!(c.split.is_empty());
    }

    #[test]
    fn chain_is_split_at_weakest_link() {
        // 0≈1 (strong), 1≈2 (weak), but 0 and 2 cannot link: 2 stays apart.
        let c = cluster(3, &[(0, 1, 30.0), (1, 2, 5.0)], &|x, y| (x, y) == (0, 2), 100);
        assert_eq!(c.cluster_of, vec![0, 0, 1]);
        assert_eq!(c.split.len(), 1);
        assert_eq!(c.split[0].parts, 2);
        assert_eq!(c.split[0].conflicts, vec![(0, 2)]);
        assert!(c.split[0].verified);
    }

    #[test]
    fn budget_exhaustion_is_reported() {
        let edges: Vec<(u32, u32, f64)> = (0..9).map(|k| (k, k + 1, 10.0)).collect();
        let c = cluster(10, &edges, &|_, _| false, 3);
        assert!(c.cluster_of.iter().all(|&x| x == 0));
        assert_eq!(c.split.len(), 1);
        assert!(!c.split[0].verified);
    }
}
