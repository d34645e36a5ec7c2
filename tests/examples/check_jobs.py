#!/usr/bin/env python3
"""check_jobs.py: independent reference (Python 3 stdlib) for the k-means and graph example jobs.

Usage: check_jobs.py JOB INPUT [options] (--actual FILE | --print)
  kmeans INPUT --centroids K --iterations I       points "x,y"
  pagerank INPUT --nodes N --iterations I         directed edges "u,v", ids 0..N-1
  connected_components INPUT --nodes N --max-iterations I   undirected edges
  triangles INPUT                                 undirected edges, no duplicates or self loops
  transitive_closure INPUT --max-iterations I     directed edges
--actual FILE compares the program's output with the expected one (exit 0 if equal, else 1 with
a diff); --print prints the expected output. Bad arguments or input exit 2.
"""
import argparse
import difflib
import sys
from collections import deque


class InputError(Exception):
    pass


def read_rows(path, convert):
    """Rows of a headerless two-column CSV (blank lines skipped)."""
    rows = []
    with open(path) as f:
        for no, line in enumerate(f, 1):
            if not line.strip():
                continue
            parts = line.split(",")
            try:
                if len(parts) != 2:
                    raise ValueError
                rows.append((convert(parts[0]), convert(parts[1])))
            except ValueError:
                raise InputError(f"{path}:{no}: expected two comma-separated values: {line.rstrip()!r}")
    return rows


def read_edges(path, nodes=None):
    """Edges (u, v); ids must be >= 0 and, if nodes is given, below it."""
    edges = read_rows(path, int)
    for u, v in edges:
        if min(u, v) < 0 or (nodes is not None and max(u, v) >= nodes):
            bound = f"0..{nodes - 1}" if nodes is not None else ">= 0"
            raise InputError(f"{path}: edge {u},{v} has a node id outside {bound}")
    return edges


# Each job returns its expected output as a list of lines.

def kmeans(path, k, iterations):
    points = read_rows(path, float)
    if len(points) < k:
        raise InputError(f"{path}: {len(points)} points, fewer than --centroids {k}")
    cents = [list(p) for p in points[:k]]
    for _ in range(iterations):
        sums = [[0.0, 0.0, 0] for _ in range(k)]
        for x, y in points:
            best, best_d = 0, None
            for i, (cx, cy) in enumerate(cents):
                dx, dy = x - cx, y - cy
                d = dx * dx + dy * dy
                if best_d is None or d < best_d:  # ties go to the lower index
                    best, best_d = i, d
            s = sums[best]
            s[0] += x
            s[1] += y
            s[2] += 1
        for i, (sx, sy, n) in enumerate(sums):
            if n:
                cents[i] = [sx / n, sy / n]
    return [f"centroid {i} {x:.6f} {y:.6f}" for i, (x, y) in enumerate(cents)]


def pagerank_ranks(path, nodes, iterations):
    edges = read_edges(path, nodes)
    outdeg = [0] * nodes
    for u, _ in edges:
        outdeg[u] += 1
    rank = [1.0 / nodes] * nodes
    for _ in range(iterations):
        new = [(1 - 0.85) / nodes] * nodes
        for u, v in edges:
            new[v] += 0.85 * rank[u] / outdeg[u]
        rank = new  # dangling mass is not redistributed
    return rank


def pagerank(rank):
    nodes = len(rank)
    top = sorted(range(nodes), key=lambda v: (-rank[v], v))[:10]
    return [f"sum_ranks {sum(rank):.12f}"] + [f"{v} {rank[v]:.12e}" for v in top]


def connected_components(path, nodes, max_iterations):
    edges = read_edges(path, nodes)
    label = list(range(nodes))
    rounds = 0
    while rounds < max_iterations:  # synchronous rounds; the one that changes nothing counts
        rounds += 1
        new = label[:]
        for u, v in edges:
            new[u] = min(new[u], label[v])
            new[v] = min(new[v], label[u])
        if new == label:
            break
        label = new
    return [f"components {len(set(label))}", f"rounds {rounds}"]


def triangles(path):
    adj = {}
    for u, v in read_edges(path):
        if u == v:
            raise InputError(f"{path}: self loop {u},{v} (triangles expects a simple undirected graph)")
        a, b = adj.setdefault(u, set()), adj.setdefault(v, set())
        if v in a:
            raise InputError(f"{path}: duplicate edge {u},{v} (triangles expects each pair once)")
        a.add(v)
        b.add(u)
    count = 0
    for u, nu in adj.items():  # each triangle u < v < w once
        for v in nu:
            if v > u:
                count += sum(1 for w in nu & adj[v] if w > v)
    return [f"triangles {count}"]


def transitive_closure(path, max_iterations):
    # The C++ job iterates path doubling or semi-naive extension up to --max-iterations rounds;
    # the checker counts the true closure (BFS from every node), so tests pass an I large enough.
    # If the longest shortest path needs more semi-naive rounds than I, a note goes to stderr.
    adj = {}
    for u, v in read_edges(path):
        adj.setdefault(u, []).append(v)
    pairs, longest = 0, 0
    for s in adj:
        dist = {s: 0}
        queue = deque([s])
        while queue:
            u = queue.popleft()
            for v in adj.get(u, ()):
                if v not in dist:
                    dist[v] = dist[u] + 1
                    queue.append(v)
        pairs += len(dist) - 1  # excludes (s, s) even when s lies on a cycle
        longest = max(longest, max(dist.values()))
    if longest > max_iterations + 1:
        print(f"check_jobs: note: the longest shortest path has {longest} edges; semi-naive extension "
              f"needs {longest - 1} rounds, more than --max-iterations {max_iterations}", file=sys.stderr)
    return [f"pairs {pairs}"]


def close(a, b, abs_tol, rel_tol):
    return abs(a - b) <= abs_tol or abs(a - b) <= rel_tol * max(abs(a), abs(b))


def compare_kmeans(expected, actual):
    """Problems found (empty if equal): indices exactly, coordinates within 1e-6 abs or 1e-9 rel."""
    if len(actual) != len(expected):
        return [f"expected {len(expected)} lines, got {len(actual)}"]
    problems = []
    for no, (e, a) in enumerate(zip(expected, actual), 1):
        ef, af = e.split(), a.split()
        try:
            ok = (len(af) == 4 and af[:2] == ef[:2]
                  and all(close(float(x), float(y), 1e-6, 1e-9) for x, y in zip(ef[2:], af[2:])))
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"line {no}: expected {e!r}, got {a!r}")
    return problems


def compare_pagerank(expected, actual, rank):
    """Sum and ranks within 1e-9 rel; a node may differ only if its rank ties (1e-12 rel)."""
    if len(actual) != len(expected):
        return [f"expected {len(expected)} lines, got {len(actual)}"]
    problems = []
    try:
        head, want = actual[0].split(), float(expected[0].split()[1])
        if len(head) != 2 or head[0] != "sum_ranks" or not close(float(head[1]), want, 0, 1e-9):
            problems.append(f"line 1: expected {expected[0]!r}, got {actual[0]!r}")
    except ValueError:
        problems.append(f"line 1: expected {expected[0]!r}, got {actual[0]!r}")
    seen = set()
    for no, (e, a) in enumerate(zip(expected[1:], actual[1:]), 2):
        en, er = e.split()
        try:
            an, ar = a.split()
            an_i = int(an)
            ok = (close(float(ar), float(er), 0, 1e-9) and 0 <= an_i < len(rank) and an_i not in seen
                  and (an == en or close(rank[an_i], rank[int(en)], 0, 1e-12)))
            seen.add(an_i)
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"line {no}: expected {e!r}, got {a!r}")
    return problems


def main():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("input", metavar="INPUT")
    mode = common.add_mutually_exclusive_group(required=True)
    mode.add_argument("--actual", metavar="FILE", help="program output to compare")
    mode.add_argument("--print", action="store_true", help="print the expected output")
    parser = argparse.ArgumentParser(description="Reference outputs of the example jobs.")
    jobs = parser.add_subparsers(dest="job", required=True, metavar="JOB")
    p = jobs.add_parser("kmeans", parents=[common])
    p.add_argument("--centroids", type=int, required=True)
    p.add_argument("--iterations", type=int, required=True)
    p = jobs.add_parser("pagerank", parents=[common])
    p.add_argument("--nodes", type=int, required=True)
    p.add_argument("--iterations", type=int, required=True)
    p = jobs.add_parser("connected_components", parents=[common])
    p.add_argument("--nodes", type=int, required=True)
    p.add_argument("--max-iterations", type=int, required=True)
    jobs.add_parser("triangles", parents=[common])
    p = jobs.add_parser("transitive_closure", parents=[common])
    p.add_argument("--max-iterations", type=int, required=True)
    args = parser.parse_args()
    for name in ("centroids", "nodes"):
        if getattr(args, name, 1) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(args, name)}")
    for name in ("iterations", "max_iterations"):
        if getattr(args, name, 0) < 0:
            parser.error(f"--{name.replace('_', '-')} must be at least 0, got {getattr(args, name)}")

    try:
        rank = None
        if args.job == "kmeans":
            expected = kmeans(args.input, args.centroids, args.iterations)
        elif args.job == "pagerank":
            rank = pagerank_ranks(args.input, args.nodes, args.iterations)
            expected = pagerank(rank)
        elif args.job == "connected_components":
            expected = connected_components(args.input, args.nodes, args.max_iterations)
        elif args.job == "triangles":
            expected = triangles(args.input)
        else:
            expected = transitive_closure(args.input, args.max_iterations)
        if args.print:
            print("\n".join(expected))
            return 0
        with open(args.actual) as f:
            actual = f.read().splitlines()
    except (OSError, InputError) as e:
        print(f"check_jobs: {e}", file=sys.stderr)
        return 2

    if args.job == "kmeans":
        problems = compare_kmeans(expected, actual)
    elif args.job == "pagerank":
        problems = compare_pagerank(expected, actual, rank)
    else:
        problems = [] if actual == expected else ["outputs differ"]
    if not problems:
        return 0
    print(f"check_jobs: {args.job} on {args.input}: {args.actual} differs from the reference:")
    for line in problems[:20]:
        print("  " + line)
    sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in expected], [l + "\n" for l in actual],
                                               "expected", args.actual))
    return 1


if __name__ == "__main__":
    sys.exit(main())
