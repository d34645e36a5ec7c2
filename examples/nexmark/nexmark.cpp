// Nexmark: the standard streaming benchmark's queries q0..q8 over generated auction events.
//   nexmark (--local N | --remote CONFIG) --events E --query Q [--seed S] [--rows]
// prints `q<Q> rows=<n> checksum=<hex>` (an order-independent hash of the result rows), and
// with --rows every row, sorted: the same output as tools/nexmark_reference.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <renoir/renoir.hpp>

#include "../args.hpp"
#include "queries.hpp"

namespace {

/// Runs `rows` (a stream of one query's rows): their summary, and their formatted text if asked.
/// The (rows, checksum) summary of a stream of rows, as nexmark::Summary.
template <class Rows>
auto summarize(Rows rows) {
  using Pair = std::pair<std::uint64_t, std::uint64_t>;
  return rows
      .fold_assoc(
          Pair{0, 0},
          [](Pair& acc, const auto& row) {
            ++acc.first;
            acc.second += nexmark::row_hash(row);
          },
          [](Pair& acc, const Pair& part) {
            acc.first += part.first;
            acc.second += part.second;
          })
      .collect_vec();
}

/// Runs `rows` (a stream of one query's rows): their summary, and their formatted text if asked.
/// Without --rows the summary folds the query's own blocks (no split: it would cost an exchange).
template <class Rows>
int finish(renoir::StreamContext& ctx, Rows rows, int query, bool keep_rows) {
  std::optional<decltype(summarize(rows))> summary;
  std::optional<renoir::StreamOutput<std::vector<std::string>>> text;
  if (keep_rows) {
    auto parts = rows.split(2);
    summary.emplace(summarize(parts[0]));
    text = parts[1].map([](const auto& row) { return nexmark::format(row); }).collect_vec();
  } else {
    summary.emplace(summarize(rows));
  }
  const auto start = std::chrono::steady_clock::now();
  ctx.execute_blocking();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto s = summary->get();
  if (!s) return 0;  // not the collecting host
  nexmark::Summary total;
  if (!s->empty()) total = nexmark::Summary{s->front().first, s->front().second};
  std::vector<std::string> lines;
  if (text) lines = text->get().value_or(std::vector<std::string>{});
  nexmark::print(std::cout, query, total, keep_rows ? &lines : nullptr);
  std::fprintf(stderr, "elapsed: %.3f s\n", secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto [config, args] = renoir::RuntimeConfig::from_args(argc, argv);
  std::uint64_t events = 0, seed = 42;
  int query = -1;
  bool rows = false;
  bool ok = true;
  for (std::size_t i = 1; i < args.size() && ok; ++i) {
    const std::string& a = args[i];
    if (a == "--rows") rows = true;
    else if (a == "--events" && i + 1 < args.size()) ok = examples::parse_count(args[++i], events) && events > 0;
    else if (a == "--seed" && i + 1 < args.size()) ok = examples::parse_count(args[++i], seed);
    else if (a == "--query" && i + 1 < args.size()) ok = examples::parse_count(args[++i], query) && query <= 8;
    else ok = false;
  }
  if (!ok || events == 0 || query < 0) {
    std::cerr << "usage: " << args[0] << " (--local N | --remote CONFIG) --events E --query Q [--seed S] [--rows]\n"
              << "  Q in 0..8; prints 'q<Q> rows=<n> checksum=<hex>', and with --rows every result row, sorted\n";
    return 2;
  }
  try {
    config.spawn_remote_workers();
    renoir::StreamContext ctx(config);
    using namespace nexmark::jobs;
    switch (query) {
      case 0: return finish(ctx, q0(generated_events(ctx, events, seed, bids)), query, rows);
      case 1: return finish(ctx, q1(generated_events(ctx, events, seed, bids)), query, rows);
      case 2: return finish(ctx, q2(generated_events(ctx, events, seed, bids)), query, rows);
      case 3: return finish(ctx, q3(generated_events(ctx, events, seed, persons | auctions)), query, rows);
      case 4: return finish(ctx, q4(generated_events(ctx, events, seed, auctions | bids)), query, rows);
      case 5: return finish(ctx, q5(generated_events(ctx, events, seed, bids)), query, rows);
      case 6: return finish(ctx, q6(generated_events(ctx, events, seed, auctions | bids)), query, rows);
      case 7: return finish(ctx, q7(generated_events(ctx, events, seed, bids)), query, rows);
      default: return finish(ctx, q8(generated_events(ctx, events, seed, persons | auctions)), query, rows);
    }
  } catch (const std::exception& e) {
    std::cerr << args[0] << ": error: " << e.what() << '\n';
    return 1;
  }
}
