#!/usr/bin/env python3
"""count_words.py: reference word counter (words = maximal [A-Za-z]+ runs, lowercased).

Usage: count_words.py FILE [--top N]
Without --top prints every "word count" pair sorted by word (byte order); with --top N
prints the N most frequent, sorted by count descending then word ascending.
Streams FILE in chunks, so large corpora fit in memory. Standard library only.
"""
import argparse
import collections
import os
import re
import string
import sys

CHUNK = 16 << 20  # bytes read per step
WORD = re.compile(rb"[A-Za-z]+")
LETTERS = string.ascii_letters.encode()


def count_words(path):
    """Returns a Counter mapping lowercased word (bytes) to its number of occurrences."""
    counts = collections.Counter()
    carry = b""  # trailing letters of the previous chunk: the word may continue
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            # bytes.lower() only changes ASCII letters, matching the word definition.
            data = carry + chunk.lower()
            cut = len(data.rstrip(LETTERS))  # every word before cut is complete
            counts.update(WORD.findall(data, 0, cut))
            carry = data[cut:]
    if carry:
        counts[carry] += 1
    return counts


def main(argv):
    parser = argparse.ArgumentParser(description="Count [A-Za-z]+ words, lowercased.")
    parser.add_argument("file", help="input text file")
    parser.add_argument("--top", type=int, metavar="N", help="print only the N most frequent")
    args = parser.parse_args(argv)
    if args.top is not None and args.top < 0:
        parser.error("--top must be >= 0")
    try:
        counts = count_words(args.file)
    except OSError as e:
        print(f"count_words.py: {e}", file=sys.stderr)
        return 1
    if args.top is None:
        items = sorted(counts.items())
    else:
        items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: args.top]
    out = sys.stdout.buffer
    try:
        out.write(b"".join(b"%s %d\n" % kv for kv in items))
        out.flush()
    except BrokenPipeError:  # e.g. piped into head: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
