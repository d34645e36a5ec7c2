// Processes started by mpirun or srun: rank and size from the launcher's environment.
#include <renoir/launch/external_launcher.hpp>

#include <cstdlib>
#include <stdexcept>

namespace renoir::launch {
namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

std::size_t number(const char* name, const std::string& value) {
  std::size_t used = 0;
  unsigned long n = 0;
  try {
    n = std::stoul(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != value.size())
    throw std::runtime_error(std::string("renoir: ") + name + "=\"" + value + "\" is not a process number");
  return n;
}

}  // namespace

std::optional<ExternalRank> external_rank() {
  struct Launcher {
    const char* rank;
    const char* size;
    const char* name;
    const char* also_needs;  // a variable that must be set too, or nullptr
  };
  static constexpr Launcher launchers[] = {
      {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "mpirun (Open MPI)", nullptr},
      {"PMI_RANK", "PMI_SIZE", "a PMI launcher (MPICH or Intel MPI mpiexec)", nullptr},
      {"SLURM_PROCID", "SLURM_NTASKS", "srun (Slurm)", "SLURM_STEP_ID"},
  };
  for (const auto& l : launchers) {
    const auto rank = env(l.rank);
    const auto size = env(l.size);
    if (!rank || !size || (l.also_needs && !env(l.also_needs))) continue;
    ExternalRank r{number(l.rank, *rank), number(l.size, *size), l.name, l.rank};
    if (r.size == 0 || r.rank >= r.size)
      throw std::runtime_error(std::string("renoir: ") + l.rank + "=" + *rank + " with " + l.size + "=" + *size +
                               ": the rank must be below the number of processes");
    return r;
  }
  return std::nullopt;
}

std::string external_job_secret(const ExternalRank& rank) {
  auto secret = env(kEnvJobSecret);
  if (!secret || secret->empty())
    throw std::runtime_error("renoir: process " + std::to_string(rank.rank) + " was started by " + rank.launcher +
                             " (" + rank.rank_var + " is set) but " + kEnvJobSecret +
                             " is not: every process of the job needs the same secret, e.g. `export " + kEnvJobSecret +
                             "=$(openssl rand -hex 32)` then `mpirun -x " + kEnvJobSecret + " ...`");
  return *secret;
}

}  // namespace renoir::launch
