// transitive_closure: `transitive_closure INPUT --max-iterations I`.
#include "transitive_closure.hpp"

int main(int argc, char** argv) {
  return examples::run_example(argc, argv, "INPUT --max-iterations I", {"max-iterations"},
                               [](const renoir::RuntimeConfig& config, const examples::Options& o) {
                                 return examples::transitive_closure(config, o.input, o["max-iterations"]);
                               });
}
