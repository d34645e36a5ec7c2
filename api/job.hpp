// The job a StreamContext builds: its graph and config, shared by every Stream of the context.
#pragma once
#include <stdexcept>

#include <renoir/api/config.hpp>
#include <renoir/core/job_graph.hpp>

namespace renoir::detail {

struct Job {
  explicit Job(RuntimeConfig c) : config(std::move(c)) {}
  RuntimeConfig config;
  core::JobGraph graph;
  bool executed = false;

  void check_open() const {
    if (executed) throw std::logic_error("renoir: this StreamContext already ran; build a new one for another job");
  }
};

}  // namespace renoir::detail
