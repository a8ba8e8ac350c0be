/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	printable.c - text from mail made safe to show on a terminal
 * DESCRIPTION
 *	See printable.h. A terminal acts on C0 controls (ESC starts a
 *	sequence), on C1 controls (U+009B is a CSI of its own for some
 *	terminals) and, in a terminal that is not in UTF-8 mode, on the
 *	bytes 0x80..0x9F; so all of them, and every byte that is not part
 *	of a UTF-8 character, are shown by their code.
 */
#include <string.h>

#include "mailticket/printable.h"

static void
append_code (GString *out, guint code)
{
	g_string_append_printf (out, "\\x%02x", code);
}

void
mt_printable_append (GString *out, const char *text, gssize len, MtPrintable how)
{
	const char *p, *end;

	if (text == NULL)
		return;
	end = text + (len < 0 ? strlen (text) : (gsize) len);
	for (p = text; p < end;) {
		gunichar c = g_utf8_get_char_validated (p, end - p);

		if (c == (gunichar) -1 || c == (gunichar) -2) {
			append_code (out, (guchar) *p++);
			continue;
		}
		if ((c == '\n' || c == '\t') && how == MT_PRINTABLE_LINE)
			g_string_append_c (out, ' ');
		else if (c == '\n' || c == '\t' || !g_unichar_iscntrl (c))
			g_string_append_len (out, p, g_utf8_next_char (p) - p);
		else
			append_code (out, c);
		p = g_utf8_next_char (p);
	}
}

char *
mt_printable_escape (const char *text, gssize len, MtPrintable how)
{
	GString *out = g_string_sized_new (text && len < 0 ? strlen (text) : len > 0 ? (gsize) len : 0);

	mt_printable_append (out, text, len, how);
	return g_string_free (out, FALSE);
}
