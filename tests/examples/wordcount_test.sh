#!/usr/bin/env bash
# End-to-end checks of the wordcount example: counts against tools/count_words.py (an
# independent implementation), clear errors (exit 1 or 2, never "terminate called") on bad
# command lines and bad input files, and the right counts for binary data and a 200 MB line.
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
  timeout 20 ${as_user:-} "$wc" "$@" > "$tmp/out.txt" 2> "$tmp/err.txt"
  local rc=$?
  if [ "$rc" -eq "$status" ] && grep -Eq -e "$pattern" "$tmp/err.txt" && ! grep -q "terminate called" "$tmp/err.txt"; then
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

# Bad input: a clear error naming the file (exit 1), or the right counts; never a crash or hang.
mkdir "$tmp/dir"
expect_error "directory" "error: input file '$tmp/dir' is a directory" 1 --local 2 "$tmp/dir"
mkfifo "$tmp/fifo"
expect_error "FIFO (no writer: must not block)" "'$tmp/fifo' is a FIFO.*needs a regular file" 1 --local 2 "$tmp/fifo"
expect_error "character device" "'/dev/zero' is a character device" 1 --local 2 /dev/zero
printf 'secret words\n' > "$tmp/secret.txt"
chmod 000 "$tmp/secret.txt"
chmod 755 "$tmp"
if [ "$(id -u)" -eq 0 ]; then  # root reads anything: run as nobody (the build tree must be readable)
  as_user="setpriv --reuid=65534 --regid=65534 --clear-groups" expect_error "unreadable file (as nobody)" \
    "cannot open input file '$tmp/secret.txt': Permission denied" 1 --local 2 "$tmp/secret.txt"
else
  expect_error "unreadable file" "cannot open input file '$tmp/secret.txt': Permission denied" 1 --local 2 "$tmp/secret.txt"
fi
# A read error while the job runs (offset 0 of /proc/self/mem is never mapped: EIO).
expect_error "read error mid-job" "error: cannot read input file '/proc/self/mem': Input/output error" 1 --local 2 /proc/self/mem
# Binary: NULs, invalid UTF-8, CRs, no final newline; and a megabyte with no newline at all.
python3 -c '
import random, sys
r = random.Random(5)
sys.stdout.buffer.write(bytes(r.choice(b"abcXYZ \0\r\n\xff\xfe\xc3\x28") for _ in range(3 << 20)) + b"\xff\0end")' > "$tmp/binary.dat"
python3 -c '
import random, sys
r = random.Random(6)
sys.stdout.buffer.write(bytes(b if b != 10 else 0 for b in r.randbytes(1 << 20)))' > "$tmp/no_newline.dat"
for n in 1 2 4; do check_counts "$tmp/binary.dat" $n; check_counts "$tmp/no_newline.dat" $n; done
# One 200 MB line: 11650844 x "Lorem ipsum dolor " (18 bytes), no newline; the counts are known.
reps=11650844
yes 'Lorem ipsum dolor ' | head -n $reps | tr -d '\n' > "$tmp/line.txt"
printf 'dolor %s\nipsum %s\nlorem %s\n' $reps $reps $reps > "$tmp/line.expected"
# Under a sanitizer (-O0, ~25 s per pass) only at --local 2: BadInputDeathTest reads the same
# line at 1, 2 and 4 replicas in every build.
line_parallelism="1 2 4"
[ -z "${RENOIR_SANITIZED:-}" ] || line_parallelism=2
for n in $line_parallelism; do
  if timeout 120 "$wc" --local $n "$tmp/line.txt" 2> "$tmp/err.txt" | LC_ALL=C sort | cmp -s - "$tmp/line.expected"; then
    ok "one 200 MB line at --local $n"
  else
    bad "one 200 MB line at --local $n: $(head -3 "$tmp/err.txt")"
  fi
done
rm -f "$tmp/line.txt"
# Huge --local: refused with the limit (exit 2), before any thread starts.
for n in 100000 2147483648 18446744073709551615 18446744073709551616; do
  expect_error "--local $n" "--local $n: at most [0-9]+ replicas per operator" 2 --local $n "$tmp/corpus.txt"
done
expect_error "--local -1" "positive integer, got '-1'" 2 --local -1 "$tmp/corpus.txt"
expect_error "--top x" "usage:" 2 --local 2 "$tmp/corpus.txt" --top x
expect_error "--top -1" "usage:" 2 --local 2 "$tmp/corpus.txt" --top -1
expect_error "--local 0" "--local 0" 2 --local 0 "$tmp/corpus.txt"
expect_error "--local x" "positive integer.*'x'" 2 --local x "$tmp/corpus.txt"
expect_error "both flags" "exactly one of --local and --remote" 2 --local 2 --remote "$tmp/c.toml" "$tmp/corpus.txt"
expect_error "neither flag" "missing --local N or --remote" 2 "$tmp/corpus.txt"
expect_error "missing value" "--local needs a value" 2 --local
"$wc" --help > "$tmp/out.txt" 2>&1 && grep -q "usage:" "$tmp/out.txt" && ok "--help" || bad "--help"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
