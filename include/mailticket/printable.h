/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	printable.h - text from mail made safe to show on a terminal
 * DESCRIPTION
 *	A subject, a display name or a body may hold control characters:
 *	an escape sequence in a subject would move the cursor, retitle the
 *	window or rewrite what an agent sees when it is printed. The text
 *	that mailticket shows to people (the CLI's tables and pages, the
 *	stderr mirror of the log) goes through mt_printable_append(), the
 *	one place that decides how such a character looks: as \xHH, the
 *	code of a C0 or C1 control character (U+0000..U+001F, U+007F..
 *	U+009F) or of a byte that is not UTF-8. Every other character,
 *	backslashes included, is kept as it is.
 */
#ifndef MT_PRINTABLE_H
#define MT_PRINTABLE_H

#include <glib.h>

typedef enum {
	MT_PRINTABLE_LINE, /* one line: a newline or tab shows as a space */
	MT_PRINTABLE_TEXT, /* lines: newlines and tabs are kept */
} MtPrintable;

/* Appends text (len bytes, or up to its NUL when len is -1) to out,
 * control characters and bytes that are not UTF-8 shown as \xHH. */
void mt_printable_append (GString *out, const char *text, gssize len, MtPrintable how);

/* The same as a new string; NULL text gives "". Owned. */
char *mt_printable_escape (const char *text, gssize len, MtPrintable how);

#endif
