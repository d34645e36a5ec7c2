#!/usr/bin/env bash
# End-to-end checks of the event-time examples: Nexmark q0..q8 at --local 1, --local 2 and
# --remote over two loopback hosts, each equal to tools/nexmark_reference (the hand-written
# sequential version; small E: with every row for the joins and windows); the windowed word
# counts against a Python count; bad arguments give clear errors.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_cluster 2 1

events=$(scaled 60000)
for q in 0 1 2 3 4 5 6 7 8; do
  rows=()
  case $q in 0 | 1) ;; *) rows=(--rows) ;; esac  # q0/q1: a row per bid, the checksum is enough
  "$build/tools/nexmark_reference" --events "$events" --query "$q" "${rows[@]}" > "$tmp/ref.txt" 2>/dev/null
  for mode in "--local 1" "--local 2" "--remote $config"; do
    # shellcheck disable=SC2086
    if timeout 120 "$build/examples/nexmark" $mode --events "$events" --query "$q" "${rows[@]}" > "$tmp/raw.out" 2> "$tmp/err.txt"; then
      unprefix "$tmp/raw.out" > "$tmp/out.txt"
      if cmp -s "$tmp/ref.txt" "$tmp/out.txt"; then
        ok "nexmark q$q ${mode%% /*} ($(head -1 "$tmp/out.txt"))"
      else
        bad "nexmark q$q ${mode%% /*}: $(diff "$tmp/ref.txt" "$tmp/out.txt" | head -6)"
      fi
    else
      bad "nexmark q$q ${mode%% /*} failed: $(head -5 "$tmp/err.txt")"
    fi
  done
done

"$build/tools/gen_corpus" --size "$(scaled 300)K" --vocab 400 --seed 5 "$tmp/corpus.txt"
python3 - "$tmp/corpus.txt" 120 40 > "$tmp/ww.expected" <<'PY'
import collections, re, sys
path, size, slide = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
counts = collections.Counter()
for i, line in enumerate(open(path, encoding="latin-1")):
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", line)]
    s = i // slide * slide
    while s > i - size:
        for w in words:
            counts[(s + size, w)] += 1
        s -= slide
for (end, w), n in sorted(counts.items()):
    print(end, w, n)
PY
for mode in "--local 1" "--local 2" "--remote $config"; do
  # shellcheck disable=SC2086
  if timeout 120 "$build/examples/wordcount_windowed" $mode "$tmp/corpus.txt" 120 40 > "$tmp/raw.out" 2> "$tmp/err.txt" &&
    strip "$tmp/raw.out" > "$tmp/ww.out" && sort "$tmp/ww.expected" | cmp -s - "$tmp/ww.out"; then
    ok "wordcount_windowed ${mode%% /*} ($(wc -l < "$tmp/ww.out") rows)"
  else
    bad "wordcount_windowed ${mode%% /*}: $(head -3 "$tmp/err.txt")"
  fi
  # shellcheck disable=SC2086
  if timeout 120 "$build/examples/rolling_top_words" $mode "$tmp/corpus.txt" 120 40 3 > "$tmp/raw.out" 2> "$tmp/err.txt"; then
    unprefix "$tmp/raw.out" > "$tmp/top.out"
    want=$(python3 - "$tmp/ww.expected" <<'PY'
import collections, sys
per = collections.defaultdict(list)
for line in open(sys.argv[1]):
    end, w, n = line.split()
    per[int(end)].append((-int(n), w))
for end in sorted(per):
    print(str(end) + "".join(f" {w}:{-n}" for n, w in sorted(per[end])[:3]))
PY
)
    if [ "$want" = "$(cat "$tmp/top.out")" ]; then ok "rolling_top_words ${mode%% /*}"; else bad "rolling_top_words ${mode%% /*}: $(diff <(echo "$want") "$tmp/top.out" | head -4)"; fi
  else
    bad "rolling_top_words ${mode%% /*} failed: $(head -3 "$tmp/err.txt")"
  fi
done
no_leftover && ok "no worker left" || bad "workers left behind"

expect_error "nexmark without --query" "usage: .*--query Q" 2 "$build/examples/nexmark" --local 1 --events 10
expect_error "nexmark query 9" "Q in 0..8" 2 "$build/examples/nexmark" --local 1 --events 10 --query 9
expect_error "a missing corpus names the file" "nope\.txt: cannot open" 1 "$build/examples/wordcount_windowed" --local 2 "$tmp/nope.txt" 10 5
finish
