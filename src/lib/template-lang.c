/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	template-lang.c - the languages of the mail
 * DESCRIPTION
 *	The languages mailticket ships texts in, how each writes a date and
 *	names a status (to a customer, and in an agent's words), and a small guess at the language of a mail that
 *	does not say (Content-Language): the shipped language whose most
 *	common words it uses most. A guess needs a few such words and a
 *	clear lead; a short or mixed text is no guess.
 */
#include <string.h>

#include "mailticket/template.h"

const char *const mt_template_languages[] = { "en", "de", "pl", "es", NULL };

/* Words frequent in each language and rare in the others. */
static const struct {
	const char *lang;
	const char *const words[40];
} common_words[] = {
	{ "en", { "the", "and",  "is",   "are",  "to",    "of",    "with", "please", "thanks", "thank", "my",
		  "it",  "you",  "have", "has",  "hello", "not",   "this", "that",   "for",    "can",   "we",
		  "our", "does", "what", "when", "would", "could", "your", "be",     NULL } },
	{ "de", { "und",   "ich",  "nicht", "der",          "die",     "das",      "ist",    "mit",
		  "sie",   "ein",  "eine",  "bitte",        "danke",   "wir",      "auf",    "für",
		  "zu",    "mein", "meine", "funktioniert", "geehrte", "geehrter", "grüßen", "freundlichen",
		  "hallo", "kann", "haben", "wird",         "auch",    "noch",     NULL } },
	{ "pl",
	  { "nie",      "jest", "się", "że",     "na",     "do",     "jak",        "mam",   "dzień", "dobry", "proszę",
	    "dziękuję", "czy",  "już", "mój",    "moja",   "działa", "pozdrawiam", "witam", "panie", "pani",  "oraz",
	    "ale",      "to",   "też", "bardzo", "jestem", "mogę",   "który",      "która", NULL } },
	{ "es",
	  { "el",   "la",  "que",   "y",   "no",       "es",      "por",     "para", "con",       "una",   "gracias",
	    "hola", "mi",  "los",   "las", "funciona", "saludos", "buenos",  "días", "estimados", "tengo", "pero",
	    "está", "del", "puede", "muy", "cuando",   "favor",   "nuestro", "como", NULL } },
};

static int
count_words (const char *const *words, char **tokens)
{
	int n = 0;

	for (int i = 0; tokens[i]; i++)
		if (*tokens[i] && g_strv_contains (words, tokens[i]))
			n++;
	return n;
}

/* The text's words, lower case: what is not a letter separates them. */
static GStrv
tokens_of (const char *text)
{
	g_autofree char *lower = g_utf8_strdown (text, -1);
	g_autofree char *words = NULL;
	GString *s = g_string_new (NULL);

	for (const char *p = lower; *p; p = g_utf8_next_char (p)) {
		gunichar c = g_utf8_get_char (p);

		if (g_unichar_isalpha (c))
			g_string_append_unichar (s, c);
		else
			g_string_append_c (s, ' ');
	}
	words = g_string_free (s, FALSE);
	return g_strsplit (words, " ", -1);
}

/* The opening of a text tells its language as well as the whole, and a
 * hostile mail may be 50 MB of words. */
#define GUESS_BYTES 4096

const char *
mt_template_guess_language (const char *text)
{
	g_autofree char *valid = text ? g_utf8_make_valid (text, MIN (strlen (text), GUESS_BYTES)) : NULL;
	g_auto (GStrv) tokens = valid ? tokens_of (valid) : NULL;
	int best = -1, best_n = 0, second_n = 0;

	for (guint i = 0; tokens && i < G_N_ELEMENTS (common_words); i++) {
		int n = count_words (common_words[i].words, tokens);

		if (n > best_n) {
			second_n = best_n;
			best_n = n;
			best = (int) i;
		} else if (n > second_n) {
			second_n = n;
		}
	}
	/* Three words at least, and half again as many as the next. */
	if (best < 0 || best_n < 3 || best_n * 2 < second_n * 3)
		return NULL;
	return common_words[best].lang;
}

char *
mt_template_language_tag (const char *lang)
{
	g_autofree char *s = lang ? g_strstrip (g_strdup (lang)) : NULL;
	char *end;

	if (s == NULL)
		return NULL;
	/* "de-DE, en" names the first; a tag is letters, digits, '-'. */
	if ((end = strpbrk (s, ",; ")) != NULL)
		*end = '\0';
	if ((end = strchr (s, '-')) != NULL)
		*end = '\0';
	if (strlen (s) < 2 || strlen (s) > 8)
		return NULL;
	for (char *p = s; *p; p++)
		if (!g_ascii_isalpha (*p))
			return NULL;
	return g_ascii_strdown (s, -1);
}

char *
mt_template_date (const char *lang, gint64 when)
{
	return mt_template_date_in (lang, when, NULL);
}

char *
mt_template_date_in (const char *lang, gint64 when, const char *tz)
{
	static const struct {
		const char *lang, *format;
	} formats[] = {
		{ "de", "%d.%m.%Y %H:%M" },
		{ "pl", "%d.%m.%Y %H:%M" },
		{ "es", "%d/%m/%Y %H:%M" },
	};
	g_autoptr (GTimeZone) named = tz ? g_time_zone_new_identifier (tz) : NULL;
	g_autoptr (GTimeZone) zone = named ? g_time_zone_ref (named) : g_time_zone_new_local ();
	g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (when);
	g_autoptr (GDateTime) dt = utc ? g_date_time_to_timezone (utc, zone) : NULL;
	g_autofree char *format = NULL;
	const char *date = "%Y-%m-%d %H:%M";

	for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
		if (g_strcmp0 (lang, formats[i].lang) == 0)
			date = formats[i].format;
	format = named ? g_strconcat (date, " %Z", NULL) : g_strdup (date);
	return dt ? g_date_time_format (dt, format) : g_strdup ("-");
}

/* The words of each status in the shipped languages but English. */
typedef struct {
	const char *status, *de, *pl, *es;
} StatusWords;

/* words' entry for status in lang, or NULL for English or none. */
static const char *
status_in (const StatusWords *words, guint n, const char *lang, const char *status)
{
	for (guint i = 0; i < n; i++)
		if (g_strcmp0 (status, words[i].status) == 0) {
			if (g_strcmp0 (lang, "de") == 0)
				return words[i].de;
			if (g_strcmp0 (lang, "pl") == 0)
				return words[i].pl;
			if (g_strcmp0 (lang, "es") == 0)
				return words[i].es;
		}
	return NULL;
}

const char *
mt_template_status_name (const char *lang, const char *status)
{
	static const StatusWords names[] = {
		{ "new", "neu", "nowe", "nueva" },
		{ "open", "in Bearbeitung", "w realizacji", "en curso" },
		{ "pending", "wartet auf Ihre Antwort", "oczekuje na Państwa odpowiedź",
		  "a la espera de su respuesta" },
		{ "resolved", "gelöst", "rozwiązane", "resuelta" },
		{ "closed", "geschlossen", "zamknięte", "cerrada" },
		{ "merged", "zusammengeführt", "scalone", "fusionada" },
	};
	const char *name = status_in (names, G_N_ELEMENTS (names), lang, status);

	if (name != NULL)
		return name;
	if (g_strcmp0 (status, "open") == 0)
		return "being worked on";
	if (g_strcmp0 (status, "pending") == 0)
		return "waiting for your answer";
	return status ? status : "";
}

const char *
mt_template_status_word (const char *lang, const char *status)
{
	/* What an agent calls a status: the word of the helpdesk's lists. */
	static const StatusWords words[] = {
		{ "new", "neu", "nowe", "nueva" },
		{ "open", "offen", "otwarte", "abierta" },
		{ "pending", "wartend", "oczekujące", "pendiente" },
		{ "resolved", "gelöst", "rozwiązane", "resuelta" },
		{ "closed", "geschlossen", "zamknięte", "cerrada" },
		{ "merged", "zusammengeführt", "scalone", "fusionada" },
	};
	const char *word = status_in (words, G_N_ELEMENTS (words), lang, status);

	return word ? word : status ? status : "";
}

/* 0: one, 1: a few (Polish 2-4, 22-24 ...), 2: many. */
static int
plural_form (const char *lang, gint64 n)
{
	if (n == 1)
		return 0;
	if (g_strcmp0 (lang, "pl") == 0 && n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14))
		return 1;
	return 2;
}

char *
mt_template_duration (const char *lang, gint64 minutes)
{
	static const struct {
		const char *lang;
		const char *hours[3], *minutes[3];
	} units[] = {
		{ "en", { "hour", "hours", "hours" }, { "minute", "minutes", "minutes" } },
		{ "de", { "Stunde", "Stunden", "Stunden" }, { "Minute", "Minuten", "Minuten" } },
		{ "pl", { "godzinę", "godziny", "godzin" }, { "minutę", "minuty", "minut" } },
		{ "es", { "hora", "horas", "horas" }, { "minuto", "minutos", "minutos" } },
	};
	gboolean hours = minutes % 60 == 0;
	gint64 n = hours ? minutes / 60 : minutes;
	guint u = 0;

	for (guint i = 0; i < G_N_ELEMENTS (units); i++)
		if (g_strcmp0 (lang, units[i].lang) == 0)
			u = i;
	return g_strdup_printf ("%" G_GINT64_FORMAT " %s", n,
				hours ? units[u].hours[plural_form (lang, n)]
				      : units[u].minutes[plural_form (lang, n)]);
}

/* Who wrote, and when, as the mail clients of lang put it above a quote. */
static char *
attribution (const char *lang, gint64 when, const char *who)
{
	static const struct {
		const char *lang, *date, *line;
	} forms[] = {
		{ "en", "%Y-%m-%d %H:%M", "On %s, %s wrote:" },
		{ "de", "%d.%m.%Y um %H:%M", "Am %s schrieb %s:" },
		{ "pl", "%d.%m.%Y o %H:%M", "W dniu %s, %s pisze:" },
		{ "es", "%d/%m/%Y a las %H:%M", "El %s, %s escribió:" },
	};
	g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (when);
	g_autofree char *date = NULL;
	guint u = 0;

	for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
		if (g_strcmp0 (lang, forms[i].lang) == 0)
			u = i;
	date = dt ? g_date_time_format (dt, forms[u].date) : g_strdup ("-");
	return g_strdup_printf (forms[u].line, date, who);
}

/* The note under a quote that was cut, n lines short. */
static char *
cut_note (const char *lang, gint64 n)
{
	static const struct {
		const char *lang;
		const char *forms[3];
	} notes[] = {
		{ "en",
		  { "[... %d more line not quoted]", "[... %d more lines not quoted]",
		    "[... %d more lines not quoted]" } },
		{ "de",
		  { "[... %d weitere Zeile nicht zitiert]", "[... %d weitere Zeilen nicht zitiert]",
		    "[... %d weitere Zeilen nicht zitiert]" } },
		{ "pl",
		  { "[... pominięto %d dalszy wiersz]", "[... pominięto %d dalsze wiersze]",
		    "[... pominięto %d dalszych wierszy]" } },
		{ "es",
		  { "[... %d línea más sin citar]", "[... %d líneas más sin citar]",
		    "[... %d líneas más sin citar]" } },
	};
	guint u = 0;

	for (guint i = 0; i < G_N_ELEMENTS (notes); i++)
		if (g_strcmp0 (lang, notes[i].lang) == 0)
			u = i;
	return g_strdup_printf (notes[u].forms[plural_form (lang, n)], (int) MIN (n, G_MAXINT));
}

char *
mt_template_quote (const char *lang, gint64 when, const char *who, const char *text)
{
	g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);
	g_autofree char *head = attribution (lang, when, who);
	g_auto (GStrv) lines = g_strsplit (g_strchomp (valid), "\n", -1);
	GString *out = g_string_new (head);
	gsize bytes = 0;
	guint n = 0;

	g_string_append_c (out, '\n');
	for (; lines[n] && n < MT_TEMPLATE_QUOTE_LINES; n++) {
		gsize len = strlen (lines[n]);

		if (bytes + len > MT_TEMPLATE_QUOTE_BYTES)
			break;
		bytes += len;
		g_string_append_printf (out, ">%s%s\n", *lines[n] ? " " : "", lines[n]);
	}
	if (lines[n] != NULL) {
		g_autofree char *note = cut_note (lang, g_strv_length (lines + n));

		g_string_append_printf (out, "%s\n", note);
	}
	g_string_truncate (out, out->len - 1);
	return g_string_free (out, FALSE);
}
