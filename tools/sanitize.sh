#!/usr/bin/env bash
# Builds and runs the test suite under sanitizers (the presets of CMakePresets.json):
#
#   tools/sanitize.sh asan [CTEST_ARGS...]   ASan + LSan + UBSan, the GoogleTest suites (core, api,
#                                            launch, transport)                      (build-asan/)
#   tools/sanitize.sh tsan [CTEST_ARGS...]   TSan, the core and transport suites and the api tests
#                                            where threads meet (RENOIR_SKIP_TESTS) (build-tsan/)
#
# Any report fails its test: UBSan is built with -fno-sanitize-recover=all, TSan halts on the
# first report, ASan always does, LSan reports leaks at exit. The options are compiled into the
# executables too (cmake/sanitizer_defaults.cpp.in), so they hold in the workers that sshd
# starts in the launch tests. Before the suite, the sanitizer.* tests check that the build
# really is sanitized (deliberately wrong programs must be reported); without them, or if one
# fails, the run fails. Extra arguments go to ctest (e.g. -R transport --repeat until-fail:20).
# JOBS (default 2) bounds the build and ctest parallelism. Prints the time of each phase.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-}
case "$kind" in
  asan | tsan) shift ;;
  *) echo "usage: $0 asan|tsan [CTEST_ARGS...]" >&2; exit 2 ;;
esac
jobs=${JOBS:-2}
cd "$root"
[ -n "${RENOIR_SKIP_SETUP:-}" ] || bash tools/setup.sh

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

t0=$SECONDS
cmake --preset "$kind" "${launcher[@]}" >/dev/null
cmake --build --preset "$kind" -j "$jobs"
t1=$SECONDS
echo "sanitize $kind: build took $((t1 - t0)) s"

# The canaries first: a build that does not catch them would pass everything else silently.
canary_log=$(mktemp)
trap 'rm -f "$canary_log"' EXIT
if ! ctest --preset "$kind" -R '^sanitizer\.' 2>&1 | tee "$canary_log"; then
  echo "sanitize $kind: the sanitizer is not active (a deliberately wrong program was not reported)" >&2
  exit 1
fi
if ! grep -Eq '100% tests passed, 0 tests failed out of [1-9]' "$canary_log"; then
  echo "sanitize $kind: no sanitizer.* test ran" >&2
  exit 1
fi

# Without arguments, TSan skips the tests that are one thread reading files, where TSan has
# nothing to check and which are its slowest (ASan runs them all): the LineReader split
# (thousands of 1 MiB buffers, ~4 min), the 200 MB line (over its 120 s timeout at -O0), and the
# files changed under a running job (~100 s).
extra=()
if [ "$kind" = tsan ] && [ $# -eq 0 ]; then
  extra=(-E 'FileSplit\.LineReaderPartsConcatenateToTheFile|BadInputDeathTest\.OneLineOf200Megabytes|InputChanges\.(UnlinkedReplacedOrChmoded|AppendedWhileRead)')
fi
ctest --preset "$kind" -j "$jobs" "${extra[@]}" "$@"
t2=$SECONDS
echo "sanitize $kind: build $((t1 - t0)) s, tests $((t2 - t1)) s"
