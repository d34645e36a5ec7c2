// A console reporter that also keeps the counters of every reported run, so that a benchmark's
// main() can print grep-able summary lines (figures side by side, ratios) after the table.
#pragma once
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace renoir::bench {

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  SummaryReporter() : benchmark::ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Color : OO_None) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.error_occurred) continue;
      const Key key{run.run_name.function_name, run.run_name.args};
      if (run.run_type == Run::RT_Iteration) {
        for (const auto& [name, counter] : run.counters) runs_[key][name].push_back(counter.value);
      } else if (run.aggregate_name == "median") {  // --benchmark_*_aggregates_only
        for (const auto& [name, counter] : run.counters) medians_[key][name] = counter.value;
      }
    }
  }

  /// Median over the repetitions of counter `name` of benchmark `function` with arguments
  /// `args` (as Google Benchmark prints them, e.g. "B:256"); 0 if it did not run. Uses Google
  /// Benchmark's own median aggregate when it reported one.
  double median(const std::string& function, const std::string& args, const std::string& name) const {
    if (auto m = medians_.find({function, args}); m != medians_.end()) {
      if (auto c = m->second.find(name); c != m->second.end()) return c->second;
    }
    auto it = runs_.find({function, args});
    if (it == runs_.end()) return 0;
    auto jt = it->second.find(name);
    if (jt == it->second.end() || jt->second.empty()) return 0;
    std::vector<double> v = jt->second;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

 private:
  using Key = std::pair<std::string, std::string>;  // function name, arguments
  std::map<Key, std::map<std::string, std::vector<double>>> runs_;
  std::map<Key, std::map<std::string, double>> medians_;
};

}  // namespace renoir::bench
