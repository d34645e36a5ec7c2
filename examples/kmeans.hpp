// k-means as a replay: the points stay in the loop; each round folds them against the centroids.
#pragma once
#include <cstdint>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <renoir/renoir.hpp>

#include "options.hpp"

namespace examples {

/// The loop's state: the centroids, and the sums of the round being folded.
struct KMeansState {
  std::vector<Point> centroids;
  std::vector<double> sx, sy;
  std::vector<std::uint64_t> n;
};
/// One replica's sums of one round (empty if it saw no point).
struct KMeansPartial {
  std::vector<double> sx, sy;
  std::vector<std::uint64_t> n;
};

}  // namespace examples

template <>
struct renoir::transport::Serializer<examples::KMeansState>
    : renoir::transport::Fields<&examples::KMeansState::centroids, &examples::KMeansState::sx,
                                &examples::KMeansState::sy, &examples::KMeansState::n> {};
template <>
struct renoir::transport::Serializer<examples::KMeansPartial>
    : renoir::transport::Fields<&examples::KMeansPartial::sx, &examples::KMeansPartial::sy,
                                &examples::KMeansPartial::n> {};

namespace examples {

/// The first `k` points of `path`: the initial centroids.
inline std::vector<Point> first_points(const std::string& path, std::size_t k) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<Point> out;
  for (std::string line; out.size() < k && std::getline(in, line);)
    if (!line.empty()) out.push_back(parse_row<double>(path, line));
  if (out.size() < k)
    throw std::runtime_error(path + ": " + std::to_string(out.size()) + " points, fewer than --centroids " +
                             std::to_string(k));
  return out;
}

/// `centroid i x y` for each centroid after exactly `iterations` rounds; nullopt on the hosts
/// that do not collect the result.
inline std::optional<std::string> kmeans(const renoir::RuntimeConfig& config, const std::string& path, std::size_t k,
                                         std::size_t iterations) {
  if (k == 0) throw std::invalid_argument("--centroids must be at least 1");
  KMeansState init{first_points(path, k), std::vector<double>(k), std::vector<double>(k), std::vector<std::uint64_t>(k)};
  renoir::StreamContext ctx(config);
  auto result =
      ctx.stream_file(path)
          .filter([](const std::string& line) { return !line.empty(); })
          .map([path](const std::string& line) { return parse_row<double>(path, line); })
          .replay(
              iterations, std::move(init),
              [](KMeansPartial& p, const Point& x, const KMeansState& s) {  // assign to the nearest centroid
                const std::size_t k = s.centroids.size();
                if (p.n.empty()) p = {std::vector<double>(k), std::vector<double>(k), std::vector<std::uint64_t>(k)};
                std::size_t best = 0;
                double best_d = std::numeric_limits<double>::infinity();
                for (std::size_t i = 0; i < k; ++i) {
                  const double dx = x.first - s.centroids[i].first, dy = x.second - s.centroids[i].second;
                  const double d = dx * dx + dy * dy;
                  if (d < best_d) {  // strict: ties go to the lower index
                    best_d = d;
                    best = i;
                  }
                }
                p.sx[best] += x.first;
                p.sy[best] += x.second;
                ++p.n[best];
              },
              [](KMeansState& s, const KMeansPartial& p) {
                for (std::size_t i = 0; i < p.n.size(); ++i) {
                  s.sx[i] += p.sx[i];
                  s.sy[i] += p.sy[i];
                  s.n[i] += p.n[i];
                }
              },
              [](KMeansState& s) {  // move each centroid to the mean of its points
                for (std::size_t i = 0; i < s.centroids.size(); ++i) {
                  if (s.n[i]) s.centroids[i] = {s.sx[i] / static_cast<double>(s.n[i]), s.sy[i] / static_cast<double>(s.n[i])};
                  s.sx[i] = s.sy[i] = 0;
                  s.n[i] = 0;
                }
                return true;
              })
          .collect_vec();
  const auto last = final_state(ctx, result);
  if (!last) return std::nullopt;
  std::string out;
  const auto& c = last->centroids;
  for (std::size_t i = 0; i < c.size(); ++i) out += format("centroid %zu %.6f %.6f\n", i, c[i].first, c[i].second);
  return out;
}

}  // namespace examples
