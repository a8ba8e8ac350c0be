#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# embed.sh: turns the numbered migrations in sql/ into a C table, so that
# the programs carry their schema and have no runtime path to lose.
# Usage: embed.sh sql/0001-x.sql sql/0002-y.sql ... > sql-schema.c
echo '/* Generated from the migrations in sql/ by sql/embed.sh; do not edit. */'
echo '#include "mailticket/store.h"'
echo 'const MtMigration mt_migrations[] = {'
for f in "$@"; do
    printf '  { "%s",\n' "$(basename "$f" .sql)"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$f"
    echo '  },'
done
echo '  { NULL, NULL }'
echo '};'
