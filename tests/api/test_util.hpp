// Helpers shared by the api tests: parallelism fixtures, temp files, seeds, multisets.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <renoir/renoir.hpp>

namespace renoir::test {

/// Where a parametrized test runs: `local(n)`, or simulated hosts with the given cores each
/// (every host its own replicas, batches serialized through an in-memory network).
struct Topology {
  std::size_t local = 0;           ///< replicas per unlimited block when local
  std::vector<std::size_t> hosts;  ///< cores per simulated host, when not local

  std::size_t replicas() const {
    std::size_t n = local;
    for (std::size_t c : hosts) n += c;
    return n;
  }
  RuntimeConfig config() const { return hosts.empty() ? RuntimeConfig::local(local) : RuntimeConfig::simulated(hosts); }
};

inline void PrintTo(const Topology& t, std::ostream* os) {
  if (t.hosts.empty()) {
    *os << "local(" << t.local << ")";
    return;
  }
  *os << "simulated hosts with cores {";
  for (std::size_t i = 0; i < t.hosts.size(); ++i) *os << (i ? ", " : "") << t.hosts[i];
  *os << "}";
}

/// Fixture of the tests run at parallelism 1, 2 and 4, and on 2 hosts (2 + 1 cores).
class Par : public ::testing::TestWithParam<Topology> {
 protected:
  /// Replicas of an unlimited block.
  std::size_t n() const { return GetParam().replicas(); }
  RuntimeConfig config() const { return GetParam().config(); }
  StreamContext context() const { return StreamContext(config()); }
};

std::string topology_name(const ::testing::TestParamInfo<Topology>& info);

#define RENOIR_PAR_SUITE(Suite)                                                                          \
  class Suite : public ::renoir::test::Par {};                                                           \
  INSTANTIATE_TEST_SUITE_P(Par, Suite,                                                                   \
                           ::testing::Values(::renoir::test::Topology{1, {}}, ::renoir::test::Topology{2, {}}, \
                                             ::renoir::test::Topology{4, {}},                            \
                                             ::renoir::test::Topology{0, {2, 1}}),                       \
                           ::renoir::test::topology_name)

/// The value a sink gathered; fails the test (and returns an empty value) if there is none.
template <class T>
T take(StreamOutput<T>& out) {
  auto v = out.get();
  EXPECT_TRUE(v.has_value()) << "the sink published no result";
  return v ? std::move(*v) : T{};
}

/// Concatenates strings and numbers (numbers through std::to_string). Used instead of
/// `"literal" + std::to_string(n)`, which trips a false -Wrestrict in GCC 12.
inline std::string str_part(const std::string& s) { return s; }
inline std::string str_part(const char* s) { return s; }
inline std::string str_part(char c) { return std::string(1, c); }
template <class N>
  requires std::is_arithmetic_v<N>
std::string str_part(N n) {
  return std::to_string(n);
}
template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string s;
  (s.append(str_part(parts)), ...);
  return s;
}

inline std::string par_name(const ::testing::TestParamInfo<std::size_t>& info) { return cat("local", info.param); }

inline std::string topology_name(const ::testing::TestParamInfo<Topology>& info) {
  if (info.param.hosts.empty()) return cat("local", info.param.local);
  std::string name = "hosts";
  for (std::size_t c : info.param.hosts) name += cat("_", c);
  return name;
}

/// Counts of each element (a multiset that compares well in assertions).
template <class Range>
auto multiset(const Range& r) {
  std::map<std::remove_cvref_t<decltype(*std::begin(r))>, std::size_t> m;
  for (const auto& x : r) ++m[x];
  return m;
}

/// The pairs of a keyed result as a map; a key that comes twice fails the test.
template <class Pairs>
auto to_map(const Pairs& pairs) {
  using P = std::remove_cvref_t<decltype(*std::begin(pairs))>;
  std::map<std::remove_cv_t<typename P::first_type>, typename P::second_type> m;
  for (const auto& p : pairs) EXPECT_TRUE(m.emplace(p.first, p.second).second) << "a key came twice";
  return m;
}

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

/// [0, n) as a vector.
inline std::vector<int> iota(int n, int from = 0) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i) v.push_back(from + i);
  return v;
}

/// Replica i of n of stream_par_iter(begin, end) gets [begin + len*i/n, begin + len*(i+1)/n).
inline std::pair<long long, long long> share(long long begin, long long end, std::size_t i, std::size_t n) {
  const long long len = end > begin ? end - begin : 0;
  return {begin + len * static_cast<long long>(i) / static_cast<long long>(n),
          begin + len * static_cast<long long>(i + 1) / static_cast<long long>(n)};
}

/// A fresh directory, removed with its content at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "renoir-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

  /// Writes `content` (bytes as given) into `name`; returns the path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string p = file(name);
    std::ofstream out(p, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    if (!out) throw std::runtime_error("cannot write " + p);
    return p;
  }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The lines of `content` the way a plain reader sees them: std::getline, then one trailing
/// '\r' dropped.
inline std::vector<std::string> lines_of(const std::string& content) {
  std::vector<std::string> lines;
  std::istringstream in(content);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

/// Seed of the randomized tests: RENOIR_TEST_SEED if set, else a fresh one; printed either way.
inline std::uint64_t test_seed() {
  std::uint64_t seed;
  if (const char* env = std::getenv("RENOIR_TEST_SEED"); env && *env) {
    seed = std::strtoull(env, nullptr, 0);
  } else {
    seed = (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
  }
  std::cout << "[ seed     ] RENOIR_TEST_SEED=" << seed << " replays this test\n";
  ::testing::Test::RecordProperty("seed", std::to_string(seed));
  return seed;
}

}  // namespace renoir::test
