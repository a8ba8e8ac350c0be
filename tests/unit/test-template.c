/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-template.c - checking and expanding templates, the shipped ones
 * in every language, dates and the guess at a mail's language.
 */
#include <stdlib.h>
#include <string.h>

#include "mailticket/template.h"

static GPtrArray *
problems_of (const char *name, const char *text)
{
	GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

	mt_template_check (name, "t", text, problems);
	return problems;
}

static void
assert_problem (const char *name, const char *text, const char *want)
{
	g_autoptr (GPtrArray) p = problems_of (name, text);

	g_assert_cmpuint (p->len, >=, 1);
	g_assert_cmpstr (g_ptr_array_index (p, 0), ==, want);
}

static void
test_check_names_file_and_line (void)
{
	assert_problem ("ack", "Subject: hi\n\nline two\n{{nosuch}}\n", "t:4: unknown variable {{nosuch}}");
	assert_problem ("ack", "Subject: {{ticket.id}\n\nx\n", "t:1: {{ without }}");
	assert_problem ("ack", "Subject: x\nno header here\n\nbody\n",
			"t:2: not a header line (a blank line ends the headers)");
	assert_problem ("ack", "Subject: x\n", "t:2: no blank line after the headers");
	assert_problem ("ack", "X-Note: x\n\nbody\n", "t:1: no Subject: header");
	assert_problem ("ack", "Subject: x\nFrom: evil@example.com\n\nbody\n",
			"t:2: From is written by mailticket, not by a template");
	assert_problem ("ack", "Subject: x\n\n{{#if ticket.id}}\nbody\n",
			"t:3: {{#if}} or {{#unless}} without its end");
	assert_problem ("ack", "Subject: x\n\nbody\n{{/if}}\n", "t:4: {{/if}} without {{#if}} or {{#unless}}");
	assert_problem ("ack", "Subject: x\n\nsee {{#if date}} here\n",
			"t:3: {{#if date}} must stand alone on its line");
	assert_problem ("signature", "{{article.text}}\n", "t:1: unknown variable {{article.text}}");
	assert_problem ("nosuch", "x", "t:1: no template is called nosuch");
}

static void
test_check_accepts_sound_text (void)
{
	g_autoptr (GPtrArray) p = problems_of ("ack", "Subject: {{ ticket.token }} {{ticket.subject}}\nX-Note: "
						      "{{queue.name}}\n\nHi\n{{#unless date}}\nx\n{{/unless}}\n");

	g_assert_cmpuint (p->len, ==, 0);
}

static void
test_expand_variables_and_blocks (void)
{
	g_autoptr (GHashTable) vars = mt_template_vars_new ();
	g_autoptr (MtTemplateText) t = NULL;

	mt_template_set (vars, "ticket.id", "7");
	mt_template_set (vars, "ticket.subject", "Drucker");
	mt_template_set (vars, "queue.response_time", "");
	t = mt_template_expand ("ack",
				"Subject: #{{ticket.id}}\n  {{ticket.subject}}\nOrganization: ACME\n\n"
				"A {{ticket.id}}\n{{#if queue.response_time}}\nsoon\n{{/if}}\n"
				"{{#unless queue.response_time}}\nlater\n{{/unless}}\n-- \nend\n",
				vars);
	g_assert_cmpstr (t->subject, ==, "#7 Drucker");
	g_assert_cmpuint (t->head->len, ==, 2);
	g_assert_cmpstr (g_ptr_array_index (t->head, 0), ==, "Organization");
	g_assert_cmpstr (t->body, ==, "A 7\nlater\n-- \nend\n");
}

/* Every template is shipped in every language, sound, and with the same
 * variables as the English one: the texts tell the same facts. */
static int
sort_strings (const char *const *a, const char *const *b)
{
	return strcmp (*a, *b);
}

static GStrv
variables_of (const char *text)
{
	g_autoptr (GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	g_autofree const char **keys = NULL;
	GStrv list;
	guint n;

	for (const char *p = text; (p = strstr (p, "{{")) != NULL; p = strstr (p, "}}") + 2)
		g_hash_table_add (set, g_strndup (p + 2, strstr (p, "}}") - p - 2));
	keys = (const char **) g_hash_table_get_keys_as_array (set, &n);
	list = g_new0 (char *, n + 1);
	for (guint i = 0; i < n; i++)
		list[i] = g_strdup (keys[i]);
	qsort (list, n, sizeof (char *), (int (*) (const void *, const void *)) sort_strings);
	return list;
}

static void
test_shipped_in_every_language (void)
{
	const char *const *names = mt_template_names ();

	for (int i = 0; names[i]; i++) {
		g_autofree char *en_file = g_strdup_printf ("%s.en", names[i]);
		const char *en = mt_template_shipped (en_file);
		g_auto (GStrv) en_vars = NULL;

		g_assert_nonnull (en);
		en_vars = variables_of (en);
		for (int l = 0; mt_template_languages[l]; l++) {
			g_autofree char *file = g_strdup_printf ("%s.%s", names[i], mt_template_languages[l]);
			const char *text = mt_template_shipped (file);
			g_autoptr (GPtrArray) p = g_ptr_array_new_with_free_func (g_free);
			g_auto (GStrv) vars = NULL;

			g_test_message ("%s", file);
			g_assert_nonnull (text);
			g_assert_true (mt_template_check (names[i], file, text, p));
			vars = variables_of (text);
			g_assert_cmpstrv (vars, en_vars);
		}
	}
}

static void
test_dates_per_language (void)
{
	g_autofree char *de = mt_template_date ("de", 1796650200); /* 2026-12-07 14:30 in Berlin */
	g_autofree char *es = mt_template_date ("es", 1796650200);
	g_autofree char *en = mt_template_date ("en", 1796650200);

	g_assert_cmpstr (de, ==, "07.12.2026 14:30");
	g_assert_cmpstr (es, ==, "07/12/2026 14:30");
	g_assert_cmpstr (en, ==, "2026-12-07 14:30");
}

static void
test_durations_per_language (void)
{
	g_autofree char *pl2 = mt_template_duration ("pl", 120);
	g_autofree char *pl5 = mt_template_duration ("pl", 300);
	g_autofree char *pl22 = mt_template_duration ("pl", 22 * 60);
	g_autofree char *de1 = mt_template_duration ("de", 60);
	g_autofree char *en = mt_template_duration ("en", 90);

	g_assert_cmpstr (pl2, ==, "2 godziny");
	g_assert_cmpstr (pl5, ==, "5 godzin");
	g_assert_cmpstr (pl22, ==, "22 godziny");
	g_assert_cmpstr (de1, ==, "1 Stunde");
	g_assert_cmpstr (en, ==, "90 minutes");
}

static void
test_guess_language (void)
{
	g_assert_cmpstr (mt_template_guess_language ("Guten Tag, der Drucker im Büro funktioniert nicht mehr. "
						     "Können Sie bitte helfen? Mit freundlichen Grüßen"),
			 ==, "de");
	g_assert_cmpstr (mt_template_guess_language ("Dzień dobry, drukarka w biurze nie działa. Czy mogą Państwo "
						     "pomóc? Pozdrawiam"),
			 ==, "pl");
	g_assert_cmpstr (mt_template_guess_language ("Hola, la impresora de la oficina no funciona. ¿Pueden "
						     "ayudarme, por favor? Saludos"),
			 ==, "es");
	g_assert_cmpstr (mt_template_guess_language ("Hello, the printer on the third floor does not work. "
						     "Can you please have a look? Thanks"),
			 ==, "en");
	g_assert_null (mt_template_guess_language ("Printer broken"));
	g_assert_null (mt_template_guess_language (""));
	g_assert_null (mt_template_guess_language (NULL));
}

static void
test_language_tag (void)
{
	g_autofree char *de = mt_template_language_tag (" de-DE, en");
	g_autofree char *pl = mt_template_language_tag ("PL");
	g_autofree char *bad = mt_template_language_tag ("../x");

	g_assert_cmpstr (de, ==, "de");
	g_assert_cmpstr (pl, ==, "pl");
	g_assert_null (bad);
}

static void
test_status_names (void)
{
	g_assert_cmpstr (mt_template_status_name ("de", "resolved"), ==, "gelöst");
	g_assert_cmpstr (mt_template_status_name ("es", "pending"), ==, "a la espera de su respuesta");
	g_assert_cmpstr (mt_template_status_name ("en", "resolved"), ==, "resolved");
}

static void
test_status_words (void)
{
	g_assert_cmpstr (mt_template_status_word ("de", "open"), ==, "offen");
	g_assert_cmpstr (mt_template_status_word ("pl", "pending"), ==, "oczekujące");
	g_assert_cmpstr (mt_template_status_word ("es", "closed"), ==, "cerrada");
	g_assert_cmpstr (mt_template_status_word ("en", "pending"), ==, "pending");
	g_assert_cmpstr (mt_template_status_word ("de", "nosuch"), ==, "nosuch");
}

/* 2026-12-07 14:30 in the local time of the test, whatever its zone. */
static gint64
local_time (void)
{
	g_autoptr (GDateTime) dt = g_date_time_new_local (2026, 12, 7, 14, 30, 0);

	return g_date_time_to_unix (dt);
}

static void
test_quote_languages (void)
{
	static const struct {
		const char *lang, *want;
	} cases[] = {
		{ "en", "On 2026-12-07 14:30, Anna Berg wrote:\n> one\n>\n> two" },
		{ "de", "Am 07.12.2026 um 14:30 schrieb Anna Berg:\n> one\n>\n> two" },
		{ "pl", "W dniu 07.12.2026 o 14:30, Anna Berg pisze:\n> one\n>\n> two" },
		{ "es", "El 07/12/2026 a las 14:30, Anna Berg escribió:\n> one\n>\n> two" },
		{ "fr", "On 2026-12-07 14:30, Anna Berg wrote:\n> one\n>\n> two" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *quote =
			mt_template_quote (cases[i].lang, local_time (), "Anna Berg", "one\n\ntwo\n\n");

		g_assert_cmpstr (quote, ==, cases[i].want);
	}
}

static void
test_quote_bounded (void)
{
	g_autoptr (GString) text = g_string_new (NULL);
	g_autofree char *en = NULL, *pl = NULL, *wide = NULL, *line = g_strnfill (5000, 'x');
	g_autofree char *lines = g_strjoin ("\n", line, line, line, NULL);

	for (int i = 1; i <= MT_TEMPLATE_QUOTE_LINES + 3; i++)
		g_string_append_printf (text, "line %d\n", i);
	en = mt_template_quote ("en", local_time (), "Anna", text->str);
	g_assert_nonnull (strstr (en, "\n> line 60\n[... 3 more lines not quoted]"));
	g_assert_null (strstr (en, "line 61"));
	pl = mt_template_quote ("pl", local_time (), "Anna", text->str);
	g_assert_true (g_str_has_suffix (pl, "\n[... pominięto 3 dalsze wiersze]"));
	/* Lines of 5000 bytes: the byte bound cuts first. */
	wide = mt_template_quote ("de", local_time (), "Anna", lines);
	g_assert_true (g_str_has_suffix (wide, "\n[... 2 weitere Zeilen nicht zitiert]"));
}

int
main (int argc, char **argv)
{
	g_setenv ("TZ", "Europe/Berlin", TRUE);
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/template/check/names-file-and-line", test_check_names_file_and_line);
	g_test_add_func ("/template/check/accepts-sound-text", test_check_accepts_sound_text);
	g_test_add_func ("/template/expand/variables-and-blocks", test_expand_variables_and_blocks);
	g_test_add_func ("/template/shipped/every-language-same-variables", test_shipped_in_every_language);
	g_test_add_func ("/template/lang/dates", test_dates_per_language);
	g_test_add_func ("/template/lang/durations", test_durations_per_language);
	g_test_add_func ("/template/lang/guess", test_guess_language);
	g_test_add_func ("/template/lang/tag", test_language_tag);
	g_test_add_func ("/template/lang/status-names", test_status_names);
	g_test_add_func ("/template/lang/status-words", test_status_words);
	g_test_add_func ("/template/lang/quote", test_quote_languages);
	g_test_add_func ("/template/lang/quote-bounded", test_quote_bounded);
	return g_test_run ();
}
