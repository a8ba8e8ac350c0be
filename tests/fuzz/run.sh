#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh FUZZER SECONDS [SEEDS...]: runs the libFuzzer harness FUZZER
# for SECONDS over a working corpus of its own in tests/tmp/fuzz/NAME
# (NAME the harness's file name; kept between runs, removed by make
# clean), seeded from the directories SEEDS or, when none are given,
# from ../shared/corpus beside the checkout (never copied in;
# $MAILTICKET_CORPUS names another) and tests/fuzz/regressions.
# Prints the figures as TAP comments; exits 1 after a crash, a leak, a
# timeout or running out of memory, with the input in
# tests/tmp/fuzz/NAME/artifacts: make it a regression test (a unit test
# that checks the fixed behaviour, and a small input in
# tests/fuzz/regressions, or tests/fuzz/bounces for fuzz-bounce, when it
# can be written by hand, not cut from the corpus).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
fuzzer=$1 seconds=$2
shift 2
name=$(basename "$fuzzer")
corpus=${MAILTICKET_CORPUS:-$top/../shared/corpus}
work=$top/tests/tmp/fuzz/$name
mkdir -p "$work/corpus" "$work/artifacts"
rm -f "$work/artifacts"/*
if [ $# -gt 0 ]; then
	seeds=$*
else
	seeds="$top/tests/fuzz/regressions $top/tests/corpus/mime"
	for d in public malformed; do
		if [ -d "$corpus/$d" ]; then seeds="$seeds $corpus/$d"; fi
	done
	[ -d "$corpus/public" ] || echo "# $name: no seed corpus at $corpus; seeded from tests/fuzz/regressions only"
fi
# shellcheck disable=SC2086
"$fuzzer" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$work/artifacts/" "$work/corpus" $seeds >"$work/log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
crashes=$(ls "$work/artifacts" | wc -l | tr -d ' ')
echo "# $name seconds: $seconds"
echo "# $name executions: ${execs:-0}"
echo "# $name corpus: $(ls "$work/corpus" | wc -l | tr -d ' ') inputs"
echo "# $name crashes: $crashes"
if [ $rc -ne 0 ] || [ "$crashes" -ne 0 ]; then
	grep -A 12 -e 'ERROR:' -e 'WARNING: MemorySanitizer' -e 'runtime error' "$work/log" | head -n 40
	echo "fuzz: $name FAILED (exit $rc); the inputs are in $work/artifacts"
	exit 1
fi
