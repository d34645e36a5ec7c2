// k-means over a CSV of points: `kmeans INPUT --centroids K --iterations I`.
#include "kmeans.hpp"

int main(int argc, char** argv) {
  return examples::run_example(argc, argv, "INPUT --centroids K --iterations I", {"centroids", "iterations"},
                               [](const renoir::RuntimeConfig& config, const examples::Options& o) {
                                 return examples::kmeans(config, o.input, o["centroids"], o["iterations"]);
                               });
}
