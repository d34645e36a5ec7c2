// gen_points: deterministic Gaussian-blob point cloud generator (CSV x,y) for the k-means jobs.
//
// Usage: gen_points --points N --blobs B --seed S [--spread X] OUTPUT
// Writes N headerless lines "x,y" (%.6f). The B blob centres are uniform in [-100,100]^2; each
// point picks a blob uniformly at random (so blobs interleave in the file) and adds Gaussian noise
// of standard deviation X (default 5) to both coordinates. OUTPUT "-" writes to stdout.
// std::mt19937_64 (fully specified by the standard), our own uniform doubles, Marsaglia's polar
// form of Box-Muller and a log made of IEEE basic operations (libm's may differ by an ulp between
// platforms; CMake adds -ffp-contract=off) give byte-identical files everywhere.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

__extension__ using u128 = unsigned __int128;  // GCC/Clang extension, quiet under -Wpedantic

constexpr std::size_t kOutChunk = 4u << 20;  // bytes buffered before each fwrite
constexpr std::uint64_t kMaxBlobs = 10'000'000;
constexpr double kMaxSpread = 1e9;
constexpr std::size_t kMaxFixed = 48;  // chars of a coordinate in %.6f (|x| < 1e11 given kMaxSpread)

// Uniform in [0, 1) with 53 random bits.
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Uniform in [0, n) via multiply-shift (bias is negligible for our n).
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<u128>(rng()) * n) >> 64);
}

// Natural log of x > 0 from +, -, *, / only: x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh(s) with s = (m-1)/(m+1), |s| < 0.172, summed as a fixed Horner polynomial.
double portable_log(double x) {
  int e = 0;
  double m = std::frexp(x, &e);  // exact, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2;
    --e;
  }
  const double s = (m - 1) / (m + 1), s2 = s * s;
  double p = 0;
  for (int k = 25; k >= 1; k -= 2) p = p * s2 + 1.0 / k;  // s^25/25 < 1e-20
  return 2 * s * p + e * 0.69314718055994530942;
}

// Two independent standard normal deviates (Marsaglia's polar method; sqrt is exact in IEEE).
void normal_pair(std::mt19937_64& rng, double& a, double& b) {
  double u, v, s;
  do {
    u = 2 * unit(rng) - 1;
    v = 2 * unit(rng) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  const double f = std::sqrt(-2 * portable_log(s) / s);
  a = u * f;
  b = v * f;
}

// Buffered line writer (one fwrite per kOutChunk bytes).
class Output {
 public:
  explicit Output(std::FILE* f) : f_(f) { buf_.reserve(kOutChunk + 2 * kMaxFixed + 2); }
  void point(double x, double y) {
    char line[2 * kMaxFixed + 2];
    char* p = std::to_chars(line, line + kMaxFixed, x, std::chars_format::fixed, 6).ptr;
    *p++ = ',';
    p = std::to_chars(p, p + kMaxFixed, y, std::chars_format::fixed, 6).ptr;
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

bool parse_uint(std::string_view s, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

bool parse_double(std::string_view s, double& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

void usage(std::FILE* f) {
  std::fputs(
      "usage: gen_points --points N --blobs B --seed S [--spread X] OUTPUT\n"
      "  --points N   number of points (lines \"x,y\")\n"
      "  --blobs B    number of Gaussian blobs, centres uniform in [-100,100]^2\n"
      "  --seed S     PRNG seed (std::mt19937_64)\n"
      "  --spread X   standard deviation of each blob (default 5)\n"
      "  OUTPUT       output file, or - for stdout\n",
      f);
}

int bad_usage(const char* msg, std::string_view arg = {}) {
  std::fprintf(stderr, "gen_points: %s%.*s\n", msg, static_cast<int>(arg.size()), arg.data());
  usage(stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t points = 0, blobs = 0, seed = 0;
  double spread = 5;
  bool have_points = false, have_blobs = false, have_seed = false;
  const char* output = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    }
    std::string_view key = a, val;
    if (a.starts_with("--") && a.find('=') != std::string_view::npos) {
      key = a.substr(0, a.find('='));
      val = a.substr(a.find('=') + 1);
    } else if (a == "--points" || a == "--blobs" || a == "--seed" || a == "--spread") {
      if (i + 1 >= argc) return bad_usage("missing value for ", a);
      val = argv[++i];
    }
    if (key == "--points") {
      if (!parse_uint(val, points)) return bad_usage("invalid --points: ", val);
      have_points = true;
    } else if (key == "--blobs") {
      if (!parse_uint(val, blobs) || blobs == 0 || blobs > kMaxBlobs)
        return bad_usage("invalid --blobs (1 to 10000000): ", val);
      have_blobs = true;
    } else if (key == "--seed") {
      if (!parse_uint(val, seed)) return bad_usage("invalid --seed: ", val);
      have_seed = true;
    } else if (key == "--spread") {
      if (!parse_double(val, spread) || !(spread >= 0 && spread <= kMaxSpread))
        return bad_usage("invalid --spread (0 to 1e9): ", val);
    } else if (a.size() > 1 && a[0] == '-') {
      return bad_usage("unknown option: ", a);
    } else if (output) {
      return bad_usage("more than one output given: ", a);
    } else {
      output = argv[i];
    }
  }
  if (!have_points) return bad_usage("--points is required");
  if (!have_blobs) return bad_usage("--blobs is required");
  if (!have_seed) return bad_usage("--seed is required");
  if (!output) return bad_usage("missing OUTPUT");

  const bool to_stdout = std::strcmp(output, "-") == 0;
  std::FILE* f = to_stdout ? stdout : std::fopen(output, "wb");
  if (!f) {
    std::fprintf(stderr, "gen_points: cannot open %s: %s\n", output, std::strerror(errno));
    return 1;
  }

  std::mt19937_64 rng(seed);
  std::vector<double> cx(blobs), cy(blobs);
  for (std::uint64_t b = 0; b < blobs; ++b) {
    cx[b] = -100 + 200 * unit(rng);
    cy[b] = -100 + 200 * unit(rng);
  }
  Output out(f);
  for (std::uint64_t i = 0; i < points; ++i) {
    const std::uint64_t b = below(rng, blobs);
    double dx, dy;
    normal_pair(rng, dx, dy);
    out.point(cx[b] + spread * dx, cy[b] + spread * dy);
  }
  const bool ok = out.finish() && std::fflush(f) == 0 && (to_stdout || std::fclose(f) == 0);
  if (!ok) {
    std::fprintf(stderr, "gen_points: write to %s failed: %s\n", output, std::strerror(errno));
    return 1;
  }
  return 0;
}
