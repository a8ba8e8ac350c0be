#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# embed.sh: turns the shipped templates (templates/NAME.LANG and
# templates/answers/NAME.LANG) into a C table, so that the programs
# carry them and a broken override always has a text to fall back to.
# Usage: embed.sh templates/ack.en ... > templates/shipped.c
echo '/* Generated from templates/ by templates/embed.sh; do not edit. */'
echo '#include <stddef.h>'
echo 'const char *const mt_template_shipped_files[] = {'
for f in "$@"; do
    printf '  "%s",\n' "${f#templates/}"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$/\\n"/' "$f"
    echo '  ,'
done
echo '  NULL, NULL'
echo '};'
