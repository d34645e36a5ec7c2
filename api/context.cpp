// StreamContext: runs the job built through it.
#include <renoir/api/context.hpp>

#include <renoir/core/executor.hpp>
#include <renoir/topology/cluster_config.hpp>

namespace renoir {

void StreamContext::execute_blocking() {
  job_->check_open();
  job_->executed = true;
  if (!job_->config.is_local())
    throw std::runtime_error("remote execution (" + job_->config.cluster().source + ") is not available in this build yet");
  core::ExecutionConfig exec;
  exec.cores = job_->config.local_parallelism();
  core::execute(job_->graph, exec);
}

}  // namespace renoir
