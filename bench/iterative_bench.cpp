// The five iterative jobs (examples/) against hand-written C++ versions (bench/handwritten_jobs.hpp),
// at 1 and 2 cores, each run in its own child process (time and peak RSS); plus the cost of one
// round of an engine loop over a tiny input.
//
// Usage: iterative_bench DATA_DIR [--repeat N] [--only JOB]
//   DATA_DIR holds points.csv, rmat17.csv, rmat16u.csv, digraph.csv (bench/run_all.sh makes them).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <boost/unordered/unordered_flat_set.hpp>

#include <renoir/renoir.hpp>

#include "bench_util.hpp"
#include "connected_components.hpp"
#include "handwritten_jobs.hpp"
#include "kmeans.hpp"
#include "pagerank.hpp"
#include "transitive_closure.hpp"
#include "triangles.hpp"

namespace {

struct Sample {
  double seconds = 0;
  long peak_rss_kib = 0;
  std::string output;
};

/// Runs `job` in a child process: its wall time, its peak RSS, the text it printed.
Sample in_child(const std::function<std::string()>& job) {
  int pipe_fd[2];
  if (pipe(pipe_fd) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fd[0]);
    std::string text;
    double secs = -1;
    try {
      const auto start = std::chrono::steady_clock::now();
      text = job();
      secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } catch (const std::exception& e) {
      text = std::string("error: ") + e.what();
    }
    const std::string msg = std::to_string(secs) + "\n" + text;
    for (std::size_t off = 0; off < msg.size();) {
      const ssize_t n = write(pipe_fd[1], msg.data() + off, msg.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    _exit(0);
  }
  close(pipe_fd[1]);
  std::string msg;
  char buf[4096];
  for (ssize_t n; (n = read(pipe_fd[0], buf, sizeof buf)) > 0;) msg.append(buf, static_cast<std::size_t>(n));
  close(pipe_fd[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  Sample s;
  const auto nl = msg.find('\n');
  s.seconds = std::stod(msg.substr(0, nl));
  s.output = nl == std::string::npos ? "" : msg.substr(nl + 1);
  s.peak_rss_kib = usage.ru_maxrss;
  return s;
}

/// Median time and the largest peak RSS of `repeat` runs; the output of the last.
Sample measure(const std::function<std::string()>& job, int repeat) {
  std::vector<double> times;
  Sample last;
  long rss = 0;
  for (int i = 0; i < repeat; ++i) {
    last = in_child(job);
    times.push_back(last.seconds);
    rss = std::max(rss, last.peak_rss_kib);
  }
  last.seconds = renoir::bench::median(times);
  last.peak_rss_kib = rss;
  return last;
}

/// Same numbers (relative 1e-9, or 1e-6 absolute for 6-decimal prints) in the same places.
bool same_output(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    char* ea;
    char* eb;
    const double x = std::strtod(a.c_str() + i, &ea), y = std::strtod(b.c_str() + j, &eb);
    if (ea != a.c_str() + i && eb != b.c_str() + j) {
      if (std::abs(x - y) > 1e-9 * std::max(std::abs(x), std::abs(y)) + 2e-6) return false;
      i = static_cast<std::size_t>(ea - a.c_str());
      j = static_cast<std::size_t>(eb - b.c_str());
    } else if (a[i++] != b[j++]) {
      return false;
    }
  }
  return i == a.size() && j == b.size();
}

std::string engine(std::size_t cores, const std::function<std::optional<std::string>(const renoir::RuntimeConfig&)>& f) {
  return f(renoir::RuntimeConfig::local(cores)).value_or("");
}

/// Semi-naive transitive closure hand-written: the engine job's algorithm (every round extends
/// the paths found in the previous one by one edge; only new paths go on), with the sources
/// split over the threads, each thread's known paths in a flat hash set.
std::string closure_seminaive(const std::string& path, std::size_t threads) {
  namespace jd = renoir::bench::jobs_detail;
  const jd::Chunks<jd::Edge> edges = jd::parse_pairs<jd::Edge, std::uint32_t>(path, threads);
  const std::size_t nodes = jd::node_count(edges);
  const jd::Csr g = jd::build_csr(edges, nodes, 1, [](const jd::Edge& e, auto emit) { emit(e.u, e.v); });
  std::vector<std::uint64_t> count(threads, 0);
  jd::run_parallel(threads, [&](std::size_t t) {
    boost::unordered_flat_set<std::uint64_t> known;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> frontier, next;
    const auto add = [&](std::uint32_t x, std::uint32_t y) {
      if (known.insert((std::uint64_t{x} << 32) | y).second) {
        next.emplace_back(x, y);
        if (x != y) ++count[t];
      }
    };
    jd::for_each(edges, [&](const jd::Edge& e) {
      if (e.u % threads == t) add(e.u, e.v);
    });
    while (!next.empty()) {
      frontier.swap(next);
      next.clear();
      for (auto [x, y] : frontier)
        for (std::uint64_t a = g.off[y]; a < g.off[y + 1]; ++a) add(x, g.adj[a]);
    }
  });
  std::uint64_t total = 0;
  for (std::uint64_t c : count) total += c;
  return "pairs " + std::to_string(total) + "\n";
}

/// Seconds per round of a replay of `rounds` rounds over two items.
double loop_round_cost(std::size_t cores, std::size_t rounds) {
  renoir::StreamContext ctx(renoir::RuntimeConfig::local(cores));
  auto out = ctx.stream_iter(std::vector<int>{1, 2})
                 .replay(
                     rounds, std::int64_t{0}, [](std::int64_t& d, int x) { d += x; },
                     [](std::int64_t& s, std::int64_t d) { s += d; }, [](std::int64_t&) { return true; })
                 .collect_vec();
  const auto start = std::chrono::steady_clock::now();
  ctx.execute_blocking();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (out.get()->at(0) != static_cast<std::int64_t>(3 * rounds)) throw std::runtime_error("loop_round_cost: wrong sum");
  return secs / static_cast<double>(rounds);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR [--repeat N] [--only JOB]\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  int repeat = 3;
  std::string only;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--repeat") == 0) repeat = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
  }
  namespace hw = renoir::bench;
  namespace ex = examples;
  const std::string points = dir + "/points.csv", rmat = dir + "/rmat17.csv", tri = dir + "/rmat16u.csv",
                    digraph = dir + "/digraph.csv";
  struct Job {
    const char* name;
    std::function<std::string(std::size_t)> mine, theirs;
  };
  const std::size_t kNodes17 = 1u << 17;
  std::vector<Job> jobs = {
      {"kmeans", [&](std::size_t c) { return engine(c, [&](auto& cfg) { return ex::kmeans(cfg, points, 30, 30); }); },
       [&](std::size_t t) { return hw::kmeans(points, 30, 30, t); }},
      {"pagerank",
       [&](std::size_t c) { return engine(c, [&](auto& cfg) { return ex::pagerank(cfg, rmat, kNodes17, 20); }); },
       [&](std::size_t t) { return hw::pagerank(rmat, kNodes17, 20, t); }},
      {"connected_components",
       [&](std::size_t c) {
         return engine(c, [&](auto& cfg) { return ex::connected_components(cfg, rmat, kNodes17, 1000); });
       },
       [&](std::size_t t) { return hw::connected_components(rmat, kNodes17, 1000, t); }},
      {"triangles", [&](std::size_t c) { return engine(c, [&](auto& cfg) { return ex::triangles(cfg, tri); }); },
       [&](std::size_t t) { return hw::triangles(tri, t); }},
      {"transitive_closure",
       [&](std::size_t c) { return engine(c, [&](auto& cfg) { return ex::transitive_closure(cfg, digraph, 1000); }); },
       [&](std::size_t t) { return hw::transitive_closure(digraph, 1000, t); }},
  };
  std::printf("%-22s %5s %10s %10s %7s %10s %10s %6s\n", "job", "cores", "engine_s", "hand_s", "ratio", "engine_MiB",
              "hand_MiB", "same");
  for (const Job& job : jobs) {
    if (!only.empty() && only != job.name) continue;
    double engine_1 = 0;
    for (std::size_t cores : {1u, 2u}) {
      const Sample e = measure([&] { return job.mine(cores); }, repeat);
      const Sample h = measure([&] { return job.theirs(cores); }, repeat);
      if (cores == 1) engine_1 = e.seconds;
      std::printf("%-22s %5zu %10.3f %10.3f %7.2f %10.1f %10.1f %6s", job.name, cores, e.seconds, h.seconds,
                  e.seconds / h.seconds, static_cast<double>(e.peak_rss_kib) / 1024.0,
                  static_cast<double>(h.peak_rss_kib) / 1024.0, same_output(e.output, h.output) ? "yes" : "NO");
      if (cores == 2) std::printf("  speed-up 1->2: %.2f", engine_1 / e.seconds);
      std::printf("\n");
      if (!same_output(e.output, h.output))
        std::printf("  engine: %.200s\n  hand:   %.200s\n", e.output.c_str(), h.output.c_str());
      std::fflush(stdout);
    }
  }
  if (only.empty() || only == "transitive_closure") {  // the same algorithm as the engine's, for reference
    for (std::size_t cores : {1u, 2u}) {
      const Sample e = measure([&] { return jobs[4].mine(cores); }, repeat);
      const Sample h = measure([&] { return closure_seminaive(digraph, cores); }, repeat);
      std::printf("%-22s %5zu %10.3f %10.3f %7.2f %10.1f %10.1f %6s  (hand-written semi-naive, hash set)\n",
                  "transitive_closure", cores, e.seconds, h.seconds, e.seconds / h.seconds,
                  static_cast<double>(e.peak_rss_kib) / 1024.0, static_cast<double>(h.peak_rss_kib) / 1024.0,
                  same_output(e.output, h.output) ? "yes" : "NO");
    }
  }
  if (only.empty() || only == "loop") {
    for (std::size_t cores : {1u, 2u}) {
      std::vector<double> v;
      for (int i = 0; i < 5; ++i) v.push_back(loop_round_cost(cores, 1000));
      std::printf("loop round (1000 rounds, 2 items) --local %zu: %.1f us per round\n", cores, renoir::bench::median(v) * 1e6);
    }
  }
}
