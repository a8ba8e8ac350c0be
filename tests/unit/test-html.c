/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-html.c - what mt_html_to_text() makes of HTML mail: the text a
 * reader sees, from snippets and from whole messages in tests/unit/html
 * written as Outlook, Gmail, Apple Mail and a newsletter tool write
 * them; and that no input crashes it or takes long.
 */
#include <string.h>

#include "budget.h"
#include "mailticket/message.h"

static void
check_html (const char *html, const char *want)
{
	g_autofree char *text = mt_html_to_text (html);

	g_assert_cmpstr (text, ==, want);
}

/* The text of tests/unit/html/name. */
static char *
html_file_text (const char *name)
{
	g_autofree char *path = g_test_build_filename (G_TEST_DIST, "html", name, NULL);
	g_autofree char *html = NULL;
	g_autoptr (GError) error = NULL;

	g_file_get_contents (path, &html, NULL, &error);
	g_assert_no_error (error);
	return mt_html_to_text (html);
}

/* --- entities and white space --- */

static void
test_entities (void)
{
	check_html ("a &amp; b &lt;c&gt; &quot;d&quot; &#233;&#xE9;&#XE9; &euro;", "a & b <c> \"d\" ééé €");
	check_html ("&rsquo;s &ldquo;quoted&rdquo; &bull; Jos&eacute; Garc&iacute;a &oacute; &ndash;&mdash;&hellip;",
		    "’s “quoted” • José García ó –—…");
	check_html ("&szlig;&Auml;&thorn;&alpha;&Omega;&rarr;&trade;&frac12;", "ßÄþαΩ→™½");
	check_html ("AT&T; &unknown; & alone", "AT&T; &unknown; & alone");
	check_html ("&#0;&#xD800;x", "x");
}

static void
test_whitespace_collapses (void)
{
	check_html ("  one \n\t two   three  ", "one two three");
	check_html ("<b>bold</b> <i>italic</i>", "bold italic");
	check_html ("a&nbsp;&nbsp; b", "a b");
}

static void
test_invisible_dropped (void)
{
	/* What newsletters pad their preview text with. */
	check_html ("pre&#847;&zwnj;&nbsp;&#847;&zwnj;view&shy;text&#8203;!", "pre viewtext!");
}

/* GMime has converted the text to UTF-8: a <meta charset> in it is
 * no longer true and must not be followed. */
static void
test_meta_charset_ignored (void)
{
	check_html ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\">"
		    "<meta charset=\"windows-1252\"></head><body>Björn Müller</body></html>",
		    "Björn Müller");
}

/* --- blocks, lists, tables, pre --- */

static void
test_blocks (void)
{
	check_html ("a<br>b<br/>c<BR />d", "a\nb\nc\nd");
	check_html ("a<br><br><br>b", "a\n\nb");
	check_html ("<p>one</p><p>two</p>", "one\n\ntwo");
	check_html ("<div>x</div>", "x");
	check_html ("<div>x</div><div>y</div>", "x\ny");
	check_html ("<h1>Title</h1>text<h2>Sub</h2><blockquote>q</blockquote>after",
		    "Title\n\ntext\n\nSub\n\n> q\n\nafter");
	check_html ("<section>a</section><article>b</article>c", "a\nb\nc");
}

static void
test_lists (void)
{
	check_html ("<ul><li>x</li>\n<li>y</li></ul>after", "- x\n- y\n\nafter");
	check_html ("<ol><li>x</li><li>y</li></ol>", "1. x\n2. y");
	check_html ("<ol start=\"7\"><li>x</li><li>y</li></ol>", "7. x\n8. y");
	check_html ("<ul><li>a<ol><li>b</li><li>c</li></ol></li><li>d</li></ul>", "- a\n  1. b\n  2. c\n- d");
}

static void
test_list_item_whitespace (void)
{
	/* White space before an item's text must not double the space
	 * after "-". */
	check_html ("<ul>\n<li>\n  item\n</li>\n</ul>", "- item");
}

static void
test_table_cells_separated (void)
{
	/* Regression: the cells ran together, "Serverweb01". */
	check_html ("<table><tr><th>Server</th><th>Status</th></tr><tr><td>web01</td><td>down</td></tr></table>",
		    "Server | Status\nweb01 | down");
	check_html ("<table><tr><td><p>a</p></td><td><p>b</p></td></tr><tr><td><p>c</p></td><td></td></tr></table>",
		    "a | b\nc");
	check_html ("before<table><tr><td>x</td></tr></table>after", "before\n\nx\n\nafter");
}

static void
test_pre_kept (void)
{
	check_html ("<pre>\n$ make\ncc  -o x   x.c\n\n\n  done</pre>after",
		    "$ make\ncc  -o x   x.c\n\n\n  done\n\nafter");
	check_html ("<blockquote><pre>a\n  b</pre></blockquote>", "> a\n>   b");
}

static void
test_quotes (void)
{
	check_html (
		"On Monday Anna wrote:<blockquote><p>one</p><p>two</p><blockquote>inner</blockquote></blockquote>me",
		"On Monday Anna wrote:\n\n> one\n>\n> two\n>\n> > inner\n\nme");
}

/* --- links --- */

static void
test_links (void)
{
	check_html ("see <a href=\"https://example.com/a?b=1&amp;c=2\">the page</a>.",
		    "see the page <https://example.com/a?b=1&c=2>.");
	check_html ("<a href=\"https://example.com/\">https://example.com</a>", "https://example.com");
	check_html ("<a href=\"http://www.example.com\">www.example.com</a>", "www.example.com");
	check_html ("<a href=\"mailto:anna@example.com\">anna@example.com</a>", "anna@example.com");
	check_html ("<a href=\"mailto:anna@example.com\">Anna</a>", "Anna <mailto:anna@example.com>");
	check_html ("<a href=\"#top\">top</a> <a href=\"javascript:go()\">go</a> <a name=\"x\">anchor</a>",
		    "top go anchor");
	/* A link with nothing to read (a tracking pixel's) is left out;
	 * a linked image is named by its alt text. */
	check_html ("a<a href=\"https://t.example/p\"><img src=\"p.gif\"></a>b", "ab");
	check_html ("<a href=\"https://shop.example/\"><img src=\"b.png\" alt=\"Shop now\"></a>",
		    "Shop now <https://shop.example/>");
}

/* --- what is dropped --- */

static void
test_comments_and_doctype (void)
{
	check_html ("<!DOCTYPE html><!-- hidden <p>x</p> -->shown<!-- also hidden -->", "shown");
	check_html ("before<!-- never closed", "before");
	check_html ("<!--[if mso]><p>Outlook only</p><![endif]-->all", "all");
	check_html ("<![if !supportLists]>1.<![endif]> item", "1. item");
}

static void
test_dropped_elements (void)
{
	check_html ("<head><title>T</title></head><SCRIPT>if (a<b) x();</SCRIPT><style>p{}</style>body", "body");
	check_html ("<script>never closed", "");
	/* As in a browser, a hidden block takes no line either. */
	check_html (
		"a<div style=\"display: none; max-height:0\">preheader</div>b<span style=\"DISPLAY:NONE\">x</span>c",
		"abc");
}

/* --- whole messages --- */

static void
test_outlook (void)
{
	g_autofree char *text = html_file_text ("outlook.html");

	g_assert_cmpstr (text, ==,
			 "Hallo Support-Team,\n\n"
			 "seit dem Update läuft der Druckauftrag nicht mehr – die Fehlermeldung lautet "
			 "„Spooler nicht erreichbar“. Wir haben folgende Geräte geprüft:\n\n"
			 "Server | Status\n"
			 "web01 | offline\n\n"
			 "· Neustart durchgeführt\n\n"
			 "Mit freundlichen Grüßen\n\n"
			 "José Müller\n\n"
			 "www.example-kunde.de | E-Mail <mailto:jose.mueller@example-kunde.de>\n\n"
			 "Von: Support <support@example.org>\n"
			 "Gesendet: Montag, 23. November 2026 10:00\n"
			 "Betreff: [Ticket#42] Drucker");
	g_assert_null (strstr (text, "Outlook sees"));
	g_assert_null (strstr (text, "font-family"));
}

static void
test_gmail (void)
{
	g_autofree char *text = html_file_text ("gmail.html");

	g_assert_cmpstr (text, ==,
			 "Hi there,\n\n"
			 "the VPN drops every 10 minutes since Monday's change. Log attached – see the incident "
			 "page <https://status.example.net/incident/4711> and https://status.example.net.\n\n"
			 "Thanks,\nAnna\n\n"
			 "On Mon, Nov 23, 2026 at 10:00 AM Support <support@example.org> wrote:\n\n"
			 "> Dear Anna,\n>\n> could you send us the log?");
}

static void
test_apple_mail (void)
{
	g_autofree char *text = html_file_text ("apple.html");

	g_assert_cmpstr (text, ==,
			 "Hello,\n\nthe backup script stops with this:\n\n"
			 "$ ./backup.sh --full\n"
			 "rsync: connection unexpectedly closed\n"
			 "    (0 bytes received so far)\n\n"
			 "Steps so far:\n\n1. checked the key\n2. ran it by hand\n\n"
			 "Best,\nBjörn\n\n"
			 "> On 23 Nov 2026, at 10:00, Support <support@example.org> wrote:\n>\n"
			 "> Which version do you run?");
}

static void
test_newsletter (void)
{
	g_autofree char *text = html_file_text ("newsletter.html");

	g_assert_cmpstr (text, ==,
			 "Example Tools <https://news.example.com/t/logo>\n"
			 "November News\n\n"
			 "Version 4.2 is out • faster sync • dark mode. Café & bar prices: 5 €.\n\n"
			 "Feature\n\nOffline mode | Status\n\nReady\n\n"
			 "Read more → <https://news.example.com/t/read?u=1&c=2>\n\n"
			 "- First point\n- Second point\n  - Nested point\n\n"
			 "You get this because you signed up. Unsubscribe <https://news.example.com/unsubscribe?u=1>");
	g_assert_null (strstr (text, "biggest update"));
	g_assert_null (strstr (text, "tracking"));
	g_assert_null (strstr (text, "November News\n\nNovember"));
}

/* --- any input --- */

static void
test_unterminated (void)
{
	check_html ("text <b", "text");
	check_html ("a < b and c <3", "a < b and c <3");
	check_html ("", "");
	check_html (NULL, "");
	check_html ("<table><tr><td>a<td>b<tr><td>c", "a | b\nc");
	check_html ("<a href=\"x\">never closed <b>bold", "never closed bold <x>");
}

/* Regression: every '&' looked for its ';' to the end of the text. */
static void
test_megabyte_of_ampersands (void)
{
	g_autofree char *html = g_strnfill (1 << 20, '&');
	g_autoptr (GTimer) timer = g_timer_new ();
	g_autofree char *text = mt_html_to_text (html);

	assert_within_budget (timer, 2);
	g_assert_cmpstr (text, ==, html);
	check_html ("&amp &amp; &abcdefghijk; &#65;", "&amp & &abcdefghijk; A");
}

/* Deep nesting of everything with a stack here: no crash, text kept,
 * in time. */
static void
test_deep_nesting (void)
{
	static const char *const tags[] = { "div",           "ul><li",       "ol><li", "blockquote",
					    "table><tr><td", "a href=\"u\"", "pre" };
	g_autoptr (GTimer) timer = g_timer_new ();

	for (gsize t = 0; t < G_N_ELEMENTS (tags); t++) {
		g_autoptr (GString) html = g_string_new (NULL);
		g_autofree char *text = NULL;

		for (int i = 0; i < 20000; i++)
			g_string_append_printf (html, "<%s>", tags[t]);
		g_string_append (html, "deep");
		text = mt_html_to_text (html->str);
		g_assert_nonnull (strstr (text, "deep"));
	}
	assert_within_budget (timer, 10);
}

static void
test_random_bytes (void)
{
	g_autoptr (GRand) rand = g_rand_new_with_seed (27);
	g_autoptr (GTimer) timer = g_timer_new ();
	static const char pieces[] = "<>&;#/=\"' \nabpdivtrlia";

	for (int round = 0; round < 200; round++) {
		g_autoptr (GString) html = g_string_new (NULL);
		g_autofree char *text = NULL;

		for (int i = 0; i < 2000; i++)
			g_string_append_c (html, round % 2 ? (char) g_rand_int_range (rand, 1, 256)
							   : pieces[g_rand_int_range (rand, 0, sizeof pieces - 1)]);
		text = mt_html_to_text (html->str);
		g_assert_true (g_utf8_validate (text, -1, NULL));
		g_assert_cmpuint (strlen (text), <=, 2 * html->len + 4096);
	}
	assert_within_budget (timer, 10);
}

/* Regression (found by tests/fuzz): a text ending in the first byte of
 * a three-byte character was read past its end. */
static void
test_invalid_utf8 (void)
{
	check_html ("caf\xc3", "caf\xef\xbf\xbd");
	check_html ("<p>a\xe2</p>b\xff", "a\xef\xbf\xbd\n\nb\xef\xbf\xbd");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/html/entities/decoded", test_entities);
	g_test_add_func ("/html/entities/whitespace-collapses", test_whitespace_collapses);
	g_test_add_func ("/html/entities/invisible-padding-dropped", test_invisible_dropped);
	g_test_add_func ("/html/entities/meta-charset-ignored", test_meta_charset_ignored);
	g_test_add_func ("/html/blocks/own-lines", test_blocks);
	g_test_add_func ("/html/blocks/lists-dashed-and-numbered", test_lists);
	g_test_add_func ("/html/blocks/list-item-leading-whitespace", test_list_item_whitespace);
	g_test_add_func ("/html/blocks/table-cells-separated", test_table_cells_separated);
	g_test_add_func ("/html/blocks/pre-kept", test_pre_kept);
	g_test_add_func ("/html/blocks/blockquote-quoted", test_quotes);
	g_test_add_func ("/html/links/text-then-url", test_links);
	g_test_add_func ("/html/dropped/comments-and-doctype", test_comments_and_doctype);
	g_test_add_func ("/html/dropped/head-script-style-hidden", test_dropped_elements);
	g_test_add_func ("/html/mail/outlook", test_outlook);
	g_test_add_func ("/html/mail/gmail", test_gmail);
	g_test_add_func ("/html/mail/apple-mail", test_apple_mail);
	g_test_add_func ("/html/mail/newsletter", test_newsletter);
	g_test_add_func ("/html/input/unterminated", test_unterminated);
	g_test_add_func ("/html/input/megabyte-of-ampersands", test_megabyte_of_ampersands);
	g_test_add_func ("/html/input/deep-nesting", test_deep_nesting);
	g_test_add_func ("/html/input/random-bytes", test_random_bytes);
	g_test_add_func ("/html/input/invalid-utf-8-not-overrun", test_invalid_utf8);
	return g_test_run ();
}
