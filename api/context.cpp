// StreamContext: runs the job built through it.
#include <renoir/api/context.hpp>

#include <renoir/api/remote.hpp>
#include <renoir/core/executor.hpp>
#include <renoir/launch/cluster_config.hpp>

namespace renoir {

void StreamContext::execute_blocking(const core::ExecutionConfig& exec) {
  detail::Job::start(job_);
  job_->run_then_finish([&] { core::execute(job_->graph, exec); });
}

void StreamContext::execute_blocking() {
  if (!job_->config.is_local()) {
    const auto* worker = detail::worker_identity(job_->config.cluster().source);
    if (!worker)
      throw std::logic_error("renoir: call config.spawn_remote_workers() before running a remote job: in the "
                             "launching process it starts the workers on every host and exits");
    detail::Job::start(job_);
    job_->run_then_finish([&] { detail::execute_as_worker(job_->graph, *worker); });
    return;
  }
  if (!job_->config.simulated_hosts().empty()) {
    detail::Job::start(job_);
    job_->run_then_finish([&] { core::execute_simulated(job_->graph, job_->config.simulated_hosts()); });
    return;
  }
  core::ExecutionConfig exec;
  exec.host_cores = {job_->config.local_parallelism()};
  execute_blocking(exec);
}

}  // namespace renoir
