// gen_graph: deterministic random graph generator (R-MAT or uniform, CSV u,v) for the graph jobs.
//
// Usage: gen_graph rmat --scale S --edges M --seed X [--undirected] OUTPUT
//        gen_graph uniform --nodes N --edges M --seed X [--undirected] OUTPUT
// Writes exactly M headerless lines "u,v" in generation order: no self loops and no duplicates
// (with --undirected the unordered pair is unique and written once as u<v). R-MAT uses
// a,b,c,d = .57,.19,.19,.05 on 2^S nodes whose ids are then shuffled by a seeded permutation;
// uniform draws both ends uniformly from 0..N-1. Duplicates are redrawn, so M is bounded: R-MAT
// by nodes*(nodes-1)/4 (its skew makes denser graphs impractical), uniform by the number of
// possible edges. std::mt19937_64 and integer/IEEE-only arithmetic give identical files everywhere.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/unordered/unordered_flat_set.hpp>

namespace {

__extension__ using u128 = unsigned __int128;  // GCC/Clang extension, quiet under -Wpedantic

constexpr std::size_t kOutChunk = 4u << 20;  // bytes buffered before each fwrite
constexpr std::uint64_t kMaxScale = 32;      // node ids (and the permutation) are 32-bit
constexpr std::uint64_t kMaxNodes = std::uint64_t{1} << 32;
// R-MAT cumulative quadrant probabilities a, a+b, a+b+c as 32-bit thresholds.
constexpr std::uint32_t threshold(double p) { return static_cast<std::uint32_t>(p * 0x1.0p32 + 0.5); }
constexpr std::uint32_t kA = threshold(0.57), kAB = threshold(0.76), kABC = threshold(0.95);

// Uniform in [0, n) via multiply-shift (bias is negligible for our n).
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<u128>(rng()) * n) >> 64);
}

// One R-MAT edge on 2^scale nodes: picks a quadrant of the adjacency matrix per bit, from 32
// random bits per level (two levels per draw).
void rmat_edge(std::mt19937_64& rng, std::uint64_t scale, std::uint32_t& u, std::uint32_t& v) {
  std::uint64_t x = 0, y = 0, bits = 0;
  for (std::uint64_t level = 0; level < scale; ++level) {
    if (level % 2 == 0) bits = rng();
    const auto r = static_cast<std::uint32_t>(bits);
    bits >>= 32;
    x = (x << 1) | (r >= kAB);
    y = (y << 1) | (r >= kA && (r < kAB || r >= kABC));
  }
  u = static_cast<std::uint32_t>(x);
  v = static_cast<std::uint32_t>(y);
}

// Buffered edge writer (one fwrite per kOutChunk bytes).
class Output {
 public:
  explicit Output(std::FILE* f) : f_(f) { buf_.reserve(kOutChunk + 32); }
  void edge(std::uint32_t u, std::uint32_t v) {
    char line[32];
    char* p = std::to_chars(line, line + 10, u).ptr;
    *p++ = ',';
    p = std::to_chars(p, p + 10, v).ptr;
    *p++ = '\n';
    buf_.append(line, p);
    if (buf_.size() >= kOutChunk) flush();
  }
  bool finish() {
    flush();
    return ok_;
  }

 private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) ok_ = false;
    buf_.clear();
  }
  std::FILE* f_;
  std::string buf_;
  bool ok_ = true;
};

// Draws edges with `draw` until `edges` distinct non-loop ones are written; false (with `draws`
// set) if `max_draws` candidates were not enough.
template <class Draw>
bool generate(Draw draw, std::uint64_t edges, bool undirected, std::uint64_t max_draws, Output& out,
              std::uint64_t& draws) {
  boost::unordered_flat_set<std::uint64_t> seen;
  seen.reserve(edges);
  std::uint32_t u, v;
  for (draws = 0; seen.size() < edges; ++draws) {
    if (draws == max_draws) return false;
    draw(u, v);
    if (u == v) continue;
    if (undirected && u > v) std::swap(u, v);
    if (seen.insert((std::uint64_t{u} << 32) | v).second) out.edge(u, v);
  }
  return true;
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

void usage(std::FILE* f) {
  std::fputs(
      "usage: gen_graph rmat --scale S --edges M --seed X [--undirected] OUTPUT\n"
      "       gen_graph uniform --nodes N --edges M --seed X [--undirected] OUTPUT\n"
      "  --scale S     R-MAT on 2^S nodes (1 to 32), a,b,c,d = .57,.19,.19,.05, ids permuted\n"
      "  --nodes N     uniform graph on N nodes (2 to 2^32)\n"
      "  --edges M     exact number of distinct edges, no self loops\n"
      "  --seed X      PRNG seed (std::mt19937_64)\n"
      "  --undirected  unordered pairs are unique, each written once as u,v with u<v\n"
      "  OUTPUT        output file (lines \"u,v\"), or - for stdout\n",
      f);
}

int bad_usage(const char* msg, std::string_view arg = {}) {
  std::fprintf(stderr, "gen_graph: %s%.*s\n", msg, static_cast<int>(arg.size()), arg.data());
  usage(stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0)) {
    usage(stdout);
    return 0;
  }
  if (argc < 2) return bad_usage("missing model (rmat or uniform)");
  const std::string_view model = argv[1];
  const bool rmat = model == "rmat";
  if (!rmat && model != "uniform") return bad_usage("unknown model (rmat or uniform): ", model);

  std::uint64_t scale = 0, nodes = 0, edges = 0, seed = 0;
  bool have_size = false, have_edges = false, have_seed = false, undirected = false;
  const char* output = nullptr;
  for (int i = 2; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    }
    std::string_view key = a, val;
    if (a.starts_with("--") && a.find('=') != std::string_view::npos) {
      key = a.substr(0, a.find('='));
      val = a.substr(a.find('=') + 1);
    } else if (a == "--scale" || a == "--nodes" || a == "--edges" || a == "--seed") {
      if (i + 1 >= argc) return bad_usage("missing value for ", a);
      val = argv[++i];
    }
    if (key == "--scale" && rmat) {
      if (!parse_uint(val, scale) || scale < 1 || scale > kMaxScale)
        return bad_usage("invalid --scale (1 to 32): ", val);
      have_size = true;
    } else if (key == "--nodes" && !rmat) {
      if (!parse_uint(val, nodes) || nodes < 2 || nodes > kMaxNodes)
        return bad_usage("invalid --nodes (2 to 4294967296): ", val);
      have_size = true;
    } else if (key == "--edges") {
      if (!parse_uint(val, edges)) return bad_usage("invalid --edges: ", val);
      have_edges = true;
    } else if (key == "--seed") {
      if (!parse_uint(val, seed)) return bad_usage("invalid --seed: ", val);
      have_seed = true;
    } else if (a == "--undirected") {
      undirected = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return bad_usage(rmat ? "unknown option for rmat: " : "unknown option for uniform: ", a);
    } else if (output) {
      return bad_usage("more than one output given: ", a);
    } else {
      output = argv[i];
    }
  }
  if (!have_size) return bad_usage(rmat ? "--scale is required" : "--nodes is required");
  if (!have_edges) return bad_usage("--edges is required");
  if (!have_seed) return bad_usage("--seed is required");
  if (!output) return bad_usage("missing OUTPUT");

  if (rmat) nodes = std::uint64_t{1} << scale;
  const std::uint64_t pairs = nodes * (nodes - 1) / (undirected ? 2 : 1);  // < 2^64
  const std::uint64_t limit = rmat ? nodes * (nodes - 1) / 4 : pairs;
  if (edges > limit) {
    std::fprintf(stderr,
                 "gen_graph: --edges %llu is too many for %llu nodes (at most %llu for %s%s)\n",
                 static_cast<unsigned long long>(edges), static_cast<unsigned long long>(nodes),
                 static_cast<unsigned long long>(limit), rmat ? "R-MAT, nodes*(nodes-1)/4" : "uniform",
                 rmat ? "" : undirected ? ", undirected" : ", directed");
    return 2;
  }

  const bool to_stdout = std::strcmp(output, "-") == 0;
  std::FILE* f = to_stdout ? stdout : std::fopen(output, "wb");
  if (!f) {
    std::fprintf(stderr, "gen_graph: cannot open %s: %s\n", output, std::strerror(errno));
    return 1;
  }

  std::mt19937_64 rng(seed);
  Output out(f);
  std::uint64_t draws = 0;
  bool complete;
  if (rmat) {
    std::vector<std::uint32_t> perm(nodes);  // Fisher-Yates shuffle of the node ids
    std::iota(perm.begin(), perm.end(), std::uint32_t{0});
    for (std::uint64_t i = nodes - 1; i > 0; --i) std::swap(perm[i], perm[below(rng, i + 1)]);
    // The skew of R-MAT makes duplicates common near the limit: give up (clearly) rather than spin.
    const std::uint64_t max_draws = 100 * edges + 1'000'000;
    complete = generate(
        [&](std::uint32_t& u, std::uint32_t& v) {
          rmat_edge(rng, scale, u, v);
          u = perm[u];
          v = perm[v];
        },
        edges, undirected, max_draws, out, draws);
  } else {
    complete = generate(
        [&](std::uint32_t& u, std::uint32_t& v) {
          u = static_cast<std::uint32_t>(below(rng, nodes));
          v = static_cast<std::uint32_t>(below(rng, nodes));
        },
        edges, undirected, UINT64_MAX, out, draws);
  }
  const bool ok = out.finish() && std::fflush(f) == 0 && (to_stdout || std::fclose(f) == 0);
  if (!ok) {
    std::fprintf(stderr, "gen_graph: write to %s failed: %s\n", output, std::strerror(errno));
    return 1;
  }
  if (!complete) {
    if (!to_stdout) std::remove(output);
    std::fprintf(stderr,
                 "gen_graph: R-MAT too dense: %llu draws gave fewer than %llu distinct edges; use a "
                 "larger --scale or fewer --edges\n",
                 static_cast<unsigned long long>(draws), static_cast<unsigned long long>(edges));
    return 1;
  }
  return 0;
}
