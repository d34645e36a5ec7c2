// Connected components as a replay over the edges: synchronous min-label propagation.
#pragma once
#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <renoir/renoir.hpp>

#include "options.hpp"

namespace examples {

/// The loop's state: every node's label, the round's minimums (at the leader), rounds run.
struct ComponentsState {
  std::vector<Node> label, next;
  std::uint64_t rounds = 0;
};

}  // namespace examples

template <>
struct renoir::transport::Serializer<examples::ComponentsState>
    : renoir::transport::Fields<&examples::ComponentsState::label, &examples::ComponentsState::next,
                                &examples::ComponentsState::rounds> {};

namespace examples {

/// `components C` and `rounds R` (rounds run, the last one changing nothing unless the limit
/// was reached); nullopt on the hosts that do not collect the result.
inline std::optional<std::string> connected_components(const renoir::RuntimeConfig& config, const std::string& path,
                                                       std::size_t nodes, std::size_t max_iterations) {
  ComponentsState init;
  init.label.resize(nodes);
  for (std::size_t v = 0; v < nodes; ++v) init.label[v] = static_cast<Node>(v);
  renoir::StreamContext ctx(config);
  auto result =
      ctx.stream_file(path)
          .filter([](const std::string& line) { return !line.empty(); })
          .map([path, nodes](const std::string& line) { return checked_edge(parse_row<Node>(path, line), nodes); })
          .replay(
              max_iterations, std::move(init),
              [](std::vector<Node>& d, const Edge& e, const ComponentsState& s) {
                if (d.empty()) d = s.label;
                d[e.first] = std::min(d[e.first], s.label[e.second]);
                d[e.second] = std::min(d[e.second], s.label[e.first]);
              },
              [](ComponentsState& s, std::vector<Node> d) {
                merge_partial(s.next, std::move(d), [](Node a, Node b) { return std::min(a, b); });
              },
              [](ComponentsState& s) {
                ++s.rounds;
                const bool changed = !s.next.empty() && s.next != s.label;
                if (changed) s.label = std::move(s.next);
                s.next = {};
                return changed;
              })
          .collect_vec();
  const auto last = final_state(ctx, result);
  if (!last) return std::nullopt;
  const ComponentsState& s = *last;
  std::vector<bool> seen(nodes, false);
  std::size_t components = 0;
  for (Node l : s.label)
    if (!seen[l]) {
      seen[l] = true;
      ++components;
    }
  return format("components %zu\nrounds %llu\n", components, static_cast<unsigned long long>(s.rounds));
}

}  // namespace examples
