/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	commands.c - an agent's commands at the top of a mail
 * DESCRIPTION
 *	The parser reads lines until the first that is neither blank nor a
 *	command, so a '#' further down (a quoted shell prompt, "#1 issue")
 *	is never taken for one. Every line it recognises is taken out of
 *	the text, even one it must refuse, so that what the customer may
 *	later see of the article never shows the agent's commands; db
 *	reindex runs the same parser and gets the same text.
 *
 *	Applying goes through the change and work modules, which check
 *	every value before they write: a refused command leaves nothing
 *	behind, and the others are still done.
 */
#include <string.h>

#include "mailticket/change.h"
#include "mailticket/commands.h"
#include "mailticket/error.h"
#include "mailticket/ticket.h"
#include "mailticket/work.h"

#define MAX_MINUTES (24 * 60 * 31)

static const char *const names[] = { "status", "owner", "priority", "tag", "time", "note" };

static MtCommand *
command_new (MtCommandKind kind, const char *line, const char *value)
{
	MtCommand *c = g_new0 (MtCommand, 1);

	c->kind = kind;
	c->line = g_strdup (line);
	c->value = value && *value ? g_strdup (value) : NULL;
	c->add = TRUE;
	return c;
}

static void
command_free (gpointer data)
{
	MtCommand *c = data;

	g_free (c->line);
	g_free (c->value);
	g_free (c->invalid);
	g_free (c);
}

void
mt_commands_free (MtCommands *commands)
{
	if (commands == NULL)
		return;
	g_ptr_array_unref (commands->commands);
	g_free (commands->rest);
	g_free (commands);
}

gboolean
mt_commands_parse_minutes (const char *text, gint64 *minutes)
{
	g_autoptr (GRegex) re = g_regex_new ("^(?:([0-9]{1,4})h)?(?:([0-9]{1,6})m?)?$", G_REGEX_CASELESS, 0, NULL);
	g_autoptr (GMatchInfo) match = NULL;
	g_autofree char *hours = NULL, *mins = NULL;

	if (text == NULL || *text == '\0' || !g_regex_match (re, text, 0, &match))
		return FALSE;
	hours = g_match_info_fetch (match, 1);
	mins = g_match_info_fetch (match, 2);
	*minutes = g_ascii_strtoll (hours ? hours : "0", NULL, 10) * 60 + g_ascii_strtoll (mins ? mins : "0", NULL, 10);
	return *minutes > 0 && *minutes <= MAX_MINUTES;
}

static MtCommand *
add_command (MtCommands *commands, MtCommandKind kind, const char *line, const char *value, const char *invalid)
{
	MtCommand *c = command_new (kind, line, value);

	c->invalid = g_strdup (invalid);
	g_ptr_array_add (commands->commands, c);
	return c;
}

/* "+vpn -old x": one command a word. */
static void
add_tags (MtCommands *commands, const char *line, const char *args)
{
	g_auto (GStrv) words = g_strsplit_set (args, " \t", -1);
	gboolean any = FALSE;

	for (int i = 0; words[i]; i++) {
		const char *w = words[i];
		gboolean sign = w[0] == '+' || w[0] == '-';

		if (*w == '\0')
			continue;
		add_command (commands, MT_COMMAND_TAG, line, sign ? w + 1 : w,
			     sign && w[1] == '\0' ? "a tag is a word after + or -" : NULL)
			->add = w[0] != '-';
		any = TRUE;
	}
	if (!any)
		add_command (commands, MT_COMMAND_TAG, line, NULL, "#tag needs +TAG or -TAG");
}

/* "30 fixing the tunnel": the minutes, then the entry's note. */
static void
add_time (MtCommands *commands, const char *line, const char *args)
{
	g_auto (GStrv) parts = g_strsplit_set (args, " \t", 2);
	gint64 minutes = 0;
	gboolean ok = parts[0] && mt_commands_parse_minutes (parts[0], &minutes);
	MtCommand *c;

	c = add_command (commands, MT_COMMAND_TIME, line, ok && parts[1] ? g_strstrip (parts[1]) : NULL,
			 ok ? NULL : "#time needs minutes: 30, 1h30, 2h or 45m");
	c->minutes = minutes;
}

static int
command_kind (const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		if (g_ascii_strcasecmp (names[i], name) == 0)
			return (int) i;
	return -1;
}

/* Adds what line commands; FALSE when it is no command. *note_text is
 * the text after "#note", which stays text. */
static gboolean
parse_line (GRegex *re, MtCommands *commands, const char *line, char **note_text)
{
	g_autoptr (GMatchInfo) match = NULL;
	g_autofree char *name = NULL, *args = NULL;
	int kind;

	if (!g_regex_match (re, line, 0, &match))
		return FALSE;
	name = g_match_info_fetch (match, 1);
	/* An optional group that matched nothing may come back NULL. */
	if ((args = g_match_info_fetch (match, 2)) == NULL)
		args = g_strdup ("");
	g_strstrip (args);
	if ((kind = command_kind (name)) < 0)
		return FALSE;
	if (kind == MT_COMMAND_TAG)
		add_tags (commands, line, args);
	else if (kind == MT_COMMAND_TIME)
		add_time (commands, line, args);
	else if (kind == MT_COMMAND_NOTE) {
		add_command (commands, MT_COMMAND_NOTE, line, NULL, NULL);
		commands->internal = TRUE;
		if (*args && *note_text == NULL)
			*note_text = g_steal_pointer (&args);
	} else
		add_command (commands, (MtCommandKind) kind, line, args, *args ? NULL : "the command needs a value");
	return TRUE;
}

static MtCommands *
commands_new (void)
{
	MtCommands *commands = g_new0 (MtCommands, 1);

	commands->commands = g_ptr_array_new_with_free_func (command_free);
	return commands;
}

MtCommands *
mt_commands_parse (const char *text)
{
	g_autoptr (GRegex) re = g_regex_new ("^#([A-Za-z]+)(?:[ \\t]+(.*))?$", 0, 0, NULL);
	g_autoptr (MtCommands) commands = commands_new ();
	g_autofree char *note_text = NULL;
	const char *p = text;

	while (p != NULL && *p != '\0') {
		const char *eol = strchr (p, '\n');
		g_autofree char *line = g_strstrip (eol ? g_strndup (p, eol - p) : g_strdup (p));

		if (*line != '\0' && !parse_line (re, commands, line, &note_text))
			break;
		p = eol ? eol + 1 : p + strlen (p);
	}
	if (commands->commands->len == 0)
		return NULL;
	commands->rest = note_text ? g_strconcat (note_text, "\n", p, NULL) : g_strdup (p);
	return g_steal_pointer (&commands);
}

static char *
today (gint64 now)
{
	g_autoptr (GDateTime) t = g_date_time_new_from_unix_local (now);

	return g_date_time_format (t, "%Y-%m-%d");
}

static gboolean
apply_one (MtStore *store, const MtCommandContext *x, const MtCommand *c, GError **error)
{
	static const char *const fields[] = { "status", "owner", "priority" };
	g_autofree char *day = NULL;
	MtTimeEntry entry;
	gboolean changed;
	gint64 id;

	switch (c->kind) {
	case MT_COMMAND_STATUS:
	case MT_COMMAND_OWNER:
	case MT_COMMAND_PRIORITY:
		return mt_change_field (store, x->ticket, fields[c->kind], c->value, x->login, x->now, &changed, error);
	case MT_COMMAND_TAG:
		return mt_change_tag (store, x->ticket, c->value, c->add, x->login, x->now, &changed, error);
	case MT_COMMAND_TIME:
		day = today (x->now);
		entry = (MtTimeEntry){ x->ticket, 0, x->login, c->minutes, day, c->value, x->now };
		return mt_work_time_add (store, &entry, &id, error);
	case MT_COMMAND_NOTE:
		break;
	}
	return TRUE;
}

/* A person's mistake (a bad value, an unknown login) refuses the
 * command; anything else is the store's trouble and the delivery's. */
static gboolean
refusable (const GError *error)
{
	return error->domain == MT_ERROR && (error->code == MT_ERROR_USAGE || error->code == MT_ERROR_NOT_FOUND);
}

static gboolean
refuse (MtStore *store, const MtCommandContext *x, const MtCommand *c, const char *why, GString *refused,
	GError **error)
{
	g_autofree char *line = g_strdup_printf ("%s: %s", c->line, why);

	g_string_append_printf (refused, "%s%s", refused->len ? "\n" : "", line);
	return mt_ticket_add_history (store, x->ticket, x->login, "command-refused", NULL, line, x->now, error);
}

gboolean
mt_commands_apply (MtStore *store, const MtCommandContext *context, const MtCommands *commands, char **refused,
		   GError **error)
{
	g_autoptr (GString) list = g_string_new (NULL);

	*refused = NULL;
	for (guint i = 0; i < commands->commands->len; i++) {
		const MtCommand *c = g_ptr_array_index (commands->commands, i);
		g_autoptr (GError) local = NULL;

		if (c->invalid != NULL) {
			if (!refuse (store, context, c, c->invalid, list, error))
				return FALSE;
		} else if (!apply_one (store, context, c, &local)) {
			if (!refusable (local)) {
				g_propagate_error (error, g_steal_pointer (&local));
				return FALSE;
			}
			if (!refuse (store, context, c, local->message, list, error))
				return FALSE;
		}
	}
	if (list->len > 0)
		*refused = g_strdup (list->str);
	return TRUE;
}
