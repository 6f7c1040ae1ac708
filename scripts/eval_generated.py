#!/usr/bin/env python3
"""Pairwise precision / recall / F1 of a steward clusters.csv against a generator truth file.

usage: eval_generated.py CLUSTERS TRUTH
  CLUSTERS: steward's clusters.csv (source,row,id,cluster,...), one line per input row
  TRUTH:    gen_contacts' truth file (row,entity), 1-based data-row numbers

Counts pairs through the contingency table of (cluster, entity), so 1M rows take seconds.
Standard library only."""
import csv
import sys
from collections import Counter


def pairs(n):
    return n * (n - 1) // 2


def main():
    clusters_path, truth_path = sys.argv[1], sys.argv[2]
    with open(truth_path, newline="", encoding="utf-8") as f:
        truth = {r["row"]: r["entity"] for r in csv.DictReader(f)}
    by_cluster, by_entity, by_both = Counter(), Counter(), Counter()
    with open(clusters_path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            entity = truth.get(r["row"])
            if entity is None:
                continue
            by_cluster[r["cluster"]] += 1
            by_entity[entity] += 1
            by_both[(r["cluster"], entity)] += 1
    tp = sum(pairs(n) for n in by_both.values())
    predicted = sum(pairs(n) for n in by_cluster.values())
    true = sum(pairs(n) for n in by_entity.values())
    p = tp / predicted if predicted else 0.0
    r = tp / true if true else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{p:.4f} {r:.4f} {f1:.4f} rows={sum(by_cluster.values())} tp={tp} fp={predicted - tp} fn={true - tp}")


if __name__ == "__main__":
    main()
