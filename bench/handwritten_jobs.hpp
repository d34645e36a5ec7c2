// Hand-written parallel k-means, PageRank, components, triangles and closure: the macro benchmark baselines.
//
// Plain C++ the way one would write each job without an engine: the whole input file in memory,
// parsed with std::from_chars by `threads` threads (split at line boundaries, each thread keeping
// the records it parsed), flat arrays and CSR adjacency, std::thread workers that stay up for all
// the phases or rounds of a job and meet at a spinning barrier. Each job returns the exact text
// the engine example prints (formats in tests/examples/check_jobs.py) and throws on bad input or
// I/O errors. Code between barriers allocates nothing and cannot throw, so no thread leaves one short.
#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace renoir::bench {

namespace jobs_detail {

struct Point {
  double x, y;
};
struct Edge {
  std::uint32_t u, v;
};

// Records in file order, split in one chunk per thread (chunk t was parsed by thread t).
template <class Rec>
using Chunks = std::vector<std::vector<Rec>>;

template <class Rec, class F>
void for_each(const Chunks<Rec>& chunks, F f) {
  for (const auto& chunk : chunks)
    for (const Rec& r : chunk) f(r);
}

// Runs body(t) for t in [0, threads) on `threads` threads (t = 0 on the caller, so one thread
// spawns nothing) and rethrows the first exception.
template <class Body>
void run_parallel(std::size_t threads, const Body& body) {
  std::vector<std::exception_ptr> errors(threads);
  auto guarded = [&](std::size_t t) {
    try {
      body(t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (std::size_t t = 1; t < threads; ++t) workers.emplace_back(guarded, t);
  guarded(0);
  for (auto& w : workers) w.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// Barrier for `threads` threads whose waiters spin (yielding after a while) instead of sleeping.
// With std::barrier, whose waiters sleep, Linux woke the sleeper on its waker's CPU and both
// threads of a 2-core k-means often shared one core (0.57 s against 0.45 s on a 2-vCPU VM).
// The last thread to arrive runs done() (noexcept) before it releases the others.
template <class Done = void (*)() noexcept>
class SpinBarrier {
 public:
  explicit SpinBarrier(std::size_t threads, Done done = []() noexcept {}) : threads_(threads), done_(done) {}
  /// Waits until all `threads` threads arrived; the last one runs done() first.
  void arrive_and_wait() noexcept {
    const std::uint64_t phase = phase_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
      arrived_.store(0, std::memory_order_relaxed);
      done_();
      phase_.store(phase + 1, std::memory_order_release);
      return;
    }
    for (unsigned spins = 0; phase_.load(std::memory_order_acquire) == phase; ++spins)
      if (spins >= kSpins) std::this_thread::yield();
  }

 private:
  static constexpr unsigned kSpins = 1u << 12;
  const std::size_t threads_;
  Done done_;
  alignas(64) std::atomic<std::size_t> arrived_{0};
  alignas(64) std::atomic<std::uint64_t> phase_{0};
};

// Start of part t when n items are split into `parts` near-equal ranges (part t ends at t + 1).
inline std::size_t split(std::size_t n, std::size_t t, std::size_t parts) { return n * t / parts; }

// The whole file plus a '\0' sentinel, read with one fread.
struct FileBuffer {
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
};

inline FileBuffer read_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw std::system_error(errno, std::generic_category(), "cannot open " + path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, std::fclose);
  FileBuffer buf;
  std::error_code ec;
  buf.size = static_cast<std::size_t>(std::filesystem::file_size(path, ec));
  if (ec) throw std::system_error(ec, "cannot stat " + path);
  buf.data = std::make_unique_for_overwrite<char[]>(buf.size + 1);
  if (std::fread(buf.data.get(), 1, buf.size, f) != buf.size)
    throw std::system_error(errno, std::generic_category(), "cannot read " + path);
  buf.data[buf.size] = '\0';
  return buf;
}

[[noreturn]] inline void bad_line(const std::string& path, const char* text, const char* line) {
  const auto no = 1 + std::count(text, line, '\n');  // error path: counting is fine
  const char* end = line;
  while (*end != '\n' && *end != '\0' && end - line < 60) ++end;
  throw std::runtime_error(path + ":" + std::to_string(no) + ": expected two comma-separated numbers: '" +
                           std::string(line, end) + "'");
}

// Parses the lines "a,b" of the file at `path` into Rec{a, b} (T double or an unsigned integer);
// empty lines are skipped.
template <class Rec, class T>
Chunks<Rec> parse_pairs(const std::string& path, std::size_t threads) {
  const FileBuffer buf = read_file(path);
  const char* const text = buf.data.get();
  // Chunk t holds the lines starting in [bound[t], bound[t + 1]).
  std::vector<std::size_t> bound(threads + 1, buf.size);
  bound[0] = 0;
  for (std::size_t t = 1; t < threads; ++t) {
    std::size_t at = std::max(split(buf.size, t, threads), bound[t - 1]);
    if (at > 0) {
      const void* nl = std::memchr(text + at - 1, '\n', buf.size - (at - 1));
      at = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - text) + 1 : buf.size;
    }
    bound[t] = at;
  }
  Chunks<Rec> chunks(threads);
  run_parallel(threads, [&](std::size_t t) {
    const char* p = text + bound[t];
    const char* const end = text + bound[t + 1];
    std::vector<Rec> chunk;  // local: chunks[t] itself shares a cache line with chunks[t + 1]
    chunk.reserve(static_cast<std::size_t>(end - p) / 4 + 1);  // lines take >= 4 bytes; unused pages stay untouched
    while (p < end) {
      if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
        p += *p == '\n' ? 1 : 2;
        continue;
      }
      T a, b;
      const auto ra = std::from_chars(p, end, a);
      if (ra.ec != std::errc() || ra.ptr == end || *ra.ptr != ',') bad_line(path, text, p);
      const auto rb = std::from_chars(ra.ptr + 1, end, b);
      const char* q = rb.ptr;
      if (rb.ec == std::errc() && q < end && *q == '\r') ++q;
      if (rb.ec != std::errc() || (q < end && *q != '\n')) bad_line(path, text, p);
      chunk.push_back(Rec{a, b});
      p = q + 1;
    }
    chunks[t] = std::move(chunk);
  });
  return chunks;
}

// Number of nodes implied by the ids: the largest id plus one (0 without edges).
inline std::size_t node_count(const Chunks<Edge>& edges) {
  std::size_t n = 0;
  for_each(edges, [&](const Edge& e) { n = std::max({n, std::size_t{e.u} + 1, std::size_t{e.v} + 1}); });
  return n;
}

inline void check_nodes(const Chunks<Edge>& edges, std::size_t nodes, const std::string& path) {
  if (const std::size_t n = node_count(edges); n > nodes)
    throw std::runtime_error(path + ": node id " + std::to_string(n - 1) + " is not below the node count " +
                             std::to_string(nodes));
}

// Compressed adjacency: the neighbours of v are adj[off[v]] .. adj[off[v + 1] - 1].
struct Csr {
  std::vector<std::uint64_t> off;
  std::vector<std::uint32_t> adj;
};

// Builds a CSR of the arcs of `edges` (ids below `nodes`): arcs(edge, emit) calls emit(from, to)
// at most `max_arcs` times per edge. Thread t counts then places the arcs of chunk t, from
// per-thread offsets, so each list keeps the edge order.
template <class Arcs>
Csr build_csr(const Chunks<Edge>& edges, std::size_t nodes, std::size_t max_arcs, const Arcs& arcs) {
  const std::size_t threads = edges.size();
  std::vector<std::vector<std::uint64_t>> pos(threads, std::vector<std::uint64_t>(nodes, 0));
  std::size_t bound = 0;
  for (const auto& chunk : edges) bound += max_arcs * chunk.size();
  Csr g;
  g.off.resize(nodes + 1);
  g.adj.resize(bound);
  SpinBarrier counted(threads, [&]() noexcept {
    std::uint64_t total = 0;  // counts become the first slot of each (node, thread)
    for (std::size_t v = 0; v < nodes; ++v) {
      g.off[v] = total;
      for (std::size_t t = 0; t < threads; ++t) total += std::exchange(pos[t][v], total);
    }
    g.off[nodes] = total;
  });
  run_parallel(threads, [&](std::size_t t) {
    auto& p = pos[t];
    for (const Edge& e : edges[t]) arcs(e, [&](std::uint32_t from, std::uint32_t) { ++p[from]; });
    counted.arrive_and_wait();
    for (const Edge& e : edges[t]) arcs(e, [&](std::uint32_t from, std::uint32_t to) { g.adj[p[from]++] = to; });
  });
  g.adj.resize(g.off[nodes]);
  return g;
}

// Node ranges [r[t], r[t + 1]) with about the same number of nodes plus arcs each.
inline std::vector<std::size_t> balanced_ranges(const Csr& g, std::size_t threads) {
  const std::size_t nodes = g.off.size() - 1;
  const std::uint64_t work = nodes + g.adj.size();
  std::vector<std::size_t> r(threads + 1, nodes);
  r[0] = 0;
  for (std::size_t t = 1; t < threads; ++t) {
    std::size_t lo = r[t - 1], hi = nodes;  // first v with v + off[v] >= target
    const std::uint64_t target = work * t / threads;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      (mid + g.off[mid] < target ? lo = mid + 1 : hi = mid);
    }
    r[t] = lo;
  }
  return r;
}

inline void append_line(std::string& out, const char* fmt, auto... args) {
  char line[128];
  const int n = std::snprintf(line, sizeof line, fmt, args...);
  out.append(line, static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(sizeof line) - 1)));
}

}  // namespace jobs_detail

/// k-means on the points "x,y" of `path`: the first k points are the initial centroids; each of
/// `iterations` rounds assigns every point to its nearest centroid (squared distance, ties to the
/// lower index) and moves each centroid with points to their mean. Each thread sums the points it
/// parsed; the partial sums are merged in thread order. Returns "centroid i x y\n" lines (%.6f).
inline std::string kmeans(const std::string& path, std::size_t k, std::size_t iterations, std::size_t threads) {
  using namespace jobs_detail;
  threads = std::max<std::size_t>(threads, 1);
  if (k == 0) throw std::invalid_argument("kmeans: k must be at least 1");
  const Chunks<Point> points = parse_pairs<Point, double>(path, threads);
  std::vector<double> cx, cy;
  for (std::size_t t = 0; t < threads && cx.size() < k; ++t) {
    for (std::size_t i = 0; i < points[t].size() && cx.size() < k; ++i) {
      cx.push_back(points[t][i].x);
      cy.push_back(points[t][i].y);
    }
  }
  if (cx.size() < k)
    throw std::runtime_error(path + ": " + std::to_string(cx.size()) + " points, fewer than k = " +
                             std::to_string(k));
  struct Sum {
    double x, y;
    std::uint64_t n;
  };
  constexpr std::size_t kPad = 3;  // unused trailing sums: two threads never write one cache line
  std::vector<std::vector<Sum>> partial(threads, std::vector<Sum>(k + kPad));
  SpinBarrier merged(threads, [&]() noexcept {
    for (std::size_t c = 0; c < k; ++c) {
      Sum total{0, 0, 0};
      for (const auto& sum : partial) total.x += sum[c].x, total.y += sum[c].y, total.n += sum[c].n;
      if (total.n) {
        cx[c] = total.x / static_cast<double>(total.n);
        cy[c] = total.y / static_cast<double>(total.n);
      }
    }
  });
  run_parallel(threads, [&](std::size_t t) {
    Sum* const sum = partial[t].data();
    for (std::size_t round = 0; round < iterations; ++round) {
      std::fill_n(sum, k, Sum{0, 0, 0});
      for (const Point p : points[t]) {
        std::size_t best = 0;
        double best_d = (p.x - cx[0]) * (p.x - cx[0]) + (p.y - cy[0]) * (p.y - cy[0]);
        for (std::size_t c = 1; c < k; ++c) {
          const double dx = p.x - cx[c], dy = p.y - cy[c], d = dx * dx + dy * dy;
          if (d < best_d) {
            best_d = d;
            best = c;
          }
        }
        sum[best].x += p.x;
        sum[best].y += p.y;
        ++sum[best].n;
      }
      merged.arrive_and_wait();
    }
  });
  std::string out;
  for (std::size_t c = 0; c < k; ++c) append_line(out, "centroid %zu %.6f %.6f\n", c, cx[c], cy[c]);
  return out;
}

/// PageRank on the directed edges "u,v" of `path` (ids below `nodes`): rank 1/N, then
/// `iterations` rounds of rank'(v) = 0.15/N + 0.85 * sum over u->v of rank(u)/outdeg(u), dangling
/// mass dropped. Pull style over a CSR by destination, node ranges balanced by arcs. Returns
/// "sum_ranks S\n" (%.12f) then the 10 highest "node rank\n" (%.12e), rank descending, node ascending.
inline std::string pagerank(const std::string& path, std::size_t nodes, std::size_t iterations,
                            std::size_t threads) {
  using namespace jobs_detail;
  threads = std::max<std::size_t>(threads, 1);
  if (nodes == 0) throw std::invalid_argument("pagerank: nodes must be at least 1");
  const Chunks<Edge> edges = parse_pairs<Edge, std::uint32_t>(path, threads);
  check_nodes(edges, nodes, path);
  const Csr in = build_csr(edges, nodes, 1, [](const Edge& e, auto emit) { emit(e.v, e.u); });
  std::vector<std::uint32_t> outdeg(nodes, 0);
  for_each(edges, [&](const Edge& e) { ++outdeg[e.u]; });
  const double n = static_cast<double>(nodes), base = (1 - 0.85) / n;
  std::vector<double> rank(nodes, 1 / n), share(nodes), next_share(nodes);  // share = rank / outdeg
  for (std::size_t v = 0; v < nodes; ++v) share[v] = outdeg[v] ? rank[v] / outdeg[v] : 0;
  const std::vector<std::size_t> range = balanced_ranges(in, threads);
  SpinBarrier swapped(threads, [&]() noexcept { share.swap(next_share); });
  run_parallel(threads, [&](std::size_t t) {
    for (std::size_t round = 0; round < iterations; ++round) {
      for (std::size_t v = range[t]; v < range[t + 1]; ++v) {
        double sum = 0;
        for (std::uint64_t a = in.off[v]; a < in.off[v + 1]; ++a) sum += share[in.adj[a]];
        rank[v] = base + 0.85 * sum;
        next_share[v] = outdeg[v] ? rank[v] / outdeg[v] : 0;
      }
      swapped.arrive_and_wait();
    }
  });
  double total = 0;
  for (double r : rank) total += r;
  std::vector<std::uint32_t> top(nodes);
  for (std::size_t v = 0; v < nodes; ++v) top[v] = static_cast<std::uint32_t>(v);
  const std::size_t shown = std::min<std::size_t>(10, nodes);
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(shown), top.end(),
                    [&](std::uint32_t a, std::uint32_t b) {
                      return rank[a] != rank[b] ? rank[a] > rank[b] : a < b;  // rank descending, then id
                    });
  std::string out;
  append_line(out, "sum_ranks %.12f\n", total);
  for (std::size_t i = 0; i < shown; ++i) append_line(out, "%u %.12e\n", top[i], rank[top[i]]);
  return out;
}

/// Connected components of the undirected edges "u,v" of `path` (ids below `nodes`) by synchronous
/// min-label propagation: label(v) = v, then label'(v) = min(label(v), labels of the neighbours)
/// until a round changes nothing (that round counts) or `max_iterations` rounds ran. Returns
/// "components C\nrounds R\n" (C = distinct labels over all nodes).
inline std::string connected_components(const std::string& path, std::size_t nodes, std::size_t max_iterations,
                                        std::size_t threads) {
  using namespace jobs_detail;
  threads = std::max<std::size_t>(threads, 1);
  const Chunks<Edge> edges = parse_pairs<Edge, std::uint32_t>(path, threads);
  check_nodes(edges, nodes, path);
  const Csr g = build_csr(edges, nodes, 2, [](const Edge& e, auto emit) {
    emit(e.u, e.v);
    emit(e.v, e.u);
  });
  std::vector<std::uint32_t> label(nodes), next(nodes);
  for (std::size_t v = 0; v < nodes; ++v) label[v] = static_cast<std::uint32_t>(v);
  const std::vector<std::size_t> range = balanced_ranges(g, threads);
  std::vector<char> changed(threads, 0);
  std::size_t rounds = 0;
  bool done = max_iterations == 0;
  SpinBarrier next_round(threads, [&]() noexcept {
    label.swap(next);  // equal when nothing changed
    done = ++rounds == max_iterations || std::none_of(changed.begin(), changed.end(), [](char c) { return c; });
  });
  run_parallel(threads, [&](std::size_t t) {
    while (!done) {
      bool any = false;
      for (std::size_t v = range[t]; v < range[t + 1]; ++v) {
        std::uint32_t m = label[v];
        for (std::uint64_t a = g.off[v]; a < g.off[v + 1]; ++a) m = std::min(m, label[g.adj[a]]);
        any |= m != label[v];
        next[v] = m;
      }
      changed[t] = any;
      next_round.arrive_and_wait();
    }
  });
  std::vector<char> seen(nodes, 0);
  std::size_t components = 0;
  for (std::uint32_t l : label) components += !std::exchange(seen[l], 1);
  std::string out;
  append_line(out, "components %zu\nrounds %zu\n", components, rounds);
  return out;
}

/// Triangles of the undirected edges "u,v" of `path` (each pair once, no self loops): every edge
/// is oriented from the lower to the higher (degree, id), adjacency lists are sorted, and each
/// node u adds |out(u) & out(v)| for each v in out(u) (merge intersection), nodes handed out in
/// chunks to `threads` threads. Returns "triangles T\n".
inline std::string triangles(const std::string& path, std::size_t threads) {
  using namespace jobs_detail;
  threads = std::max<std::size_t>(threads, 1);
  const Chunks<Edge> edges = parse_pairs<Edge, std::uint32_t>(path, threads);
  const std::size_t nodes = node_count(edges);
  std::vector<std::uint32_t> degree(nodes, 0);
  for_each(edges, [&](const Edge& e) { ++degree[e.u], ++degree[e.v]; });
  const auto lower = [&](std::uint32_t a, std::uint32_t b) {
    return degree[a] != degree[b] ? degree[a] < degree[b] : a < b;
  };
  Csr g = build_csr(edges, nodes, 1, [&](const Edge& e, auto emit) {
    if (e.u == e.v) return;
    if (lower(e.u, e.v))
      emit(e.u, e.v);
    else
      emit(e.v, e.u);
  });
  const std::vector<std::size_t> range = balanced_ranges(g, threads);
  constexpr std::size_t kChunk = 256;  // nodes per work item
  std::atomic<std::size_t> next_chunk{0};
  std::vector<std::uint64_t> count(threads, 0);
  SpinBarrier<> sorted(threads);
  run_parallel(threads, [&](std::size_t t) {
    for (std::size_t v = range[t]; v < range[t + 1]; ++v)
      std::sort(g.adj.begin() + static_cast<std::ptrdiff_t>(g.off[v]),
                g.adj.begin() + static_cast<std::ptrdiff_t>(g.off[v + 1]));
    sorted.arrive_and_wait();
    std::uint64_t local = 0;
    const std::uint32_t* const adj = g.adj.data();
    for (std::size_t lo; (lo = next_chunk.fetch_add(kChunk, std::memory_order_relaxed)) < nodes;) {
      for (std::size_t u = lo; u < std::min(nodes, lo + kChunk); ++u) {
        const std::uint32_t *const ub = adj + g.off[u], *const ue = adj + g.off[u + 1];
        for (const std::uint32_t* pv = ub; pv != ue; ++pv) {
          const std::uint32_t *a = ub, *b = adj + g.off[*pv];
          const std::uint32_t* const be = adj + g.off[*pv + 1];
          while (a != ue && b != be) {
            if (*a < *b) {
              ++a;
            } else if (*b < *a) {
              ++b;
            } else {
              ++local;
              ++a;
              ++b;
            }
          }
        }
      }
    }
    count[t] = local;
  });
  std::uint64_t total = 0;
  for (std::uint64_t c : count) total += c;
  std::string out;
  append_line(out, "triangles %llu\n", static_cast<unsigned long long>(total));
  return out;
}

/// Size of the transitive closure of the directed edges "u,v" of `path`: the number of pairs
/// (u, v), u != v, with v reachable from u, by a BFS from every node (sources handed out in chunks,
/// one visited-stamp array per thread). Always the full closure: `max_iterations` (the engine
/// job's round limit, which tests set large enough) does not apply. Returns "pairs P\n".
inline std::string transitive_closure(const std::string& path, std::size_t max_iterations, std::size_t threads) {
  using namespace jobs_detail;
  (void)max_iterations;
  threads = std::max<std::size_t>(threads, 1);
  const Chunks<Edge> edges = parse_pairs<Edge, std::uint32_t>(path, threads);
  const std::size_t nodes = node_count(edges);
  const Csr g = build_csr(edges, nodes, 1, [](const Edge& e, auto emit) { emit(e.u, e.v); });
  constexpr std::size_t kChunk = 16;  // sources per work item
  std::atomic<std::size_t> next_chunk{0};
  std::vector<std::uint64_t> count(threads, 0);
  run_parallel(threads, [&](std::size_t t) {
    std::vector<std::uint32_t> stamp(nodes, 0), queue(nodes);  // stamp[v] == s + 1: v seen from s
    std::uint64_t local = 0;
    for (std::size_t lo; (lo = next_chunk.fetch_add(kChunk, std::memory_order_relaxed)) < nodes;) {
      for (std::size_t s = lo; s < std::min(nodes, lo + kChunk); ++s) {
        const auto mark = static_cast<std::uint32_t>(s + 1);
        std::size_t head = 0, tail = 0;
        queue[tail++] = static_cast<std::uint32_t>(s);
        stamp[s] = mark;
        while (head < tail) {
          const std::uint32_t u = queue[head++];
          for (std::uint64_t a = g.off[u]; a < g.off[u + 1]; ++a)
            if (const std::uint32_t v = g.adj[a]; stamp[v] != mark) stamp[v] = mark, queue[tail++] = v;
        }
        local += tail - 1;  // every node seen but the source itself
      }
    }
    count[t] = local;
  });
  std::uint64_t total = 0;
  for (std::uint64_t c : count) total += c;
  std::string out;
  append_line(out, "pairs %llu\n", static_cast<unsigned long long>(total));
  return out;
}

}  // namespace renoir::bench
