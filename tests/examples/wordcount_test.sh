#!/usr/bin/env bash
# End-to-end checks of the wordcount example: counts against tools/count_words.py (an
# independent implementation) and clear errors on bad command lines.
set -uo pipefail
build=${1:?usage: wordcount_test.sh BUILD_DIR SOURCE_DIR}
src=${2:?}
wc="$build/examples/wordcount"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
bad() { failed=$((failed + 1)); echo "FAILED: $1"; }

check_counts() {  # file, parallelism
  if "$wc" --local "$2" "$1" > "$tmp/out.txt" 2> "$tmp/err.txt" &&
     bash "$src/tools/check_wordcount.sh" "$1" "$tmp/out.txt" > "$tmp/check.txt" 2>&1; then
    ok "counts of $(basename "$1") at --local $2"
  else
    bad "counts of $(basename "$1") at --local $2: $(head -5 "$tmp/err.txt" "$tmp/check.txt")"
  fi
}

expect_error() {  # description, expected stderr regex, expected status, args...
  local what=$1 pattern=$2 status=$3
  shift 3
  timeout 20 "$wc" "$@" > "$tmp/out.txt" 2> "$tmp/err.txt"
  local rc=$?
  if [ "$rc" -eq "$status" ] && grep -Eq -e "$pattern" "$tmp/err.txt"; then
    ok "$what"
  else
    bad "$what: exit $rc (want $status), stderr: $(head -3 "$tmp/err.txt")"
  fi
}

"$build/tools/gen_corpus" --size 8M --seed 7 "$tmp/corpus.txt"
: > "$tmp/empty.txt"
printf 'Hello, hello WORLD\r\nno-final newline' > "$tmp/small.txt"
for n in 1 2 4; do check_counts "$tmp/corpus.txt" $n; done
check_counts "$tmp/empty.txt" 2
check_counts "$tmp/small.txt" 3
"$wc" --local 2 "$tmp/empty.txt" > "$tmp/out.txt" && [ ! -s "$tmp/out.txt" ] && ok "empty file prints nothing" || bad "empty file prints nothing"

expect_error "missing file" "missing\.txt" 1 --local 2 "$tmp/missing.txt"
expect_error "--local 0" "--local 0" 2 --local 0 "$tmp/corpus.txt"
expect_error "--local x" "positive integer.*'x'" 2 --local x "$tmp/corpus.txt"
expect_error "both flags" "exactly one of --local and --remote" 2 --local 2 --remote "$tmp/c.toml" "$tmp/corpus.txt"
expect_error "neither flag" "missing --local N or --remote" 2 "$tmp/corpus.txt"
expect_error "missing value" "--local needs a value" 2 --local
"$wc" --help > "$tmp/out.txt" 2>&1 && grep -q "usage:" "$tmp/out.txt" && ok "--help" || bad "--help"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
