// Triangle count as a replay in three rounds: degrees, edges oriented by degree, intersections.
#pragma once
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <renoir/renoir.hpp>

#include "options.hpp"

namespace examples {

/// The loop's state. Round 0 gathers degrees; round 1 the edges oriented from the lower to the
/// higher (degree, id), which the leader turns into sorted out-lists (offsets, targets); round
/// 2 counts, for every oriented edge a->b, the common out-neighbours of a and b: each triangle
/// once, at its lowest edge.
struct TrianglesState {
  std::uint64_t round = 0;
  std::vector<std::uint32_t> degree;
  std::vector<std::uint64_t> offsets;
  std::vector<Node> targets;
  std::vector<Edge> oriented;  // at the leader during round 1
  std::uint64_t triangles = 0;
};
struct TrianglesPartial {
  std::vector<std::uint32_t> degree;
  std::vector<Edge> oriented;
  std::uint64_t triangles = 0;
};

}  // namespace examples

template <>
struct renoir::transport::Serializer<examples::TrianglesState>
    : renoir::transport::Fields<&examples::TrianglesState::round, &examples::TrianglesState::degree,
                                &examples::TrianglesState::offsets, &examples::TrianglesState::targets,
                                &examples::TrianglesState::oriented, &examples::TrianglesState::triangles> {};
template <>
struct renoir::transport::Serializer<examples::TrianglesPartial>
    : renoir::transport::Fields<&examples::TrianglesPartial::degree, &examples::TrianglesPartial::oriented,
                                &examples::TrianglesPartial::triangles> {};

namespace examples {

/// `triangles T` of an undirected edge list without duplicates; nullopt on other hosts.
inline std::optional<std::string> triangles(const renoir::RuntimeConfig& config, const std::string& path) {
  renoir::StreamContext ctx(config);
  const auto before = [](const TrianglesState& s, Node a, Node b) {
    return s.degree[a] != s.degree[b] ? s.degree[a] < s.degree[b] : a < b;
  };
  auto result =
      ctx.stream_file(path)
          .filter([](const std::string& line) { return !line.empty(); })
          .map([path](const std::string& line) { return parse_row<Node>(path, line); })
          .replay(
              3, TrianglesState{},
              [before](TrianglesPartial& p, const Edge& e, const TrianglesState& s) {
                auto [u, v] = e;
                if (s.round == 0) {
                  const std::size_t need = std::max(u, v) + std::size_t{1};
                  if (p.degree.size() < need) p.degree.resize(need);
                  ++p.degree[u];
                  ++p.degree[v];
                } else if (s.round == 1) {
                  p.oriented.push_back(before(s, u, v) ? Edge{u, v} : Edge{v, u});
                } else {
                  if (!before(s, u, v)) std::swap(u, v);
                  const Node* a = s.targets.data() + s.offsets[u];
                  const Node* a_end = s.targets.data() + s.offsets[u + 1];
                  const Node* b = s.targets.data() + s.offsets[v];
                  const Node* b_end = s.targets.data() + s.offsets[v + 1];
                  while (a != a_end && b != b_end) {
                    if (*a < *b)
                      ++a;
                    else if (*b < *a)
                      ++b;
                    else {
                      ++p.triangles;
                      ++a;
                      ++b;
                    }
                  }
                }
              },
              [](TrianglesState& s, TrianglesPartial p) {
                if (s.degree.size() < p.degree.size()) s.degree.resize(p.degree.size());
                for (std::size_t v = 0; v < p.degree.size(); ++v) s.degree[v] += p.degree[v];
                s.oriented.insert(s.oriented.end(), p.oriented.begin(), p.oriented.end());
                s.triangles += p.triangles;
              },
              [](TrianglesState& s) {
                if (s.round == 1) {  // out-lists by a counting sort on the source, each list sorted
                  const std::size_t nodes = s.degree.size();
                  s.offsets.assign(nodes + 1, 0);
                  for (const Edge& e : s.oriented) ++s.offsets[e.first + 1];
                  for (std::size_t v = 0; v < nodes; ++v) s.offsets[v + 1] += s.offsets[v];
                  s.targets.resize(s.oriented.size());
                  std::vector<std::uint64_t> fill(s.offsets.begin(), s.offsets.end() - 1);
                  for (const Edge& e : s.oriented) s.targets[fill[e.first]++] = e.second;
                  for (std::size_t v = 0; v < nodes; ++v)
                    std::sort(s.targets.begin() + static_cast<std::ptrdiff_t>(s.offsets[v]),
                              s.targets.begin() + static_cast<std::ptrdiff_t>(s.offsets[v + 1]));
                  s.oriented = {};
                }
                ++s.round;
                return true;
              })
          .collect_vec();
  const auto last = final_state(ctx, result);
  if (!last) return std::nullopt;
  return format("triangles %llu\n", static_cast<unsigned long long>(last->triangles));
}

}  // namespace examples
