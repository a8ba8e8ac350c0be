/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	rules.c - rules on incoming mail: match, decide, apply, keep
 * DESCRIPTION
 *	A delivery loads the rules with one query, compiles their patterns
 *	once, and evaluates them against the parsed message without touching
 *	the database; applying is separate so that `mailticket rule test`
 *	runs the very same evaluation as mailticket-deliver.
 *
 *	The module is four files: this one names the fields and match kinds
 *	and says how a rule reads and what makes one valid; rules-match.c
 *	compiles and evaluates, rules-store.c owns and alone writes the table rules, and
 *	rules-apply.c does to a ticket what the outcome says.
 *
 *	A new action (say --language L, for a new ticket) takes these
 *	edits, one for each thing the action is, none to keep SQL in step:
 *	- sql/NNNN-*.sql: a migration, ALTER TABLE rules ADD COLUMN;
 *	- rules.h: its member of MtRule, and of MtRuleOutcome;
 *	- rules-store.c: its line in RULE_COLUMNS, from which the insert,
 *	  its parameters and the load are made; its key in SQL_JSON;
 *	- rules-match.c: mt_rule_free() frees it; take_actions() puts it in
 *	  the outcome, and mt_rule_outcome_free() frees it there;
 *	- rules.c: mt_rule_describe() shows it; mt_rules_check() checks it,
 *	  and check_patterns() counts it as an action;
 *	- rules-apply.c: mt_rules_apply() does it;
 *	- src/cli/cmd-rule.c: its option in add_entries(), which fills the
 *	  member itself, and its line in print_outcome(); man/mailticket.1.
 */
#include <string.h>

#include "mailticket/compose.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/rules.h"
#include "mailticket/ticket.h"

static const char *const field_names[] = { "sender", "from", "to", "recipient", "subject", "header", "body" };
static const char *const match_names[] = { "substring", "glob", "regex" };

const char *
mt_rule_field_name (MtRuleField field)
{
	return field_names[field];
}

const char *
mt_rule_match_name (MtRuleMatch match)
{
	return match_names[match];
}

/* ---- description ---- */

static void
describe_conditions (const MtRule *r, GString *s)
{
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		if (r->patterns[f] == NULL)
			continue;
		if (f == MT_RULE_HEADER)
			g_string_append_printf (s, "header \"%s: %s\" ", r->header, r->patterns[f]);
		else
			g_string_append_printf (s, "%s \"%s\" ", field_names[f], r->patterns[f]);
	}
	if (s->len == 0)
		g_string_append (s, "any message ");
	if (r->match != MT_RULE_SUBSTRING || r->case_sensitive)
		g_string_append_printf (s, "(%s%s) ", match_names[r->match],
					r->case_sensitive ? ", case-sensitive" : "");
}

static void
describe_list (GString *s, const char *what, char **words)
{
	for (int i = 0; words && words[i]; i++)
		g_string_append_printf (s, " %s=%s", what, words[i]);
}

char *
mt_rule_describe (const MtRule *r)
{
	GString *s = g_string_new (NULL);

	describe_conditions (r, s);
	g_string_append (s, "=>");
	if (r->queue)
		g_string_append_printf (s, " queue=%s", r->queue);
	if (r->owner)
		g_string_append_printf (s, " owner=%s", r->owner);
	if (r->priority)
		g_string_append_printf (s, " priority=%d", r->priority);
	if (r->status)
		g_string_append_printf (s, " status=%s", r->status);
	describe_list (s, "tag", r->tags);
	describe_list (s, "watch", r->watchers);
	g_string_append (s, r->personal ? " personal" : "");
	g_string_append (s, r->no_ack ? " no-ack" : "");
	g_string_append (s, r->spam ? " spam" : "");
	if (r->refuse_code)
		g_string_append_printf (s, " refuse=\"%d %s\"", r->refuse_code, r->refuse_text);
	g_string_append (s, r->stop ? " stop" : "");
	return g_string_free (s, FALSE);
}

/* ---- checking a new rule ---- */

/* Permanent refusals only: 75 and 71 make the MTA retry. */
static const int refusal_codes[] = { 65, 67, 68, 69, 77 };

/* One word of letters, digits, '.', '_', '-', not a number (a number
 * names a position), so that logs and history can quote it bare. */
static gboolean
name_ok (const char *name)
{
	guint64 ignored;

	if (name == NULL || *name == '\0' || strlen (name) > 64 ||
	    g_ascii_string_to_unsigned (name, 10, 0, G_MAXUINT64, &ignored, NULL))
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
			return FALSE;
	return TRUE;
}

/* A single line of printable text (tags and watchers: one word). */
static gboolean
line_ok (const char *text, gboolean word)
{
	if (text == NULL || *text == '\0' || !g_utf8_validate (text, -1, NULL))
		return FALSE;
	for (const char *p = text; *p; p++)
		if (g_ascii_iscntrl (*p) || (word && (*p == ' ' || *p == ',')))
			return FALSE;
	return TRUE;
}

static gboolean
check_patterns (MtRule *r, GError **error)
{
	gboolean any_action;

	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		if (r->patterns[f] != NULL && !g_utf8_validate (r->patterns[f], -1, NULL))
			return mt_error_usage (error, "--%s: the pattern is not UTF-8", field_names[f]);
		if (r->patterns[f] != NULL && strlen (r->patterns[f]) > MT_RULE_PATTERN_MAX)
			return mt_error_usage (error, "--%s: the pattern is longer than %d bytes", field_names[f],
					       MT_RULE_PATTERN_MAX);
	}
	if (r->patterns[MT_RULE_HEADER] != NULL && (!line_ok (r->header, TRUE) || strchr (r->header, ':') != NULL))
		return mt_error_usage (error, "--header: give it as 'Name: PATTERN'");
	any_action = r->queue || r->owner || r->priority || r->status || r->tags || r->watchers || r->personal ||
		     r->no_ack || r->spam || r->refuse_code || r->stop;
	if (!any_action)
		return mt_error_usage (
			error, "rule %s does nothing: give it an action (--queue, --tag, --spam, --stop ...)", r->name);
	return mt_rule_compile (r, error);
}

static gboolean
check_refusal (const MtRule *r, GError **error)
{
	gboolean known = FALSE;

	if (r->refuse_code == 0)
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (refusal_codes); i++)
		known = known || refusal_codes[i] == r->refuse_code;
	if (!known)
		return mt_error_usage (error,
				       "--refuse: %d is not a permanent sysexits code"
				       " (65 EX_DATAERR, 67 EX_NOUSER, 68 EX_NOHOST, 69 EX_UNAVAILABLE, 77 EX_NOPERM)",
				       r->refuse_code);
	if (!line_ok (r->refuse_text, FALSE))
		return mt_error_usage (error, "--refuse: give it as 'CODE TEXT', the text on one line");
	if (g_regex_match_simple ("^[0-9]\\.[0-9]+\\.[0-9]+", r->refuse_text, 0, 0) && r->refuse_text[0] != '5')
		return mt_error_usage (error, "--refuse: a refusal's status code is 5.x.x, not %.*s", 5,
				       r->refuse_text);
	return TRUE;
}

static gboolean
check_names (MtStore *store, const MtConfig *config, const MtRule *r, GError **error)
{
	gint64 id = 0;

	if (r->queue && !mt_directory_queue_named (store, config, r->queue, 0, &id, error))
		return FALSE;
	if (r->owner && !mt_people_user_find (store, r->owner, &id, error))
		return FALSE;
	if (r->owner && id == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "--owner: no user named '%s'", r->owner);
		return FALSE;
	}
	for (int i = 0; r->watchers && r->watchers[i]; i++) {
		gint64 user = 0, grp = 0;
		if (!mt_people_user_find (store, r->watchers[i], &user, error) ||
		    !mt_people_group_find (store, r->watchers[i], &grp, error))
			return FALSE;
		if (!user && !grp && !mt_compose_address_ok (r->watchers[i]))
			return mt_error_usage (error, "--watch: no user or group named '%s', and not a mail address",
					       r->watchers[i]);
	}
	return TRUE;
}

gboolean
mt_rules_check (MtStore *store, const MtConfig *config, MtRule *r, GError **error)
{
	if (!name_ok (r->name))
		return mt_error_usage (error,
				       "'%s' is no rule name: one word of letters, digits, '.', '_', '-', not a number",
				       r->name ? r->name : "");
	if (r->priority != 0 && (r->priority < 1 || r->priority > 9))
		return mt_error_usage (error, "--priority: %d is not from 1 to 9", r->priority);
	if (r->status && !mt_ticket_status_known (r->status))
		return mt_error_usage (error, "--status: '%s' is not one of new, open, pending, resolved, closed",
				       r->status);
	for (int i = 0; r->tags && r->tags[i]; i++)
		if (!line_ok (r->tags[i], TRUE) || strlen (r->tags[i]) > 64)
			return mt_error_usage (error, "--tag: '%s' is not a tag (one word, no commas)", r->tags[i]);
	return check_refusal (r, error) && check_patterns (r, error) && check_names (store, config, r, error);
}
