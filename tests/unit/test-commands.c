/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-commands.c - the leading command lines of an agent's mail.
 */
#include <string.h>

#include "mailticket/commands.h"

static const MtCommand *
nth (const MtCommands *c, guint i)
{
	g_assert_cmpuint (i, <, c->commands->len);
	return g_ptr_array_index (c->commands, i);
}

static void
test_parse_all_kinds (void)
{
	g_autoptr (MtCommands) c = mt_commands_parse ("#status resolved\n#owner alice\n#priority 7\n"
						      "#tag +vpn -old\n#time 30\n#note\nFixed the tunnel.\n");

	g_assert_nonnull (c);
	g_assert_cmpuint (c->commands->len, ==, 7);
	g_assert_cmpint (nth (c, 0)->kind, ==, MT_COMMAND_STATUS);
	g_assert_cmpstr (nth (c, 0)->value, ==, "resolved");
	g_assert_cmpint (nth (c, 1)->kind, ==, MT_COMMAND_OWNER);
	g_assert_cmpstr (nth (c, 1)->value, ==, "alice");
	g_assert_cmpint (nth (c, 2)->kind, ==, MT_COMMAND_PRIORITY);
	g_assert_cmpstr (nth (c, 2)->value, ==, "7");
	g_assert_cmpint (nth (c, 3)->kind, ==, MT_COMMAND_TAG);
	g_assert_cmpstr (nth (c, 3)->value, ==, "vpn");
	g_assert_true (nth (c, 3)->add);
	g_assert_cmpstr (nth (c, 4)->value, ==, "old");
	g_assert_false (nth (c, 4)->add);
	g_assert_cmpint (nth (c, 5)->kind, ==, MT_COMMAND_TIME);
	g_assert_cmpint (nth (c, 5)->minutes, ==, 30);
	g_assert_cmpint (nth (c, 6)->kind, ==, MT_COMMAND_NOTE);
	g_assert_true (c->internal);
	g_assert_cmpstr (c->rest, ==, "Fixed the tunnel.\n");
	for (guint i = 0; i < c->commands->len; i++)
		g_assert_null (nth (c, i)->invalid);
}

static void
test_parse_no_command (void)
{
	g_assert_null (mt_commands_parse ("Hello,\n#status resolved\n"));
	g_assert_null (mt_commands_parse (""));
	g_assert_null (mt_commands_parse ("\n\n  \n"));
	g_assert_null (mt_commands_parse (NULL));
	g_assert_null (mt_commands_parse ("#1 issue: the VPN\n"));
	g_assert_null (mt_commands_parse ("#statusresolved\n"));
}

static void
test_parse_skips_blank_lines (void)
{
	g_autoptr (MtCommands) c =
		mt_commands_parse ("\r\n\n  #Status  resolved  \r\n\n#priority 2\n\nThanks\n#tag +x\n");

	g_assert_nonnull (c);
	g_assert_cmpuint (c->commands->len, ==, 2);
	g_assert_cmpstr (nth (c, 0)->value, ==, "resolved");
	g_assert_cmpstr (nth (c, 0)->line, ==, "#Status  resolved");
	g_assert_false (c->internal);
	g_assert_cmpstr (c->rest, ==, "Thanks\n#tag +x\n");
}

static void
test_parse_stops_at_unknown_word (void)
{
	g_autoptr (MtCommands) c = mt_commands_parse ("#status open\n#include <stdio.h>\n#priority 3\n");

	g_assert_cmpuint (c->commands->len, ==, 1);
	g_assert_cmpstr (c->rest, ==, "#include <stdio.h>\n#priority 3\n");
}

static void
test_parse_only_commands (void)
{
	g_autoptr (MtCommands) c = mt_commands_parse ("#status resolved");

	g_assert_cmpuint (c->commands->len, ==, 1);
	g_assert_cmpstr (c->rest, ==, "");
}

static void
test_parse_invalid_lines_are_commands (void)
{
	g_autoptr (MtCommands) c = mt_commands_parse ("#time soon\n#owner\n#tag\n#tag + ok\n#priority 12\nText\n");

	g_assert_cmpuint (c->commands->len, ==, 6);
	g_assert_nonnull (nth (c, 0)->invalid);
	g_assert_nonnull (nth (c, 1)->invalid);
	g_assert_nonnull (nth (c, 2)->invalid);
	g_assert_nonnull (nth (c, 3)->invalid);
	g_assert_null (nth (c, 4)->invalid);
	g_assert_cmpstr (nth (c, 4)->value, ==, "ok");
	/* The range is the change module's to check, as for the CLI. */
	g_assert_null (nth (c, 5)->invalid);
	g_assert_cmpstr (c->rest, ==, "Text\n");
}

static void
test_parse_time_note (void)
{
	g_autoptr (MtCommands) c = mt_commands_parse ("#time 1h30 on the phone with them\n");

	g_assert_cmpint (nth (c, 0)->minutes, ==, 90);
	g_assert_cmpstr (nth (c, 0)->value, ==, "on the phone with them");
}

static void
test_parse_note_text_stays (void)
{
	g_autoptr (MtCommands) c = mt_commands_parse ("#note they called back\n#status pending\nMore.\n");

	g_assert_true (c->internal);
	g_assert_cmpuint (c->commands->len, ==, 2);
	g_assert_cmpstr (c->rest, ==, "they called back\nMore.\n");
}

static void
test_minutes (void)
{
	gint64 m = 0;

	g_assert_true (mt_commands_parse_minutes ("30", &m));
	g_assert_cmpint (m, ==, 30);
	g_assert_true (mt_commands_parse_minutes ("1h30", &m));
	g_assert_cmpint (m, ==, 90);
	g_assert_true (mt_commands_parse_minutes ("2h", &m));
	g_assert_cmpint (m, ==, 120);
	g_assert_true (mt_commands_parse_minutes ("45m", &m));
	g_assert_cmpint (m, ==, 45);
	g_assert_true (mt_commands_parse_minutes ("1H5M", &m));
	g_assert_cmpint (m, ==, 65);
	g_assert_false (mt_commands_parse_minutes ("0", &m));
	g_assert_false (mt_commands_parse_minutes ("", &m));
	g_assert_false (mt_commands_parse_minutes ("h", &m));
	g_assert_false (mt_commands_parse_minutes ("m", &m));
	g_assert_false (mt_commands_parse_minutes ("-5", &m));
	g_assert_false (mt_commands_parse_minutes ("1.5h", &m));
	g_assert_false (mt_commands_parse_minutes ("999999", &m));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/commands/parse/all-kinds", test_parse_all_kinds);
	g_test_add_func ("/commands/parse/no-command", test_parse_no_command);
	g_test_add_func ("/commands/parse/skips-blank-lines", test_parse_skips_blank_lines);
	g_test_add_func ("/commands/parse/stops-at-unknown-word", test_parse_stops_at_unknown_word);
	g_test_add_func ("/commands/parse/only-commands", test_parse_only_commands);
	g_test_add_func ("/commands/parse/invalid-lines-are-commands", test_parse_invalid_lines_are_commands);
	g_test_add_func ("/commands/parse/time-note", test_parse_time_note);
	g_test_add_func ("/commands/parse/note-text-stays", test_parse_note_text_stays);
	g_test_add_func ("/commands/minutes", test_minutes);
	return g_test_run ();
}
