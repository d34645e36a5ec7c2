// pagerank: `pagerank INPUT --nodes N --iterations I`.
#include "pagerank.hpp"

int main(int argc, char** argv) {
  return examples::run_example(argc, argv, "INPUT --nodes N --iterations I", {"nodes", "iterations"},
                               [](const renoir::RuntimeConfig& config, const examples::Options& o) {
                                 return examples::pagerank(config, o.input, o["nodes"], o["iterations"]);
                               });
}
