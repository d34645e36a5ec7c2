// triangles: `triangles INPUT`.
#include "triangles.hpp"

int main(int argc, char** argv) {
  return examples::run_example(argc, argv, "INPUT", {},
                               [](const renoir::RuntimeConfig& config, const examples::Options& o) {
                                 return examples::triangles(config, o.input);
                               });
}
