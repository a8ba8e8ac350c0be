/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	verbs.c - the verbs of a command, matched to its words
 * DESCRIPTION
 *	A command made of verbs (alarm, task, db ...) lists its forms as
 *	usage lines; mt_cli_run_verb runs the first form the words after
 *	the command fit, opening the store as the form says.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* A word of a verb's usage, as the command line must fill it. */
typedef struct {
	enum { WORD_TICKET, WORD_VERB, WORD_CHOICE, WORD_ARG } kind;
	gboolean optional, repeat;
	const char *text; /* WORD_CHOICE: "add|rm" */
} Word;

/* The words of usage, split at spaces outside brackets; "[--to WHO]"
 * is one word. Owned. */
static char **
split_usage (const char *usage)
{
	GPtrArray *words = g_ptr_array_new ();
	const char *start = usage;
	int depth = 0;

	for (const char *p = usage;; p++) {
		if ((*p == ' ' && depth == 0) || *p == '\0') {
			if (p > start)
				g_ptr_array_add (words, g_strndup (start, p - start));
			start = p + 1;
		}
		if (*p == '\0')
			break;
		depth += (*p == '[') - (*p == ']');
	}
	g_ptr_array_add (words, NULL);
	return (char **) g_ptr_array_free (words, FALSE);
}

/* The shape of usage: its words without the options. The texts point
 * into words, which this unbrackets in place. */
static GArray *
usage_shape (char **words)
{
	GArray *shape = g_array_new (FALSE, TRUE, sizeof (Word));
	guint literals = 0;

	for (int i = 0; words[i]; i++) {
		Word w = { .optional = words[i][0] == '[' };
		char *text = words[i] + w.optional;

		if (w.optional)
			text[strlen (text) - 1] = '\0';
		if (*text == '-') { /* an option, and the value that follows it unbracketed */
			if (!w.optional && words[i + 1] && g_ascii_isupper (words[i + 1][0]))
				i++;
			continue;
		}
		w.text = text;
		w.repeat = g_str_has_suffix (text, "...");
		if (i == 0 && strcmp (text, "ID") == 0)
			w.kind = WORD_TICKET;
		else if (!g_ascii_islower (*text))
			w.kind = WORD_ARG;
		else /* the first word in lower case is the verb */
			w.kind = literals++ == 0 ? WORD_VERB : WORD_CHOICE;
		g_array_append_val (shape, w);
	}
	return shape;
}

typedef struct {
	const Word *shape;
	guint len;
	const char *verb;
	const char *ticket; /* what matched ID */
	char **args;        /* the words after the verb, or after the ticket */
} Match;

static gboolean
fits (const Word *w, const char *word, const char *verb)
{
	g_auto (GStrv) choices = NULL;

	if (w->kind == WORD_VERB)
		return g_strcmp0 (word, verb) == 0;
	if (w->kind != WORD_CHOICE)
		return TRUE;
	choices = g_strsplit (w->text, "|", -1);
	return g_strv_contains ((const char *const *) choices, word);
}

/* Whether words fit the shape from its i-th word on. An optional word
 * is left out when the rest fits without it, so that in "[ID] [list]"
 * the word "list" is the verb, not a ticket number; more is whether a
 * repeated word has been filled once already. */
static gboolean
match_from (Match *m, guint i, char **words, gboolean more)
{
	const Word *w;

	if (i == m->len)
		return *words == NULL;
	w = &m->shape[i];
	if ((w->optional || more) && match_from (m, i + 1, words, FALSE))
		return TRUE;
	if (*words == NULL || !fits (w, *words, m->verb))
		return FALSE;
	if (!(w->repeat && match_from (m, i, words + 1, TRUE)) && !match_from (m, i + 1, words + 1, FALSE))
		return FALSE;
	/* The rest fits: its verb, further on, set args already. */
	if (w->kind == WORD_TICKET)
		m->ticket = *words;
	if (w->kind == WORD_VERB || (w->kind == WORD_TICKET && m->args == NULL))
		m->args = words + 1;
	return TRUE;
}

static gboolean
match_verb (const MtCliVerb *v, char **words, Match *m)
{
	g_auto (GStrv) usage = split_usage (v->usage);
	g_autoptr (GArray) shape = usage_shape (usage);

	*m = (Match){ (const Word *) shape->data, shape->len, v->verb, NULL, NULL };
	if (!match_from (m, 0, words, FALSE))
		return FALSE;
	if (m->args == NULL)
		m->args = words;
	m->shape = NULL;
	return TRUE;
}

/* "task: usage: mailticket task ID [list] | ID add TITLE | ..." */
static int
verb_usage (const char *command, const MtCliVerb *verbs)
{
	g_autoptr (GString) forms = g_string_new (NULL);

	for (const MtCliVerb *v = verbs; v->func != NULL; v++)
		if (v == verbs || strcmp (v->usage, v[-1].usage) != 0)
			g_string_append_printf (forms, "%s%s", forms->len ? " | " : "", v->usage);
	return mt_cli_usage ("%s: usage: mailticket %s %s", command, command, forms->str);
}

int
mt_cli_run_verb (MtContext *ctx, const MtCliVerb *verbs, char **argv, gpointer options)
{
	g_autoptr (GError) error = NULL;
	const MtCliVerb *v = verbs;
	MtCliArgs args = { 0 };
	Match m;

	while (v->func != NULL && !match_verb (v, argv + 1, &m))
		v++;
	if (v->func == NULL)
		return verb_usage (argv[0], verbs);
	if ((m.ticket != NULL && !mt_cli_parse_id (m.ticket, "ticket", &args.ticket, &error)) ||
	    !mt_cli_open_store (ctx, MIN (v->open, ctx->open), &error))
		return mt_cli_fail (error);
	args.verb = v->verb;
	args.args = m.args;
	return v->func (ctx, &args, options);
}

int
mt_cli_run_verbs (MtContext *ctx, int argc, char **argv, const MtCliVerbs *command, const GOptionEntry *entries,
		  gpointer options)
{
	g_autoptr (GOptionContext) octx = g_option_context_new (command->summary);
	int code;

	if (entries != NULL)
		g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (octx, command->description);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, command->verbs, argv, options);
}
