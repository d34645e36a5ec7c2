#!/usr/bin/env bash
# check_wordcount.sh: compares a program's "word count" output with count_words.py on a corpus.
# Usage: check_wordcount.sh CORPUS OUTPUT   (exit 0 identical, 1 different, 2 usage/error)
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 CORPUS OUTPUT" >&2
  exit 2
fi
corpus=$1 output=$2
for f in "$corpus" "$output"; do
  [[ -r $f ]] || { echo "check_wordcount: cannot read $f" >&2; exit 2; }
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Byte-order sort; normalise whitespace (tabs, repeated blanks, CR) to "word count".
export LC_ALL=C
python3 "$here/count_words.py" "$corpus" > "$tmp/expected" || { echo "check_wordcount: count_words.py failed" >&2; exit 2; }
tr -d '\r' < "$output" | awk 'NF { print $1, $2 }' | sort > "$tmp/actual"
sort "$tmp/expected" > "$tmp/expected.sorted"

if cmp -s "$tmp/expected.sorted" "$tmp/actual"; then
  echo "check_wordcount: OK ($(wc -l < "$tmp/actual") distinct words)"
  exit 0
fi
echo "check_wordcount: MISMATCH (< expected from count_words.py, > $output); first differences:"
diff "$tmp/expected.sorted" "$tmp/actual" | grep '^[<>]' | head -n 20 || true
exit 1
