// StreamContext: runs the job built through it.
#include <renoir/api/context.hpp>

#include <renoir/core/executor.hpp>
#include <renoir/topology/cluster_config.hpp>

namespace renoir {

void StreamContext::execute_blocking(const core::ExecutionConfig& exec) {
  job_->check_open();
  job_->executed = true;
  core::execute(job_->graph, exec);
}

void StreamContext::execute_blocking() {
  if (!job_->config.is_local())
    throw std::runtime_error("remote execution (" + job_->config.cluster().source + ") is not available in this build yet");
  core::ExecutionConfig exec;
  exec.host_cores = {job_->config.local_parallelism()};
  execute_blocking(exec);
}

}  // namespace renoir
