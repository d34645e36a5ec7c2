// connected_components: `connected_components INPUT --nodes N --max-iterations I`.
#include "connected_components.hpp"

int main(int argc, char** argv) {
  return examples::run_example(argc, argv, "INPUT --nodes N --max-iterations I", {"nodes", "max-iterations"},
                               [](const renoir::RuntimeConfig& config, const examples::Options& o) {
                                 return examples::connected_components(config, o.input, o["nodes"], o["max-iterations"]);
                               });
}
