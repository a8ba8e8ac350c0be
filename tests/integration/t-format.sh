#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Every C file is as clang-format leaves it, under the .clang-format at
# the root (STYLE: one format, applied to every file). `make format`
# applies it.
. "$(dirname "$0")/../lib.sh"

need clang-format:clang-format
plan 1

cd "$top" || exit 1
# shellcheck disable=SC2046
clang-format --dry-run --Werror $(find src include tests bench -path tests/tmp -prune -o -name '*.[ch]' ! -name sql-schema.c -print) >"$out" 2>"$err"
code=$?
ok $code "every C file is formatted (make format)"
[ $code = 0 ] || diag "$(head -20 "$err")"
