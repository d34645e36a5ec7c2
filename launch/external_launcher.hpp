// Processes started by mpirun or srun instead of renoir's SSH launcher: their host id comes
// from the launcher's environment, the hosts from the cluster file, the secret from the user.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace renoir::launch {

/// The job secret of externally launched processes: every process of the job must see the same
/// value (mpirun -x RENOIR_JOB_SECRET, srun passes the environment). Never printed.
inline constexpr const char* kEnvJobSecret = "RENOIR_JOB_SECRET";

/// Which process of an externally launched job this one is.
struct ExternalRank {
  std::size_t rank = 0;     ///< host id: index into the cluster file's hosts
  std::size_t size = 0;     ///< processes the launcher started
  std::string launcher;     ///< "mpirun (Open MPI)", "srun (Slurm)", ... for messages
  std::string rank_var;     ///< the variable the rank came from, e.g. "OMPI_COMM_WORLD_RANK"
};

/// The rank this process was given by an external launcher, from (first match wins)
/// OMPI_COMM_WORLD_RANK/_SIZE (Open MPI's mpirun), PMI_RANK/PMI_SIZE (MPICH and Intel MPI's Hydra), SLURM_PROCID/SLURM_NTASKS inside a job step
/// (srun sets SLURM_STEP_ID; a batch script alone is not a launch). Empty when none is set.
/// Throws std::runtime_error naming the variable if a value is not a number or rank >= size.
std::optional<ExternalRank> external_rank();

/// The job secret for an externally launched process: RENOIR_JOB_SECRET. Throws
/// std::runtime_error with what to do if it is unset or empty.
std::string external_job_secret(const ExternalRank& rank);

}  // namespace renoir::launch
