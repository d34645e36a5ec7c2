// PageRank as a replay over the edges: round 0 counts out-degrees, each later round is one step.
#pragma once
#include <algorithm>
#include <functional>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <renoir/renoir.hpp>

#include "options.hpp"

namespace examples {

/// The loop's state, kept small since it is broadcast every round: `share[v]` is rank(v) /
/// outdeg(v), or rank(v) itself for a node without out-edges (no edge reads it then).
/// `next` gathers the round's sums at the leader and is empty when sent.
struct PageRankState {
  std::uint64_t round = 0;
  std::vector<std::uint32_t> outdeg;
  std::vector<double> share;
  std::vector<double> next;

  double rank(std::size_t v) const { return outdeg[v] ? share[v] * outdeg[v] : share[v]; }
};

}  // namespace examples

template <>
struct renoir::transport::Serializer<examples::PageRankState>
    : renoir::transport::Fields<&examples::PageRankState::round, &examples::PageRankState::outdeg,
                                &examples::PageRankState::share, &examples::PageRankState::next> {};

namespace examples {

/// `sum_ranks S` and the 10 highest `node rank` after `iterations` steps of
/// rank'(v) = 0.15/N + 0.85 * sum over u->v of rank(u)/outdeg(u); nullopt on other hosts.
inline std::optional<std::string> pagerank(const renoir::RuntimeConfig& config, const std::string& path,
                                           std::size_t nodes, std::size_t iterations) {
  if (nodes == 0) throw std::invalid_argument("--nodes must be at least 1");
  constexpr double kDamping = 0.85;
  const double n = static_cast<double>(nodes);
  PageRankState init{0, {}, std::vector<double>(nodes, 1.0 / n), {}};
  renoir::StreamContext ctx(config);
  auto result =
      ctx.stream_file(path)
          .filter([](const std::string& line) { return !line.empty(); })
          .map([path, nodes](const std::string& line) { return checked_edge(parse_row<Node>(path, line), nodes); })
          .replay(
              iterations + 1, std::move(init),
              [](std::vector<double>& d, const Edge& e, const PageRankState& s) {
                if (d.empty()) d.assign(s.share.size(), 0.0);
                if (s.round == 0)
                  d[e.first] += 1.0;
                else
                  d[e.second] += s.share[e.first];
              },
              [](PageRankState& s, std::vector<double> d) {
                merge_partial(s.next, std::move(d), std::plus<>());
              },
              [n](PageRankState& s) {
                const std::size_t nodes = s.share.size();
                s.next.resize(nodes, 0.0);
                if (s.round == 0) {  // the degrees: rank stays 1/N
                  s.outdeg.resize(nodes);
                  for (std::size_t v = 0; v < nodes; ++v) s.outdeg[v] = static_cast<std::uint32_t>(s.next[v]);
                  for (std::size_t v = 0; v < nodes; ++v)
                    if (s.outdeg[v]) s.share[v] /= s.outdeg[v];
                } else {
                  for (std::size_t v = 0; v < nodes; ++v) {
                    const double rank = (1 - kDamping) / n + kDamping * s.next[v];
                    s.share[v] = s.outdeg[v] ? rank / s.outdeg[v] : rank;
                  }
                }
                s.next = {};
                ++s.round;
                return true;
              })
          .collect_vec();
  const auto last = final_state(ctx, result);
  if (!last) return std::nullopt;
  const PageRankState& s = *last;
  std::vector<double> rank(s.share.size());
  for (std::size_t v = 0; v < rank.size(); ++v) rank[v] = s.rank(v);
  std::vector<Node> order(rank.size());
  std::iota(order.begin(), order.end(), Node{0});
  const std::size_t top = std::min<std::size_t>(10, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                    [&](Node a, Node b) { return rank[a] != rank[b] ? rank[a] > rank[b] : a < b; });
  std::string out = format("sum_ranks %.12f\n", std::accumulate(rank.begin(), rank.end(), 0.0));
  for (std::size_t i = 0; i < top; ++i) out += format("%u %.12e\n", order[i], rank[order[i]]);
  return out;
}

}  // namespace examples
