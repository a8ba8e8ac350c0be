/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-quote.c - the new text of an agent's reply, as each mail client
 * quotes a helpdesk notification. NOTIFICATION is what notify.c sends;
 * each client's quote of it is written out as the client writes it.
 */
#include <string.h>

#include "mailticket/quote.h"

#define NOTIFICATION_LINES(q)                                                                                         \
	q "New mail from Anna Nowak <anna@example.org>\n" q "Ticket #42: Printer on floor 3 prints blank pages\n" q   \
	  "Status open, priority 5, queue support\n" q "\n" q "Hello,\n" q "\n" q                                     \
	  "since this morning the printer on floor 3 prints only blank pages.\n" q "\n" q "Anna\n" q "\n" q "-- \n" q \
	  "Reply to this message to add to ticket #42.\n"

/* As quoted by clients that mark it, and as pasted by those that do not. */
#define QUOTED NOTIFICATION_LINES ("> ")
#define UNMARKED NOTIFICATION_LINES ("")

#define ANSWER "Hello Anna,\n\nthe toner was empty; I replaced it. Please try again.\n\nBob\n"
#define SIGNATURE "-- \nBob Agent\nHelpdesk, Example Ltd.\n+49 30 1234567\n"

static void
assert_new_text (const char *text, const char *expected)
{
	g_autofree char *got = mt_quote_new_text (text);

	g_assert_cmpstr (got, ==, expected);
}

static void
test_thunderbird_top_posted (void)
{
	assert_new_text (ANSWER "\nOn 01.12.26 10:00, Helpdesk wrote:\n" QUOTED, ANSWER);
	assert_new_text (ANSWER SIGNATURE "\nOn 01.12.26 10:00, Helpdesk wrote:\n" QUOTED, ANSWER);
}

static void
test_thunderbird_bottom_posted (void)
{
	assert_new_text ("On 01.12.26 10:00, Helpdesk wrote:\n" QUOTED "\n" ANSWER "\n" SIGNATURE, ANSWER);
}

static void
test_gmail_wrapped_header (void)
{
	const char *header = "On Tue, Dec 1, 2026 at 10:00 AM Helpdesk <support+42.6feef60b7d@example.org>\nwrote:\n";
	g_autofree char *top = g_strconcat (ANSWER "\n", header, "\n" QUOTED, NULL);
	g_autofree char *bottom = g_strconcat (header, "\n" QUOTED "\n" ANSWER, NULL);

	assert_new_text (top, ANSWER);
	assert_new_text (bottom, ANSWER);
}

static void
test_gmail_unmarked_quote (void)
{
	assert_new_text (ANSWER "\nOn Tue, Dec 1, 2026 at 10:00 AM Helpdesk <support@example.org> wrote:\n\n" UNMARKED,
			 ANSWER);
}

static void
test_apple_mail (void)
{
	assert_new_text (
		ANSWER
		"\nSent from my iPhone\n\nOn 1 Dec 2026, at 10:00, Helpdesk <support@example.org> wrote:\n\n" QUOTED,
		ANSWER "\nSent from my iPhone\n");
}

static void
test_k9 (void)
{
	assert_new_text ("Replaced the toner.\n-- \nSent from my Android device with K-9 Mail.\n\n"
			 "On December 1, 2026 10:00:00 AM GMT+01:00, Helpdesk <support@example.org> wrote:\n" QUOTED,
			 "Replaced the toner.\n");
}

static void
test_evolution (void)
{
	assert_new_text (ANSWER "\nOn Tue, 2026-12-01 at 10:00 +0100, Helpdesk wrote:\n" QUOTED, ANSWER);
}

static void
test_mutt_star_header (void)
{
	assert_new_text ("* Helpdesk <support@example.org> [2026-12-01 10:00]:\n" QUOTED "\n" ANSWER, ANSWER);
}

static void
test_mutt_star_list_kept (void)
{
	const char *text = "Backups:\n* last full one [2026-11-30 22:00]:\nall green.\n";

	assert_new_text (text, text);
}

/* A quote header of a language, above a marked and above an unmarked
 * quote, under the answer. */
static void
assert_header_cuts (const char *header)
{
	g_autofree char *marked = g_strconcat (ANSWER "\n", header, "\n" QUOTED, NULL);
	g_autofree char *unmarked = g_strconcat (ANSWER "\n", header, "\n\n" UNMARKED, NULL);

	assert_new_text (marked, ANSWER);
	assert_new_text (unmarked, ANSWER);
}

static void
test_german (void)
{
	assert_header_cuts ("Am 01.12.26 um 10:00 schrieb Helpdesk:");
	assert_header_cuts ("Am Di., 1. Dez. 2026 um 10:00 Uhr schrieb Helpdesk <support@example.org>:");
}

static void
test_spanish (void)
{
	assert_header_cuts ("El 1/12/26 a las 10:00, Helpdesk escribió:");
	assert_header_cuts ("El mar, 1 dic 2026 a las 10:00, Helpdesk (<support@example.org>) escribió:");
}

static void
test_polish (void)
{
	assert_header_cuts ("W dniu 1.12.2026 o 10:00, Helpdesk pisze:");
	assert_header_cuts ("wt., 1 gru 2026 o 10:00 Helpdesk <support@example.org> napisał(a):");
	/* The line above a quote header is not its first half. */
	assert_new_text ("Toner wymieniony, pozdrawiam\nwt., 1 gru 2026 o 10:00 Helpdesk <support@example.org> "
			 "napisał(a):\n" QUOTED,
			 "Toner wymieniony, pozdrawiam\n");
}

static void
test_french (void)
{
	assert_header_cuts ("Le 01/12/2026 à 10:00, Helpdesk a écrit :");
	assert_header_cuts ("Le mar. 1 déc. 2026 à 10:00, Helpdesk <support@example.org> a écrit\xc2\xa0:");
}

static void
test_dutch (void)
{
	assert_header_cuts ("Op 01-12-2026 om 10:00 schreef Helpdesk:");
	assert_header_cuts ("Op di 1 dec. 2026 om 10:00 schreef Helpdesk <support@example.org>:");
}

static void
test_non_ascii_name (void)
{
	assert_header_cuts ("Am 01.12.26 um 10:00 schrieb Jürgen Müller:");
	assert_header_cuts ("W dniu 1.12.2026 o 10:00, Łukasz Wąsowski pisze:");
	assert_header_cuts ("On 1 Dec 2026, at 10:00, José Núñez <jose@example.org> wrote:");
}

/* Outlook's headers of a language, under a separator line. */
static void
assert_outlook_cuts (const char *separator, const char *from, const char *sent, const char *to, const char *subject)
{
	g_autofree char *block = g_strdup_printf ("%s Helpdesk <support@example.org>\n"
						  "%s Tuesday, 1 December 2026 10:00\n"
						  "%s Bob Agent <bob@example.org>\n"
						  "%s [Ticket#42] Printer on floor 3 prints blank pages\n\n",
						  from, sent, to, subject);
	g_autofree char *separated = g_strconcat (ANSWER "\n", separator, "\n", block, UNMARKED, NULL);
	g_autofree char *ruled = g_strconcat (ANSWER "\n________________________________\n", block, UNMARKED, NULL);
	g_autofree char *bare = g_strconcat (ANSWER "\n", block, UNMARKED, NULL);

	assert_new_text (separated, ANSWER);
	assert_new_text (ruled, ANSWER);
	assert_new_text (bare, ANSWER);
}

static void
test_outlook_english (void)
{
	assert_outlook_cuts ("-----Original Message-----", "From:", "Sent:", "To:", "Subject:");
}

static void
test_outlook_german (void)
{
	assert_outlook_cuts ("-----Ursprüngliche Nachricht-----", "Von:", "Gesendet:", "An:", "Betreff:");
}

static void
test_outlook_spanish (void)
{
	assert_outlook_cuts ("-----Mensaje original-----", "De:", "Enviado:", "Para:", "Asunto:");
}

static void
test_outlook_polish (void)
{
	assert_outlook_cuts ("-----Wiadomość oryginalna-----", "Od:", "Wysłano:", "Do:", "Temat:");
}

static void
test_outlook_separator_alone (void)
{
	assert_new_text (ANSWER "\n-----Original Message-----\n" UNMARKED, ANSWER);
	assert_new_text (ANSWER "\n-------- Original Message --------\n" UNMARKED, ANSWER);
}

static void
test_from_line_alone_kept (void)
{
	const char *text = "From: the logs I see the spooler crashed.\nI restarted it.\n";

	assert_new_text (text, text);
}

static void
test_trailing_quote (void)
{
	assert_new_text (ANSWER "\n" QUOTED, ANSWER);
	assert_new_text (ANSWER "\n> first\n\n> second\n>\n\n", ANSWER);
}

static void
test_inline_answers (void)
{
	assert_new_text ("On 01.12.26 10:00, Anna Nowak wrote:\n"
			 "> Is the printer switched on?\n"
			 "\n"
			 "Yes, it is.\n"
			 "\n"
			 "> Which model is it?\n"
			 ">\n"
			 "\n"
			 "An HP LaserJet 4.\n"
			 "It is on floor 3.\n"
			 "\n"
			 "> Anna\n"
			 "\n"
			 "-- \n"
			 "Bob Agent\n",
			 "Yes, it is.\n"
			 "\n"
			 "An HP LaserJet 4.\n"
			 "It is on floor 3.\n");
}

static void
test_nested_quote_header (void)
{
	assert_new_text ("> wt., 1 gru 2026 o 10:00 Anna <anna@example.org> napisał(a):\n"
			 ">> Drukarka nie działa.\n"
			 ">\n"
			 "> Proszę sprawdzić toner.\n"
			 "\n"
			 "Toner wymieniony.\n",
			 "Toner wymieniony.\n");
	/* The writer trimmed the quote under it. */
	assert_new_text ("> Proszę sprawdzić toner.\n"
			 ">\n"
			 "> wt., 1 gru 2026 o 10:00 Anna <anna@example.org> napisał(a):\n"
			 "\n"
			 "Toner wymieniony.\n",
			 "Toner wymieniony.\n");
}

static void
test_inline_answers_without_blank_lines (void)
{
	assert_new_text ("> Is the printer switched on?\n"
			 "Yes, it is.\n"
			 "> Which model is it?\n"
			 "An HP LaserJet 4.\n"
			 "> Thanks\n",
			 "Yes, it is.\n\nAn HP LaserJet 4.\n");
}

static void
test_signature (void)
{
	assert_new_text (ANSWER SIGNATURE, ANSWER);
	assert_new_text (ANSWER "--\nBob Agent\n", ANSWER);
}

static void
test_signature_only (void)
{
	assert_new_text (SIGNATURE, "");
	assert_new_text ("\n\n" SIGNATURE "\nOn 01.12.26 10:00, Helpdesk wrote:\n" QUOTED, "");
}

static void
test_no_quote (void)
{
	const char *texts[] = {
		ANSWER,
		"Hello Anna,\n\n\nthe  toner\t was empty.  \n \nI replaced it -- please try again.\n\nBob",
		"Done.",
		"Line with --\nand -- \n---\n",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
		assert_new_text (texts[i], texts[i]);
}

static void
test_blank_lines_trimmed (void)
{
	assert_new_text ("\n \n\t\n" ANSWER "\n\n \n", ANSWER);
}

static void
test_empty (void)
{
	g_assert_null (mt_quote_new_text (NULL));
	assert_new_text ("", "");
	assert_new_text ("\n\n \n", "");
	assert_new_text ("-- \n", "");
}

static void
test_whole_quote (void)
{
	assert_new_text ("On 01.12.26 10:00, Helpdesk wrote:\n" QUOTED "\n\n",
			 "On 01.12.26 10:00, Helpdesk wrote:\n" QUOTED);
	assert_new_text ("\n" QUOTED, QUOTED);
}

static void
test_starts_with_quote_header (void)
{
	/* What is under an unmarked quote cannot be told from it: all is kept. */
	assert_new_text ("On 01.12.26 10:00, Helpdesk wrote:\n\n" UNMARKED "\n" ANSWER,
			 "On 01.12.26 10:00, Helpdesk wrote:\n\nNew mail from Anna Nowak <anna@example.org>\n"
			 "Ticket #42: Printer on floor 3 prints blank pages\nStatus open, priority 5, queue support\n"
			 "\nHello,\n\nsince this morning the printer on floor 3 prints only blank pages.\n\nAnna\n");
}

static void
test_crlf (void)
{
	assert_new_text ("Hello Anna,\r\n\r\nthe toner is replaced.\r\n\r\nBob\r\n-- \r\nBob Agent\r\n\r\n"
			 "On 01.12.26 10:00, Helpdesk wrote:\r\n> New mail from Anna Nowak\r\n> -- \r\n",
			 "Hello Anna,\r\n\r\nthe toner is replaced.\r\n\r\nBob\r\n");
	assert_new_text ("Hello Anna,\r\n\r\nOn 01.12.26 10:00, Helpdesk wrote:\r\n\r\nNew mail from Anna Nowak\r\n",
			 "Hello Anna,\r\n");
	assert_new_text ("> Is it on?\r\nYes.\r\n> Which model?\r\nHP 4.\r\n", "Yes.\r\n\r\nHP 4.\r\n");
}

static void
test_wrote_in_sentence (void)
{
	const char *texts[] = {
		"Hello Anna,\n\nas you wrote: the printer on floor 3 prints blank pages.\nI replaced the toner.\n",
		"Hello Anna,\n\nOn Monday the vendor wrote:\nthe drum needs replacing too.\n",
		"Hello Anna,\n\nOn ticket #41 the vendor wrote:\nthe drum needs replacing too.\n",
		"Hello Anna,\n\nOn 3 December I replaced the toner.\nAnna wrote:\n",
		"Hello Anna,\n\nOn 1 December 2026 I replaced the toner, as\nyou wrote:\nthe printer works now.\n",
		"Hello Anna,\n\nOn ticket #4100 the vendor wrote:\nthe drum needs replacing too.\n",
		"Hallo Anna,\n\nAm 2. Dezember 2026 kommt der Techniker, bitte beachten:\nder Drucker ist dann aus.\n",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (texts); i++)
		assert_new_text (texts[i], texts[i]);
}

/* Compared without printing megabytes when they differ. */
static void
assert_big_new_text (const char *text, const char *expected)
{
	g_autofree char *got = mt_quote_new_text (text);

	g_assert_cmpuint (strlen (got), ==, strlen (expected));
	g_assert_true (strcmp (got, expected) == 0);
}

/* Each input is 2 MB of what makes a careless matcher slow; the answer
 * must still be right. */
static void
test_hostile_quote_marks (void)
{
	gsize n = 2 * 1024 * 1024;
	g_autofree char *marks = g_strnfill (n, '>');
	g_autofree char *text = g_strconcat ("Thanks.\n", marks, NULL);
	g_autoptr (GString) lines = g_string_new ("Thanks.\n");
	g_autofree char *got = NULL;

	assert_big_new_text (text, "Thanks.\n");
	while (lines->len < n)
		g_string_append (lines, ">\n");
	assert_big_new_text (lines->str, "Thanks.\n");
	got = mt_quote_new_text (marks);
	g_assert_cmpuint (strlen (got), ==, n);
}

static void
test_hostile_header_lines (void)
{
	gsize n = 2 * 1024 * 1024;
	/* Each piece repeated; the new text is all of it or "Thanks.\n". */
	const struct {
		const char *piece;
		gboolean cut;
	} cases[] = {
		{ "On ", FALSE },
		{ "On \n", FALSE },
		{ "On 1 a@b\n", FALSE },
		{ "On 1 <a@b>\nwrote", FALSE },
		{ "From: x\n", FALSE },
		{ "Am 1 schrieb ", FALSE },
		{ "* [1", FALSE },
		{ "-----", FALSE },
		{ "\n__________\n", FALSE },
		{ "On 2026 <a@b>\nwrote:\n", TRUE },
		{ ">\nOn 10:00 a@b wrote:\n", TRUE },
		{ "From: x\nTo: y\nCc: z\n", TRUE },
		{ "\n>", TRUE },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autoptr (GString) text = g_string_new ("Thanks.\n");

		while (text->len < n)
			g_string_append (text, cases[i].piece);
		assert_big_new_text (text->str, cases[i].cut ? "Thanks.\n" : text->str);
	}
}

static void
test_hostile_long_header (void)
{
	gsize n = 2 * 1024 * 1024;
	g_autoptr (GString) text = g_string_new ("Thanks.\n\nOn 1 Dec 2026");

	while (text->len < n)
		g_string_append (text, " at 10:00 <a@example.org>");
	g_string_append (text, " wrote:\n");
	g_autofree char *expected = g_strdup (text->str);
	g_string_append (text, "> quoted\n");
	/* Too long for a quote header: kept, as the writer's. */
	assert_big_new_text (text->str, expected);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/quote/thunderbird/cuts-quoted-notification", test_thunderbird_top_posted);
	g_test_add_func ("/quote/thunderbird/keeps-bottom-posted-answer", test_thunderbird_bottom_posted);
	g_test_add_func ("/quote/gmail/cuts-header-wrapped-over-two-lines", test_gmail_wrapped_header);
	g_test_add_func ("/quote/gmail/cuts-unmarked-quote-under-header", test_gmail_unmarked_quote);
	g_test_add_func ("/quote/apple-mail/cuts-quoted-notification", test_apple_mail);
	g_test_add_func ("/quote/k9/cuts-signature-and-quote", test_k9);
	g_test_add_func ("/quote/evolution/cuts-quoted-notification", test_evolution);
	g_test_add_func ("/quote/mutt/cuts-star-header-above-quote", test_mutt_star_header);
	g_test_add_func ("/quote/mutt/keeps-star-line-without-quote", test_mutt_star_list_kept);
	g_test_add_func ("/quote/header/german-am-schrieb", test_german);
	g_test_add_func ("/quote/header/spanish-el-escribio", test_spanish);
	g_test_add_func ("/quote/header/polish-w-dniu-pisze-and-napisal", test_polish);
	g_test_add_func ("/quote/header/french-le-a-ecrit", test_french);
	g_test_add_func ("/quote/header/dutch-op-schreef", test_dutch);
	g_test_add_func ("/quote/header/non-ascii-name", test_non_ascii_name);
	g_test_add_func ("/quote/header/wrote-in-a-sentence-cuts-nothing", test_wrote_in_sentence);
	g_test_add_func ("/quote/outlook/cuts-original-message-english", test_outlook_english);
	g_test_add_func ("/quote/outlook/cuts-original-message-german", test_outlook_german);
	g_test_add_func ("/quote/outlook/cuts-original-message-spanish", test_outlook_spanish);
	g_test_add_func ("/quote/outlook/cuts-original-message-polish", test_outlook_polish);
	g_test_add_func ("/quote/outlook/cuts-separator-alone", test_outlook_separator_alone);
	g_test_add_func ("/quote/outlook/keeps-lone-from-line", test_from_line_alone_kept);
	g_test_add_func ("/quote/trailing/cuts-quoted-lines-at-end", test_trailing_quote);
	g_test_add_func ("/quote/inline/keeps-answers-drops-questions", test_inline_answers);
	g_test_add_func ("/quote/inline/quoted-quote-header-cuts-nothing", test_nested_quote_header);
	g_test_add_func ("/quote/inline/separates-answers-without-blank-lines",
			 test_inline_answers_without_blank_lines);
	g_test_add_func ("/quote/signature/cut", test_signature);
	g_test_add_func ("/quote/signature/only-leaves-empty", test_signature_only);
	g_test_add_func ("/quote/plain/returned-unchanged", test_no_quote);
	g_test_add_func ("/quote/plain/blank-lines-trimmed", test_blank_lines_trimmed);
	g_test_add_func ("/quote/empty/gives-empty", test_empty);
	g_test_add_func ("/quote/whole-quote/kept-when-nothing-typed", test_whole_quote);
	g_test_add_func ("/quote/whole-quote/starts-with-header-keeps-all-but-signature",
			 test_starts_with_quote_header);
	g_test_add_func ("/quote/crlf/cut-and-line-ends-kept", test_crlf);
	g_test_add_func ("/quote/hostile/2mb-of-quote-marks", test_hostile_quote_marks);
	g_test_add_func ("/quote/hostile/2mb-of-header-starts", test_hostile_header_lines);
	g_test_add_func ("/quote/hostile/2mb-header-line", test_hostile_long_header);
	return g_test_run ();
}
