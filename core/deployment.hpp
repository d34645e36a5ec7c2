// Resolved shape of a job for one execution: replicas per block and their parking spots.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

#include <renoir/core/parker.hpp>

namespace renoir::core {

/// Built by the executor once the replica counts are known; gates read it to size their rings.
class Deployment {
 public:
  Deployment(std::vector<std::size_t> replicas, std::size_t ring_capacity)
      : replicas_(std::move(replicas)), ring_capacity_(ring_capacity) {
    for (std::size_t n : replicas_) {
      parkers_.emplace_back(std::make_unique<Parker[]>(n));
    }
  }

  std::size_t blocks() const { return replicas_.size(); }
  std::size_t replicas(std::size_t block) const { return replicas_.at(block); }
  Parker& parker(std::size_t block, std::size_t replica) const { return parkers_.at(block)[replica]; }
  std::size_t ring_capacity() const { return ring_capacity_; }

  std::vector<Parker*> all_parkers() const {
    std::vector<Parker*> out;
    for (std::size_t b = 0; b < replicas_.size(); ++b)
      for (std::size_t r = 0; r < replicas_[b]; ++r) out.push_back(&parkers_[b][r]);
    return out;
  }

 private:
  std::vector<std::size_t> replicas_;
  std::size_t ring_capacity_;
  std::vector<std::unique_ptr<Parker[]>> parkers_;
};

}  // namespace renoir::core
