// Transitive closure by semi-naive evaluation: an iterate_delta whose new paths go around again.
#pragma once
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <vector>

#include <renoir/renoir.hpp>

#include "options.hpp"

namespace examples {

/// Successor lists of the edges in `path` (the static side of the join in the loop, shared by
/// every replica of the body, as a broadcast variable).
inline std::shared_ptr<const std::vector<std::vector<Node>>> successors(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  auto adj = std::make_shared<std::vector<std::vector<Node>>>();
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const Edge e = parse_row<Node>(path, line);
    if (adj->size() <= std::max(e.first, e.second)) adj->resize(std::max(e.first, e.second) + std::size_t{1});
    (*adj)[e.first].push_back(e.second);
  }
  return adj;
}

/// `pairs P`: pairs (u, v), u != v, with v reachable from u in at most max_iterations + 1
/// steps; nullopt on the hosts that do not collect the result. Paths are (u, v) items, keyed
/// by the pair; every round extends the paths found in the previous one by one edge, and only
/// the paths not known yet go around again.
inline std::optional<std::string> transitive_closure(const renoir::RuntimeConfig& config, const std::string& path,
                                                     std::size_t max_iterations) {
  const auto adj = successors(path);
  renoir::StreamContext ctx(config);
  auto count = ctx.stream_file(path)
                   .filter([](const std::string& line) { return !line.empty(); })
                   .map([path](const std::string& line) { return parse_row<Node>(path, line); })
                   .iterate_delta(
                       max_iterations, [](const Edge& p) { return (std::uint64_t{p.first} << 32) | p.second; },
                       [](Edge&, const Edge&) { return false; },  // a known path stays as it is
                       [adj](auto paths) {
                         return paths.flat_map([adj](const Edge& p) {
                           const Node from = p.first;
                           return std::span<const Node>((*adj)[p.second]) |
                                  std::views::transform([from](Node to) { return Edge{from, to}; });
                         });
                       })
                   .filter([](const Edge& p) { return p.first != p.second; })
                   .collect_count();
  ctx.execute_blocking();
  auto n = count.get();
  if (!n) return std::nullopt;
  return format("pairs %zu\n", *n);
}

}  // namespace examples
