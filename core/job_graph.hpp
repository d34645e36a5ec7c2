// The job: blocks and the gates between them, built by the API before execution.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include <renoir/core/block.hpp>
#include <renoir/core/gate.hpp>

namespace renoir::core {

class JobGraph {
 public:
  template <class T>
  Gate<T>* make_gate() {
    auto gate = std::make_unique<Gate<T>>(gates_.size());
    Gate<T>* raw = gate.get();
    gates_.push_back(std::move(gate));
    return raw;
  }

  /// Adds a finished block; the source and terminal register with their gates.
  template <class Source, class Ops, class Terminal>
  std::size_t add_block(Source source, Ops ops, Terminal terminal, BlockOptions options) {
    const std::size_t id = blocks_.size();
    source.attach(id);
    terminal.attach(id);
    blocks_.push_back(std::make_unique<Block<Source, Ops, Terminal>>(std::move(source), std::move(ops),
                                                                     std::move(terminal), std::move(options)));
    return id;
  }

  std::size_t blocks() const { return blocks_.size(); }
  const BlockBase& block(std::size_t id) const { return *blocks_.at(id); }
  const std::vector<std::unique_ptr<GateBase>>& gates() const { return gates_; }

 private:
  std::vector<std::unique_ptr<BlockBase>> blocks_;
  std::vector<std::unique_ptr<GateBase>> gates_;
};

}  // namespace renoir::core
