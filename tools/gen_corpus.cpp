// gen_corpus: deterministic Zipf-distributed text corpus generator for word-count benchmarks.
//
// Usage: gen_corpus --size BYTES [--seed N] [--vocab N] OUTPUT
// BYTES accepts K/M/G/T suffixes (powers of 1024). OUTPUT "-" writes to stdout.
// The output is exactly BYTES long and, when non-empty, ends with '\n' (the last line is cut
// between words and padded with newlines). A fixed PRNG and plain IEEE arithmetic (no std::
// distributions) make the same seed and size give byte-identical files on every platform.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

__extension__ using u128 = unsigned __int128;  // GCC/Clang extension, quiet under -Wpedantic

constexpr std::uint64_t kDefaultVocab = 50000;
constexpr std::uint64_t kMaxVocab = 10'000'000;
constexpr std::size_t kOutChunk = 4u << 20;  // bytes buffered before each fwrite

// splitmix64: seeds xoshiro from a single 64-bit value.
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256**: fast, well-specified PRNG (output identical on every platform).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n) via multiply-shift (bias is negligible for our n).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<u128>(next()) * n) >> 64);
  }
  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Walker/Vose alias table: O(1) sampling of a discrete distribution.
class AliasTable {
 public:
  explicit AliasTable(const std::vector<double>& weights) {
    const std::size_t n = weights.size();
    double total = 0;
    for (double w : weights) total += w;
    std::vector<double> scaled(n);
    for (std::size_t i = 0; i < n; ++i) scaled[i] = weights[i] * static_cast<double>(n) / total;
    prob_.assign(n, 1.0);
    alias_.resize(n);
    for (std::size_t i = 0; i < n; ++i) alias_[i] = static_cast<std::uint32_t>(i);
    std::vector<std::uint32_t> small, large;
    for (std::size_t i = 0; i < n; ++i)
      (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
    while (!small.empty() && !large.empty()) {
      const std::uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = scaled[s];
      alias_[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    // Leftovers (rounding residue) keep probability 1 and alias to themselves.
  }
  std::uint32_t sample(Rng& rng) const {
    const std::uint64_t i = rng.below(prob_.size());
    return rng.unit() < prob_[i] ? static_cast<std::uint32_t>(i) : alias_[i];
  }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

// Synthetic vocabulary of distinct lowercase words; low ranks (frequent) tend to be short.
struct Vocabulary {
  std::string pool;                  // all words back to back
  std::vector<std::uint32_t> start;  // start[i]..start[i+1] delimits word i

  Vocabulary(std::uint64_t n, Rng& rng) {
    std::unordered_set<std::string> seen;
    seen.reserve(n);
    start.reserve(n + 1);
    start.push_back(0);
    std::string w;
    for (std::uint64_t r = 0; r < n; ++r) {
      const unsigned bits = static_cast<unsigned>(std::bit_width(r + 1));
      for (unsigned attempt = 0;; ++attempt) {
        // Base length grows with log(rank); retries lengthen the word to escape collisions.
        const std::size_t len = 1 + rng.below(4) + bits / 3 + attempt / 8;
        w.clear();
        for (std::size_t k = 0; k < len; ++k) w.push_back(static_cast<char>('a' + rng.below(26)));
        if (seen.insert(w).second) break;
      }
      pool += w;
      start.push_back(static_cast<std::uint32_t>(pool.size()));
    }
  }
  std::string_view word(std::uint32_t i) const {
    return {pool.data() + start[i], start[i + 1] - start[i]};
  }
};

bool is_letter(char c) { return static_cast<unsigned char>((c | 0x20) - 'a') < 26; }

// Buffered writer of whole lines that stops exactly at a byte budget.
class Output {
 public:
  Output(std::FILE* f, std::uint64_t budget) : f_(f), left_(budget) { buf_.reserve(kOutChunk + 4096); }
  bool full() const { return left_ == 0; }
  // Writes `line` plus '\n'. A line that does not fit is cut before the word that would be
  // split, and the remaining budget is filled with '\n' (so no fragment word appears).
  void put_line(std::string_view line) {
    if (line.size() < left_) {
      buf_.append(line);
      buf_ += '\n';
      left_ -= line.size() + 1;
    } else if (left_ > 0) {
      std::size_t keep = static_cast<std::size_t>(left_ - 1);  // reserve the final '\n'
      if (is_letter(line[keep]))
        while (keep > 0 && is_letter(line[keep - 1])) --keep;
      buf_.append(line.substr(0, keep));
      buf_.append(static_cast<std::size_t>(left_) - keep, '\n');
      left_ = 0;
    }
    if (buf_.size() >= kOutChunk || left_ == 0) flush();
  }
  bool ok() const { return ok_; }

 private:
  void flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) ok_ = false;
    buf_.clear();
  }
  std::FILE* f_;
  std::uint64_t left_;
  std::string buf_;
  bool ok_ = true;
};

void generate(Output& out, const Vocabulary& vocab, const AliasTable& zipf, Rng& rng) {
  std::string line;
  char digits[24];
  while (!out.full()) {
    line.clear();
    // 4% empty lines, otherwise 1..20 tokens.
    const std::uint64_t nwords = rng.below(100) < 4 ? 0 : 1 + rng.below(20);
    for (std::uint64_t k = 0; k < nwords; ++k) {
      if (rng.below(1000) < 20) {  // 2%: a number token (not a word)
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, rng.below(10000));
        line.append(digits, end);
      } else {
        const std::size_t at = line.size();
        line += vocab.word(zipf.sample(rng));
        const std::uint64_t c = rng.below(1000);
        if (c < 10) {  // 1%: UPPER
          for (std::size_t i = at; i < line.size(); ++i) line[i] = static_cast<char>(line[i] - 'a' + 'A');
        } else if (c < 110) {  // 10%: Capitalized
          line[at] = static_cast<char>(line[at] - 'a' + 'A');
        }
      }
      if (k + 1 < nwords) {
        const std::uint64_t p = rng.below(1000);
        line += p < 50 ? ", " : p < 80 ? ". " : p < 90 ? "; " : " ";
      } else if (rng.below(4) == 0) {
        line += '.';
      }
    }
    out.put_line(line);
  }
}

// Parses "123", "64K", "200M", "1G", "2T" (also "64KB", "64KiB"); false on error/overflow.
bool parse_size(std::string_view s, std::uint64_t& out) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) return false;
  std::string_view suf(p, s.data() + s.size() - p);
  unsigned shift = 0;
  if (!suf.empty()) {
    switch (suf[0] | 0x20) {
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      default: return false;
    }
    suf.remove_prefix(1);
    if (suf != "" && suf != "B" && suf != "b" && suf != "iB" && suf != "ib") return false;
  }
  if (shift && v > (UINT64_MAX >> shift)) return false;
  out = v << shift;
  return true;
}

bool parse_uint(std::string_view s, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

void usage(std::FILE* f) {
  std::fputs(
      "usage: gen_corpus --size BYTES [--seed N] [--vocab N] OUTPUT\n"
      "  --size BYTES  exact output size; suffixes K, M, G, T (powers of 1024)\n"
      "  --seed N      PRNG seed (default 1)\n"
      "  --vocab N     vocabulary size (default 50000)\n"
      "  OUTPUT        output file, or - for stdout\n",
      f);
}

int bad_usage(const char* msg, std::string_view arg = {}) {
  std::fprintf(stderr, "gen_corpus: %s%.*s\n", msg, static_cast<int>(arg.size()), arg.data());
  usage(stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t size = 0, seed = 1, vocab_size = kDefaultVocab;
  bool have_size = false;
  const char* output = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      usage(stdout);
      return 0;
    }
    std::string_view val;
    std::string_view key = a;
    if (a.starts_with("--") && a.find('=') != std::string_view::npos) {
      key = a.substr(0, a.find('='));
      val = a.substr(a.find('=') + 1);
    } else if (a == "--size" || a == "--seed" || a == "--vocab") {
      if (i + 1 >= argc) return bad_usage("missing value for ", a);
      val = argv[++i];
    }
    if (key == "--size") {
      if (!parse_size(val, size)) return bad_usage("invalid size: ", val);
      have_size = true;
    } else if (key == "--seed") {
      if (!parse_uint(val, seed)) return bad_usage("invalid seed: ", val);
    } else if (key == "--vocab") {
      if (!parse_uint(val, vocab_size) || vocab_size == 0 || vocab_size > kMaxVocab)
        return bad_usage("invalid vocabulary size: ", val);
    } else if (a.size() > 1 && a[0] == '-') {
      return bad_usage("unknown option: ", a);
    } else if (output) {
      return bad_usage("more than one output given: ", a);
    } else {
      output = argv[i];
    }
  }
  if (!have_size) return bad_usage("--size is required");
  if (!output) return bad_usage("missing OUTPUT");

  const bool to_stdout = std::strcmp(output, "-") == 0;
  std::FILE* f = to_stdout ? stdout : std::fopen(output, "wb");
  if (!f) {
    std::fprintf(stderr, "gen_corpus: cannot open %s: %s\n", output, std::strerror(errno));
    return 1;
  }

  Rng rng(seed);
  const Vocabulary vocab(vocab_size, rng);
  std::vector<double> weights(vocab_size);
  for (std::uint64_t r = 0; r < vocab_size; ++r) weights[r] = 1.0 / static_cast<double>(r + 1);  // s = 1
  const AliasTable zipf(weights);

  Output out(f, size);
  generate(out, vocab, zipf, rng);
  const bool ok = out.ok() && std::fflush(f) == 0 && (to_stdout || std::fclose(f) == 0);
  if (!ok) {
    std::fprintf(stderr, "gen_corpus: write to %s failed: %s\n", output, std::strerror(errno));
    return 1;
  }
  return 0;
}
