// Randomized property test: random small pipelines over the verb set (random verbs, keys,
// parameters and inputs) give, at local(1..4) and on simulated hosts, the multiset of results
// that a sequential interpreter of the same pipeline computes with std containers.
// The seed is printed; RENOIR_PROPERTY_SEED=s RENOIR_PROPERTY_CASES=1 replays one pipeline.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace renoir::test {
namespace {

using Int = long long;
using Items = std::vector<Int>;
/// The stream every stage takes and returns: a block fed by a gate, with nothing fused yet.
using E = Stream<Int, core::ReceiverSource<Int>, core::Identity>;

Int pos_mod(Int x, Int m) { return ((x % m) + m) % m; }
/// (key, value) as one item: keys are < 8.
Int encode(Int key, Int value) { return value * 8 + key; }

// ---- the random functions, shared by the engine and the interpreter ----
struct Affine {  // x -> (a x + b) mod m, keeps values small
  Int a = 1, b = 0, m = 1000;
  Int operator()(Int x) const { return (x * a + b) % m; }
};
struct Drop {  // drops x == r (mod m); r == m keeps everything
  Int m = 2, r = 2;
  bool operator()(Int x) const { return pos_mod(x, m) != r; }
};
struct Expand {  // x -> x, x+1, ... (base + x mod k items)
  Int base = 1, k = 1;
  Items operator()(Int x) const {
    Items out;
    for (Int i = 0; i < base + pos_mod(x, k); ++i) out.push_back(x + i);
    return out;
  }
};
struct Halve {  // drops multiples of m (m == 0 keeps all), divides the rest by d
  Int m = 0, d = 1;
  std::optional<Int> operator()(Int x) const {
    if (m > 0 && pos_mod(x, m) == 0) return std::nullopt;
    return x / d;
  }
};
struct KeyOf {  // key in [0, k), k <= 6
  Int k = 1;
  Int operator()(Int x) const { return pos_mod(x, k); }
};

enum class Kind {
  chain,          // map . filter . flat_map . filter_map, fused
  chain2,         // inspect . map_memo . map to vector . flatten . filter . map_memo_by, fused
  shuffle,        // map . shuffle
  gather,         // filter . replication(one)
  limited,        // map . replication(limited(2))
  repartition,    // repartition_by(key)
  broadcast,      // broadcast . unique_assoc
  unique,         // map . unique_assoc
  unique_by_key,  // unique_assoc_by_key(key) . map(key)
  group_reduce,   // group_by . keyed filter . reduce(+) . unkey
  group_fold,     // group_by . keyed map . fold(init, sum of squares) . unkey
  group_by_fold,  // group_by_fold (neutral sum, or max with any init)
  group_count,    // group_by_count
  group_sum,      // group_by_sum(key, affine)
  group_avg,      // group_by_avg
  group_min,      // group_by_min_element / group_by_max_element
  group_by_reduce,  // group_by_reduce(min)
  keyed_chain,    // key_by . keyed map . flat_map . filter_map . inspect . unkey
  keyed_merge,    // split(2) . group_by each side . merge . reduce
  keyed_shuffle,  // group_by . shuffle (pairs)
  fold,           // fold(init, +)
  fold_assoc,     // fold_assoc (neutral sum, or max with any init)
  reduce,         // reduce(+)
  reduce_assoc,   // reduce_assoc(min or +)
  sorted,         // sorted / sorted_by / limit / sorted_limit / sorted_limit_by
  merge,          // split(2) . different maps . merge
  merge_replications,  // merge of a one-replica side and an unlimited side
  zip_sorted,     // split(2) . both sides sorted . zip: pairs i-th with i-th
  zip_count,      // split(2) . zip of unordered sides: min(|l|, |r|) pairs
  route,          // route() with two routes . merge
  count_,
};
constexpr int kinds = static_cast<int>(Kind::count_);
const char* const kind_names[kinds] = {
    "chain",        "chain2",       "shuffle",    "gather",          "limited",      "repartition",
    "broadcast",    "unique",       "unique_by_key", "group_reduce", "group_fold",   "group_by_fold",
    "group_count",  "group_sum",    "group_avg",  "group_min",       "group_by_reduce", "keyed_chain",
    "keyed_merge",  "keyed_shuffle", "fold",      "fold_assoc",      "reduce",       "reduce_assoc",
    "sorted",       "merge",        "merge_replications", "zip_sorted", "zip_count",   "route"};

struct Stage {
  Kind kind = Kind::shuffle;
  Affine f, g;
  Drop drop;
  Expand expand;
  Halve halve;
  KeyOf key;
  Int init = 0;
  int variant = 0;
  std::size_t n = 0, offset = 0, capacity = 1;
};

enum class Source { iter, par_iter_range, par_iter_index };
enum class Sink { collect_vec, collect_vec_all, collect_count, for_each };

struct Pipeline {
  std::uint64_t seed = 0;
  Source source = Source::iter;
  Items input;
  std::vector<Stage> stages;
  Sink sink = Sink::collect_vec;
};

std::ostream& operator<<(std::ostream& os, const Stage& s) {
  os << kind_names[static_cast<int>(s.kind)] << "{f=" << s.f.a << "x+" << s.f.b << "%" << s.f.m << " g=" << s.g.a
     << "x+" << s.g.b << "%" << s.g.m << " drop=" << s.drop.r << "%" << s.drop.m << " expand=" << s.expand.base << "+%"
     << s.expand.k << " halve=" << s.halve.m << "/" << s.halve.d << " key=%" << s.key.k << " init=" << s.init
     << " variant=" << s.variant << " n=" << s.n << " offset=" << s.offset << " capacity=" << s.capacity << "}";
  return os;
}

std::string describe(const Pipeline& p) {
  static const char* const sources[] = {"stream_iter", "stream_par_iter(range)", "stream_par_iter(0, n).map"};
  static const char* const sinks[] = {"collect_vec", "collect_vec_all", "collect_count", "for_each"};
  std::ostringstream os;
  os << sources[static_cast<int>(p.source)] << "([";
  for (std::size_t i = 0; i < p.input.size(); ++i) os << (i ? "," : "") << p.input[i];
  os << "])";
  for (const Stage& s : p.stages) os << "\n  ." << s;
  os << "\n  ." << sinks[static_cast<int>(p.sink)] << "()";
  return os.str();
}

// ---- random pipelines ----
Pipeline random_pipeline(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](Int lo, Int hi) { return std::uniform_int_distribution<Int>(lo, hi)(rng); };
  Pipeline p;
  p.seed = seed;
  p.source = static_cast<Source>(pick(0, 2));
  // Sizes around the replica counts matter most (empty replicas, one item, two items).
  const Int size = pick(0, 3) == 0 ? pick(0, 3) : pick(0, 40);
  for (Int i = 0; i < size; ++i) p.input.push_back(pick(-30, 30));
  const Int stages = pick(1, 4);
  for (Int i = 0; i < stages; ++i) {
    Stage s;
    s.kind = static_cast<Kind>(pick(0, kinds - 1));
    s.f = {pick(-3, 3), pick(-5, 5), pick(40, 100)};
    s.g = {pick(-3, 3), pick(-5, 5), pick(40, 100)};
    s.drop.m = pick(2, 5);
    s.drop.r = pick(0, s.drop.m);  // r == m: keeps everything
    s.expand = {pick(0, 1), pick(1, 3)};
    if (s.expand.base == 0 && s.expand.k == 1) s.expand.base = 1;  // would drop everything
    s.halve = {pick(0, 4), pick(1, 2)};
    if (s.halve.m == 1) s.halve.m = 0;
    s.key.k = pick(1, 6);
    s.init = pick(-20, 20);
    s.variant = static_cast<int>(pick(0, 4));
    s.n = static_cast<std::size_t>(pick(0, 12));
    s.offset = static_cast<std::size_t>(pick(0, 1) ? 0 : pick(0, 5));
    s.capacity = static_cast<std::size_t>(pick(1, 8));
    p.stages.push_back(s);
  }
  p.sink = static_cast<Sink>(pick(0, 3));
  return p;
}

// ---- the sequential interpreter ----
template <class F>
Items map_all(const Items& in, F f) {
  Items out;
  for (Int x : in) out.push_back(f(x));
  return out;
}
template <class P>
Items filter_all(const Items& in, P p) {
  Items out;
  for (Int x : in)
    if (p(x)) out.push_back(x);
  return out;
}
Items distinct(Items v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}
std::map<Int, Items> groups(const Items& in, KeyOf key) {
  std::map<Int, Items> g;
  for (Int x : in) g[key(x)].push_back(x);
  return g;
}
Items window(Items sorted, std::size_t n, std::size_t offset) {
  Items out;
  for (std::size_t i = offset; i < sorted.size() && i < offset + n; ++i) out.push_back(sorted[i]);
  return out;
}
Int fold_max(Int acc, Int x) { return std::max(acc, x); }

/// `inspected` receives how many items each probe (inspect) must see, in stage order.
Items interpret_stage(const Stage& s, const Items& in, std::vector<std::size_t>& inspected) {
  switch (s.kind) {
    case Kind::chain: {
      Items out;
      for (Int x : filter_all(map_all(in, s.f), s.drop))
        for (Int y : s.expand(x))
          if (auto z = s.halve(y)) out.push_back(*z);
      return out;
    }
    case Kind::chain2: {
      inspected.push_back(in.size());
      Items out;
      for (Int x : map_all(in, s.f))
        for (Int y : {x, s.g(x)})
          if (s.drop(y)) out.push_back(s.g(y) + s.key(y));
      return out;
    }
    case Kind::shuffle:
    case Kind::limited:
      return map_all(in, s.f);
    case Kind::gather:
      return filter_all(in, s.drop);
    case Kind::repartition:
      return in;
    case Kind::broadcast:
      return distinct(in);
    case Kind::unique:
      return distinct(map_all(in, s.f));
    case Kind::unique_by_key:
      return distinct(map_all(in, s.key));
    case Kind::group_reduce: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) {
        Items kept = filter_all(xs, [&](Int x) { return s.drop(x + k); });
        if (kept.empty()) continue;
        Int sum = 0;
        for (Int x : kept) sum += x;
        out.push_back(encode(k, sum));
      }
      return out;
    }
    case Kind::group_fold: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) {
        Int acc = s.init;
        for (Int x : xs) acc += s.f(x) * s.f(x);
        out.push_back(encode(k, acc));
      }
      return out;
    }
    case Kind::group_by_fold: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) {
        Int acc = s.variant % 2 ? s.init : 0;
        for (Int x : xs) acc = s.variant % 2 ? fold_max(acc, x) : acc + x;
        out.push_back(encode(k, acc));
      }
      return out;
    }
    case Kind::group_count: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) out.push_back(encode(k, static_cast<Int>(xs.size())));
      return out;
    }
    case Kind::group_sum: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) {
        Int sum = 0;
        for (Int x : xs) sum += s.f(x);
        out.push_back(encode(k, sum));
      }
      return out;
    }
    case Kind::group_avg: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) {
        double sum = 0;
        for (Int x : xs) sum += static_cast<double>(x);
        out.push_back(encode(k, std::llround(sum / static_cast<double>(xs.size()) * 1000.0)));
      }
      return out;
    }
    case Kind::group_min: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key))
        out.push_back(encode(k, s.variant % 2 ? *std::max_element(xs.begin(), xs.end()) : *std::min_element(xs.begin(), xs.end())));
      return out;
    }
    case Kind::group_by_reduce: {
      Items out;
      for (auto& [k, xs] : groups(in, s.key)) out.push_back(encode(k, *std::min_element(xs.begin(), xs.end())));
      return out;
    }
    case Kind::keyed_chain: {
      inspected.push_back(0);
      Items out;
      for (Int x : in) {
        const Int k = s.key(x);
        for (Int y : s.expand(x + k))
          if (auto z = s.halve(y)) {
            ++inspected.back();
            out.push_back(encode(k, *z));
          }
      }
      return out;
    }
    case Kind::keyed_merge: {
      Items both = map_all(in, [&](Int x) { return x + 1; });
      for (Int x : filter_all(in, s.drop)) both.push_back(x);
      Items out;
      for (auto& [k, xs] : groups(both, s.key)) {
        Int sum = 0;
        for (Int x : xs) sum += x;
        out.push_back(encode(k, sum));
      }
      return out;
    }
    case Kind::keyed_shuffle:
      return map_all(in, [&](Int x) { return encode(s.key(x), x); });
    case Kind::fold:
    case Kind::reduce: {
      if (in.empty()) return {};
      Int acc = s.kind == Kind::fold ? s.init : 0;
      for (Int x : in) acc += x;
      return {acc};
    }
    case Kind::fold_assoc: {
      if (in.empty()) return {};
      Int acc = s.variant % 2 ? s.init : 0;
      for (Int x : in) acc = s.variant % 2 ? fold_max(acc, x) : acc + x;
      return {acc};
    }
    case Kind::reduce_assoc: {
      if (in.empty()) return {};
      Int acc = s.variant % 2 ? in[0] : 0;
      for (Int x : in) acc = s.variant % 2 ? std::min(acc, x) : acc + x;
      return {acc};
    }
    case Kind::sorted: {
      Items up = in;
      std::sort(up.begin(), up.end());
      Items down(up.rbegin(), up.rend());
      switch (s.variant) {
        case 0: return up;
        case 1: return window(up, s.n, s.offset);
        case 2: return window(up, s.n, s.offset);
        case 3: return window(down, s.n, 0);
        default: return window(down, s.n, s.offset);
      }
    }
    case Kind::merge: {
      Items out = map_all(in, s.f);
      for (Int x : filter_all(in, s.drop)) out.push_back(x);
      return out;
    }
    case Kind::merge_replications: {
      Items out = map_all(in, s.f);
      for (Int x : filter_all(map_all(in, s.g), s.drop)) out.push_back(x);
      return out;
    }
    case Kind::zip_sorted: {
      Items l = map_all(in, s.f), r = filter_all(in, s.drop);
      std::sort(l.begin(), l.end());
      std::sort(r.begin(), r.end());
      Items out;
      for (std::size_t i = 0; i < l.size() && i < r.size(); ++i) out.push_back(l[i] * 3 + r[i]);
      return out;
    }
    case Kind::zip_count: {
      const std::size_t l = in.size(), r = filter_all(in, s.drop).size();
      return Items(std::min(l, r), s.init);
    }
    case Kind::route: {
      Items out;
      for (Int x : in)
        if (pos_mod(x, 2) == 0)
          out.push_back(s.f(x));
        else if (pos_mod(x, 3) == 0)
          out.push_back(x);
      return out;
    }
    case Kind::count_:
      break;
  }
  return {};
}

// ---- the engine ----
using Probe = std::shared_ptr<std::atomic<std::size_t>>;

/// Any stream of Int as E: a forward exchange into a new block of unlimited replication (no
/// item moves between replica indices beyond i mod n).
template <class S>
E erase(const S& s) {
  return s.replication(Replication::unlimited());
}
template <class Keyed>
E encode_pairs(const Keyed& keyed) {
  return erase(keyed.unkey().map([](const auto& kv) { return encode(kv.first, static_cast<Int>(kv.second)); }));
}

E build_stage(const Stage& s, const E& in, std::vector<Probe>& probes) {
  const auto add = [](Int& acc, Int x) { acc += x; };
  switch (s.kind) {
    case Kind::chain:
      return erase(in.map(s.f).filter(s.drop).flat_map(s.expand).filter_map(s.halve));
    case Kind::chain2: {
      Probe seen = probes.emplace_back(std::make_shared<std::atomic<std::size_t>>(0));
      const Affine g = s.g;
      const KeyOf key = s.key;
      return erase(in.inspect([seen](Int) { seen->fetch_add(1, std::memory_order_relaxed); })
                       .map_memo(s.f, s.capacity)
                       .map([g](Int x) { return std::vector<Int>{x, g(x)}; })
                       .flatten()
                       .filter(s.drop)
                       .map_memo_by([g, key](Int y) { return g(y) + key(y); }, [](Int y) { return y; }, s.capacity));
    }
    case Kind::shuffle:
      return in.map(s.f).shuffle();
    case Kind::gather:
      return in.filter(s.drop).replication(Replication::one());
    case Kind::limited:
      return erase(in.map(s.f).replication(Replication::limited(2)));
    case Kind::repartition:
      return in.repartition_by(Replication::unlimited(), s.key);
    case Kind::broadcast:
      return erase(in.broadcast().unique_assoc());
    case Kind::unique:
      return erase(in.map(s.f).unique_assoc());
    case Kind::unique_by_key:
      return erase(in.unique_assoc_by_key(s.key).map(s.key));
    case Kind::group_reduce: {
      const Drop drop = s.drop;
      return encode_pairs(in.group_by(s.key).filter([drop](Int k, const Int& x) { return drop(x + k); }).reduce(add));
    }
    case Kind::group_fold: {
      const Affine f = s.f;
      return encode_pairs(in.group_by(s.key).map([f](Int, Int x) { return f(x); }).fold(s.init, [](Int& acc, Int y) { acc += y * y; }));
    }
    case Kind::group_by_fold:
      if (s.variant % 2)
        return encode_pairs(in.group_by_fold(s.key, s.init, [](Int& acc, Int x) { acc = fold_max(acc, x); },
                                             [](Int& acc, Int part) { acc = fold_max(acc, part); }));
      return encode_pairs(in.group_by_fold(s.key, Int{0}, add, add));
    case Kind::group_count:
      return encode_pairs(in.group_by_count(s.key));
    case Kind::group_sum:
      return encode_pairs(in.group_by_sum(s.key, s.f));
    case Kind::group_avg:
      return erase(in.group_by_avg(s.key, [](Int x) { return x; }).unkey().map([](const std::pair<Int, double>& kv) {
        return encode(kv.first, std::llround(kv.second * 1000.0));
      }));
    case Kind::group_min:
      if (s.variant % 2) return encode_pairs(in.group_by_max_element(s.key, [](Int x) { return x; }));
      return encode_pairs(in.group_by_min_element(s.key, [](Int x) { return x; }));
    case Kind::group_by_reduce:
      return encode_pairs(in.group_by_reduce(s.key, [](Int& a, Int x) { a = std::min(a, x); }));
    case Kind::keyed_chain: {
      Probe seen = probes.emplace_back(std::make_shared<std::atomic<std::size_t>>(0));
      const Expand expand = s.expand;
      const Halve halve = s.halve;
      return encode_pairs(in.key_by(s.key)
                              .map([](Int k, Int x) { return x + k; })
                              .flat_map([expand](Int, Int x) { return expand(x); })
                              .filter_map([halve](Int, Int x) { return halve(x); })
                              .inspect([seen](Int, const Int&) { seen->fetch_add(1, std::memory_order_relaxed); }));
    }
    case Kind::keyed_merge: {
      auto sides = in.split(2);
      auto left = sides[0].map([](Int x) { return x + 1; }).group_by(s.key);
      auto right = sides[1].filter(s.drop).group_by(s.key);
      return encode_pairs(left.merge(right).reduce(add));
    }
    case Kind::keyed_shuffle:
      return erase(in.group_by(s.key).shuffle().map([](const std::pair<Int, Int>& kv) { return encode(kv.first, kv.second); }));
    case Kind::fold:
      return erase(in.fold(s.init, add));
    case Kind::fold_assoc:
      if (s.variant % 2)
        return erase(in.fold_assoc(s.init, [](Int& acc, Int x) { acc = fold_max(acc, x); },
                                   [](Int& acc, Int part) { acc = fold_max(acc, part); }));
      return erase(in.fold_assoc(Int{0}, add, add));
    case Kind::reduce:
      return erase(in.reduce(add));
    case Kind::reduce_assoc:
      if (s.variant % 2) return erase(in.reduce_assoc([](Int& a, Int x) { a = std::min(a, x); }));
      return erase(in.reduce_assoc(add));
    case Kind::sorted:
      switch (s.variant) {
        case 0: return erase(in.sorted());
        case 1: return erase(in.sorted().limit(s.n, s.offset));
        case 2: return erase(in.sorted_limit(s.n, s.offset));
        case 3: return erase(in.sorted_by([](Int a, Int b) { return b <=> a; }).limit(s.n));
        default: return erase(in.sorted_limit_by([](Int a, Int b) { return a > b; }, s.n, s.offset));
      }
    case Kind::merge: {
      auto sides = in.split(2);
      return sides[0].map(s.f).merge(sides[1].filter(s.drop));
    }
    case Kind::merge_replications: {
      auto sides = in.split(2);
      return sides[0].replication(Replication::one()).map(s.f).merge(sides[1].map(s.g).shuffle().filter(s.drop));
    }
    case Kind::zip_sorted: {
      auto sides = in.split(2);
      return erase(sides[0].map(s.f).sorted().zip(sides[1].filter(s.drop).sorted()).map([](const std::pair<Int, Int>& lr) {
        return lr.first * 3 + lr.second;
      }));
    }
    case Kind::zip_count: {
      auto sides = in.split(2);
      const Int init = s.init;
      return erase(sides[0].shuffle().zip(sides[1].filter(s.drop)).map([init](const std::pair<Int, Int>&) { return init; }));
    }
    case Kind::route: {
      auto routes = in.route().add_route([](Int x) { return pos_mod(x, 2) == 0; }).add_route([](Int x) { return pos_mod(x, 3) == 0; }).build();
      return routes[0].map(s.f).merge(routes[1]);
    }
    case Kind::count_:
      break;
  }
  throw std::logic_error("unknown stage");
}

/// A pipeline built into a context: its result once the job has run.
struct Built {
  const Pipeline* pipeline;
  std::vector<Probe> probes;
  std::optional<StreamOutput<std::vector<Int>>> items;
  std::optional<StreamOutput<std::size_t>> count;
  std::shared_ptr<std::mutex> mutex = std::make_shared<std::mutex>();
  std::shared_ptr<Items> each = std::make_shared<Items>();
};

Built build(StreamContext& ctx, const Pipeline& p) {
  Built run{&p, {}, {}, {}};
  E s = [&]() -> E {
    switch (p.source) {
      case Source::iter: return erase(ctx.stream_iter(p.input));
      case Source::par_iter_range: return erase(ctx.stream_par_iter(p.input));
      default: {
        auto input = std::make_shared<const Items>(p.input);
        return erase(ctx.stream_par_iter(std::size_t{0}, input->size()).map([input](std::size_t i) { return (*input)[i]; }));
      }
    }
  }();
  for (const Stage& stage : p.stages) s = build_stage(stage, s, run.probes);
  switch (p.sink) {
    case Sink::collect_vec: run.items = s.collect_vec(); break;
    case Sink::collect_vec_all: run.items = s.collect_vec_all(); break;
    case Sink::collect_count: run.count = s.collect_count(); break;
    case Sink::for_each: {
      auto mutex = run.mutex;
      auto each = run.each;
      s.for_each([mutex, each](Int x) {
        std::lock_guard lock(*mutex);
        each->push_back(x);
      });
      break;
    }
  }
  return run;
}

// ---- the driver ----
std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::uint64_t default_cases = 240;
#else
constexpr std::uint64_t default_cases = 2000;
#endif
constexpr std::size_t pipelines_per_job = 5;

std::string show(const Items& v) {
  std::ostringstream os;
  os << "{";
  for (std::size_t i = 0; i < v.size() && i < 60; ++i) os << (i ? "," : "") << v[i];
  if (v.size() > 60) os << ",... (" << v.size() << " items)";
  os << "}";
  return os.str();
}

TEST(Property, RandomPipelinesGiveTheSequentialResultAtEveryTopology) {
  const std::uint64_t seed = env_number("RENOIR_PROPERTY_SEED", std::random_device{}());
  const std::uint64_t cases = env_number("RENOIR_PROPERTY_CASES", default_cases);
  std::cout << "property seed " << seed << ", " << cases << " pipelines (replay: RENOIR_PROPERTY_SEED=" << seed
            << " RENOIR_PROPERTY_CASES=" << cases << ")" << std::endl;
  std::vector<Pipeline> pipelines;
  for (std::uint64_t i = 0; i < cases; ++i) pipelines.push_back(random_pipeline(seed + i));

  struct Expected {
    Items items;
    std::vector<std::size_t> inspected;
  };
  std::vector<Expected> expected;
  std::vector<int> kind_uses(kinds, 0);
  for (const Pipeline& p : pipelines) {
    Expected e{p.input, {}};
    for (const Stage& s : p.stages) {
      e.items = interpret_stage(s, e.items, e.inspected);
      ++kind_uses[static_cast<int>(s.kind)];
    }
    std::sort(e.items.begin(), e.items.end());
    expected.push_back(std::move(e));
  }
  if (cases >= 500) {
    for (int k = 0; k < kinds; ++k) EXPECT_GT(kind_uses[k], 0) << kind_names[k] << " never drawn";
  }

  const std::vector<Topology> topologies = {{1, {}}, {2, {}}, {3, {}}, {4, {}}, {0, {2, 1}}, {0, {1, 1, 2}}};
  int failures = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const Topology& topology : topologies) {
    std::ostringstream where;
    PrintTo(topology, &where);
    for (std::size_t first = 0; first < pipelines.size() && failures < 5; first += pipelines_per_job) {
      const std::size_t last = std::min(pipelines.size(), first + pipelines_per_job);
      StreamContext ctx(topology.config());
      std::vector<Built> runs;
      for (std::size_t i = first; i < last; ++i) runs.push_back(build(ctx, pipelines[i]));
      try {
        ctx.execute_blocking();
      } catch (const std::exception& e) {
        ADD_FAILURE() << where.str() << ": the job of pipelines " << first << ".." << last - 1 << " threw: " << e.what();
        ++failures;
        continue;
      }
      for (std::size_t i = first; i < last && failures < 5; ++i) {
        Built& run = runs[i - first];
        const Pipeline& p = pipelines[i];
        const Expected& want = expected[i];
        std::string wrong;
        if (run.count) {
          const auto got = run.count->get();
          if (!got || *got != want.items.size())
            wrong = "collect_count gave " + (got ? std::to_string(*got) : std::string("nothing")) + ", expected " +
                    std::to_string(want.items.size());
        } else {
          Items got;
          if (run.items) {
            auto v = run.items->get();
            if (v) got = std::move(*v);
            else wrong = "the sink published no result";
          } else {
            got = *run.each;
          }
          std::sort(got.begin(), got.end());
          if (wrong.empty() && got != want.items) wrong = "got " + show(got) + "\n  expected " + show(want.items);
        }
        for (std::size_t j = 0; wrong.empty() && j < run.probes.size(); ++j)
          if (run.probes[j]->load() != want.inspected[j])
            wrong = "inspect #" + std::to_string(j) + " saw " + std::to_string(run.probes[j]->load()) + " items, expected " +
                    std::to_string(want.inspected[j]);
        if (!wrong.empty()) {
          ++failures;
          ADD_FAILURE() << where.str() << ", pipeline " << i << ":\n  " << describe(p) << "\n  " << wrong
                        << "\n  replay: RENOIR_PROPERTY_SEED=" << p.seed << " RENOIR_PROPERTY_CASES=1";
        }
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << cases << " pipelines x " << topologies.size() << " topologies in " << seconds << " s" << std::endl;
}

}  // namespace
}  // namespace renoir::test
