/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-printable.c - what a terminal is shown of a text from mail:
 * control characters and bytes that are not UTF-8 by their code.
 */
#include "mailticket/printable.h"

static void
check (const char *text, gssize len, MtPrintable how, const char *want)
{
	g_autofree char *got = mt_printable_escape (text, len, how);

	g_assert_cmpstr (got, ==, want);
}

static void
test_plain_text_is_kept (void)
{
	check ("Drucker im Büro druckt nur Müll \\ 100%", -1, MT_PRINTABLE_LINE,
	       "Drucker im Büro druckt nur Müll \\ 100%");
	check ("", -1, MT_PRINTABLE_TEXT, "");
	check (NULL, -1, MT_PRINTABLE_TEXT, "");
}

static void
test_c0_controls_are_escaped (void)
{
	check ("a\033[2Jb\007c\rd\x7f", -1, MT_PRINTABLE_TEXT, "a\\x1b[2Jb\\x07c\\x0dd\\x7f");
}

static void
test_c1_controls_are_escaped (void)
{
	/* U+009B (CSI) and U+0085 (NEL), in UTF-8. */
	check ("a\xc2\x9b"
	       "31mb\xc2\x85",
	       -1, MT_PRINTABLE_LINE, "a\\x9b31mb\\x85");
}

static void
test_bytes_not_utf8_are_escaped (void)
{
	/* Latin-1 and a raw C1 byte; the text after them is kept. */
	check ("M\xfcll \x9b"
	       "31m ok",
	       -1, MT_PRINTABLE_LINE, "M\\xfcll \\x9b31m ok");
	/* A character cut short at the end. */
	check ("ab\xc3", -1, MT_PRINTABLE_LINE, "ab\\xc3");
}

static void
test_nul_inside_is_escaped (void)
{
	check ("a\0b", 3, MT_PRINTABLE_TEXT, "a\\x00b");
}

static void
test_lines_and_tabs (void)
{
	check ("one\ttwo\nthree", -1, MT_PRINTABLE_TEXT, "one\ttwo\nthree");
	check ("one\ttwo\nthree", -1, MT_PRINTABLE_LINE, "one two three");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/printable/plain-text-is-kept", test_plain_text_is_kept);
	g_test_add_func ("/printable/c0-controls-are-escaped", test_c0_controls_are_escaped);
	g_test_add_func ("/printable/c1-controls-are-escaped", test_c1_controls_are_escaped);
	g_test_add_func ("/printable/bytes-not-utf8-are-escaped", test_bytes_not_utf8_are_escaped);
	g_test_add_func ("/printable/nul-inside-is-escaped", test_nul_inside_is_escaped);
	g_test_add_func ("/printable/lines-and-tabs", test_lines_and_tabs);
	return g_test_run ();
}
