/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket rule - rules on incoming mail
 * SYNOPSIS
 *	mailticket rule add NAME [--position N] [conditions] [--glob|--regex]
 *		[--case-sensitive] [actions] [--stop]
 *	mailticket rule list [--json]
 *	mailticket rule rm NAME|POSITION
 *	mailticket rule move NAME|POSITION POSITION
 *	mailticket rule test [FILE.eml|-] [--sender ADDR] [--recipient ADDR]
 * DESCRIPTION
 *	Conditions: --sender, --from, --to, --recipient, --subject,
 *	--header 'Name: P', --body; all must hold. Actions: --queue,
 *	--owner, --priority, --status, --tag, --watch, --personal, --no-ack,
 *	--spam, --refuse 'CODE TEXT'. Everything is checked when the rule is
 *	added. `rule test` runs a message through a dry-run delivery, the
 *	code mailticket-deliver runs, and prints the rules that matched,
 *	what they would do, and where threading would then put the message;
 *	also each rule whose pattern could not be evaluated on it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/deliver.h"
#include "mailticket/error.h"
#include "mailticket/rules.h"

/* A verb of mailticket rule, run with argv[0] the verb. */
typedef struct Verb Verb;
struct Verb {
	const char *name;
	int (*run) (MtContext *ctx, const Verb *verb, int argc, char **argv);
	MtStoreMode mode;  /* how it opens the database */
	const char *usage; /* its arguments, as --help shows them */
};

/* What the options of rule add give that MtRule does not hold as given;
 * the rest go straight into the rule's members. */
typedef struct {
	char *priority, *refuse;
	gboolean glob, regex;
} AddOptions;

static void
add_options_clear (AddOptions *o)
{
	g_free (o->priority);
	g_free (o->refuse);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AddOptions, add_options_clear)

static gboolean
usage (GError **error, const char *message)
{
	g_set_error_literal (error, MT_ERROR, MT_ERROR_USAGE, message);
	return FALSE;
}

/* --header 'Name: PATTERN', as given, into the header's name and pattern */
static gboolean
take_header (MtRule *r, GError **error)
{
	char *given = r->patterns[MT_RULE_HEADER];
	char *colon = given ? strchr (given, ':') : NULL;

	if (given == NULL)
		return TRUE;
	if (colon == NULL || colon == given)
		return usage (error, "--header: give it as 'Name: PATTERN'");
	r->header = g_strstrip (g_strndup (given, colon - given));
	r->patterns[MT_RULE_HEADER] = g_strdup (colon + 1 + strspn (colon + 1, " \t"));
	g_free (given);
	return TRUE;
}

/* --refuse 'CODE TEXT' */
static gboolean
take_refusal (const char *refuse, MtRule *r, GError **error)
{
	g_auto (GStrv) parts = NULL;
	guint64 code;

	if (refuse == NULL)
		return TRUE;
	parts = g_strsplit (refuse, " ", 2);
	if (parts[0] == NULL || parts[1] == NULL || !g_ascii_string_to_unsigned (parts[0], 10, 1, 255, &code, NULL))
		return usage (error, "--refuse: give it as 'CODE TEXT', such as '77 No mail from you, please'");
	r->refuse_code = (int) code;
	r->refuse_text = g_strstrip (g_strdup (parts[1]));
	return TRUE;
}

/* Completes the rule the options filled in. */
static gboolean
make_rule (AddOptions *o, const char *name, MtRule *r, GError **error)
{
	guint64 priority = 0;

	if (o->glob && o->regex)
		return usage (error, "--glob and --regex do not go together");
	if (o->priority && !g_ascii_string_to_unsigned (o->priority, 10, 1, 9, &priority, NULL))
		return usage (error, "--priority: give a number from 1 to 9");
	r->name = g_strdup (name);
	r->match = o->regex ? MT_RULE_REGEX : o->glob ? MT_RULE_GLOB : MT_RULE_SUBSTRING;
	r->priority = (int) priority;
	return take_header (r, error) && take_refusal (o->refuse, r, error);
}

static gboolean
write_add (MtContext *ctx, gpointer data, GError **error)
{
	MtRule *rule = data;

	return mt_rules_check (ctx->store, ctx->config, rule, error) &&
	       mt_rules_add (ctx->store, rule, mt_clock_now (), error);
}

static GOptionEntry *
add_entries (AddOptions *o, MtRule *r)
{
	GOptionEntry entries[] = {
		{ "position", 0, 0, G_OPTION_ARG_INT, &r->position, "put it at position N (default: last)", "N" },
		{ "sender", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_SENDER], "envelope sender matches P", "P" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_FROM], "From matches P", "P" },
		{ "to", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_TO], "To or Cc matches P", "P" },
		{ "recipient", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_RECIPIENT],
		  "envelope recipient matches P", "P" },
		{ "subject", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_SUBJECT], "Subject matches P", "P" },
		{ "header", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_HEADER], "header Name matches P",
		  "'Name: P'" },
		{ "body", 0, 0, G_OPTION_ARG_STRING, &r->patterns[MT_RULE_BODY], "the body text matches P", "P" },
		{ "glob", 0, 0, G_OPTION_ARG_NONE, &o->glob, "patterns are globs (* and ?) over the whole value",
		  NULL },
		{ "regex", 0, 0, G_OPTION_ARG_NONE, &o->regex, "patterns are regular expressions (GRegex)", NULL },
		{ "case-sensitive", 0, 0, G_OPTION_ARG_NONE, &r->case_sensitive, "case matters", NULL },
		{ "queue", 0, 0, G_OPTION_ARG_STRING, &r->queue, "a new ticket goes to queue Q", "Q" },
		{ "owner", 0, 0, G_OPTION_ARG_STRING, &r->owner, "a new ticket is owned by LOGIN", "LOGIN" },
		{ "priority", 0, 0, G_OPTION_ARG_STRING, &o->priority, "a new ticket has priority N (1-9)", "N" },
		{ "status", 0, 0, G_OPTION_ARG_STRING, &r->status, "a new ticket has status S", "S" },
		{ "tag", 0, 0, G_OPTION_ARG_STRING_ARRAY, &r->tags, "tag the ticket T (repeatable)", "T" },
		{ "watch", 0, 0, G_OPTION_ARG_STRING_ARRAY, &r->watchers, "WHO watches the ticket (repeatable)",
		  "LOGIN|GROUP|ADDR" },
		{ "personal", 0, 0, G_OPTION_ARG_NONE, &r->personal, "a new ticket is personal (not listed)", NULL },
		{ "no-ack", 0, 0, G_OPTION_ARG_NONE, &r->no_ack, "send no acknowledgement", NULL },
		{ "spam", 0, 0, G_OPTION_ARG_NONE, &r->spam, "file it in the queue spam, tell nobody", NULL },
		{ "refuse", 0, 0, G_OPTION_ARG_STRING, &o->refuse, "refuse the message with exit CODE", "'CODE TEXT'" },
		{ "stop", 0, 0, G_OPTION_ARG_NONE, &r->stop, "check no further rules", NULL },
		{ NULL },
	};

	return g_memdup2 (entries, sizeof entries);
}

static int
rule_add (MtContext *ctx, const Verb *verb, int argc, char **argv)
{
	g_autoptr (MtRule) rule = mt_rule_new ();
	g_auto (AddOptions) o = { 0 };
	g_autofree GOptionEntry *entries = add_entries (&o, rule);
	g_autoptr (GOptionContext) octx = g_option_context_new ("NAME [CONDITIONS] [ACTIONS] - add a rule");
	g_autoptr (GError) error = NULL;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (octx, "Patterns are substrings unless --glob or --regex, case aside "
						"unless --case-sensitive; every condition given must hold.");
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (argc != 2)
		return mt_cli_usage ("rule add: usage: mailticket rule add NAME [CONDITIONS] [ACTIONS]; try --help");
	if (!make_rule (&o, argv[1], rule, &error) || !mt_cli_open (ctx, verb->mode, &error) ||
	    !mt_cli_write (ctx, write_add, rule, &error))
		return mt_cli_fail (error);
	printf ("rule %d %s\n", rule->position, rule->name);
	return 0;
}

/* A rule as `rule list` shows it: one line, and one more with the
 * count of the messages it could not be evaluated on, if any. */
static void
print_rule (const MtRule *r)
{
	g_autofree char *what = mt_rule_describe (r);
	g_autofree char *shown = mt_cli_printable (what, FALSE);
	g_autofree char *when = NULL, *last = NULL;

	printf ("%3d  %-16s %s\n", r->position, r->name, shown);
	if (r->errors == 0)
		return;
	when = mt_clock_format (r->last_error_at);
	last = mt_cli_printable (r->last_error ? r->last_error : "", FALSE);
	printf ("     errors: %" G_GINT64_FORMAT ", the last at %s: %s\n", r->errors, when, last);
}

static int
rule_list (MtContext *ctx, const Verb *verb, int argc, char **argv)
{
	gboolean json = FALSE;
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json, "print a JSON array", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("- the rules, in the order they are checked");
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rules = NULL;
	g_autofree char *text = NULL;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (argc != 1)
		return mt_cli_usage ("rule list: unexpected argument '%s'", argv[1]);
	if (!mt_cli_open (ctx, verb->mode, &error))
		return mt_cli_fail (error);
	if (json) {
		if (!(text = mt_rules_json (ctx->store, &error)))
			return mt_cli_fail (error);
		printf ("%s\n", text);
		return 0;
	}
	if (!(rules = mt_rules_load (ctx->store, &error)))
		return mt_cli_fail (error);
	for (guint i = 0; i < rules->len; i++)
		print_rule (g_ptr_array_index (rules, i));
	return 0;
}

typedef struct {
	const char *key;
	int position; /* 0: remove */
} Edit;

static gboolean
write_edit (MtContext *ctx, gpointer data, GError **error)
{
	Edit *e = data;

	if (e->position == 0)
		return mt_rules_remove (ctx->store, e->key, error);
	return mt_rules_move (ctx->store, e->key, e->position, error);
}

/* rule rm KEY, rule move KEY POSITION */
static int
rule_edit (MtContext *ctx, const Verb *verb, int argc, char **argv, gboolean move)
{
	g_autofree char *parameters = g_strdup_printf ("%s - %s", verb->usage, move ? "move a rule" : "remove a rule");
	g_autoptr (GOptionContext) octx = g_option_context_new (parameters);
	g_autoptr (GError) error = NULL;
	Edit e = { 0 };
	guint64 position = 0;
	int code;

	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (argc != (move ? 3 : 2) || (move && !g_ascii_string_to_unsigned (argv[2], 10, 1, G_MAXINT, &position, NULL)))
		return mt_cli_usage ("rule %s: usage: mailticket rule %s %s", verb->name, verb->name, verb->usage);
	e = (Edit){ argv[1], (int) position };
	if (!mt_cli_open (ctx, verb->mode, &error) || !mt_cli_write (ctx, write_edit, &e, &error))
		return mt_cli_fail (error);
	return 0;
}

static int
rule_rm (MtContext *ctx, const Verb *verb, int argc, char **argv)
{
	return rule_edit (ctx, verb, argc, argv, FALSE);
}

static int
rule_move (MtContext *ctx, const Verb *verb, int argc, char **argv)
{
	return rule_edit (ctx, verb, argc, argv, TRUE);
}

static void
print_value (const char *what, const MtRuleValue *v)
{
	g_autofree char *shown = v->value ? mt_cli_printable (v->value, FALSE) : NULL;

	if (v->value != NULL)
		printf ("%s: %s (rule %s)\n", what, shown, v->rule);
}

static void
print_outcome (const MtRuleOutcome *o)
{
	const char *names[] = { "queue", "owner", "priority", "status", "personal", "no-ack", "spam" };
	const MtRuleValue *values[] = { &o->queue,    &o->owner,  &o->priority, &o->status,
					&o->personal, &o->no_ack, &o->spam };

	for (guint i = 0; i < o->matched->len; i++) {
		MtRule *r = g_ptr_array_index (o->matched, i);
		printf ("match: %d %s\n", r->position, r->name);
	}
	if (o->matched->len == 0)
		printf ("match: none\n");
	for (guint i = 0; i < o->errors->len; i++) {
		const MtRuleError *e = g_ptr_array_index (o->errors, i);
		g_autofree char *shown = mt_cli_printable (e->message, FALSE);
		printf ("error: %d %s: pattern could not be evaluated (%s)\n", e->rule->position, e->rule->name, shown);
	}
	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		print_value (names[i], values[i]);
	for (guint i = 0; i < o->tags->len; i++)
		print_value ("tag", &g_array_index (o->tags, MtRuleValue, i));
	for (guint i = 0; i < o->watchers->len; i++)
		print_value ("watch", &g_array_index (o->watchers, MtRuleValue, i));
	if (o->refuse_code)
		printf ("refuse: %d %s (rule %s)\n", o->refuse_code, o->refuse_line, o->refuse_rule);
}

/* The message in file, or on standard input for "-". */
static gboolean
read_message (MtContext *ctx, const char *file, GByteArray **raw, GError **error)
{
	char *contents = NULL;
	gsize len;

	if (strcmp (file, "-") == 0)
		return mt_deliver_read (STDIN_FILENO, ctx->config->max_message_size, raw, error);
	if (!g_file_get_contents (file, &contents, &len, error))
		return FALSE;
	*raw = g_byte_array_new_take ((guint8 *) contents, len);
	return TRUE;
}

static int
rule_test (MtContext *ctx, const Verb *verb, int argc, char **argv)
{
	g_autofree char *sender = NULL, *recipient = NULL;
	GOptionEntry entries[] = {
		{ "sender", 'f', 0, G_OPTION_ARG_STRING, &sender, "envelope sender", "ADDR" },
		{ "recipient", 'r', 0, G_OPTION_ARG_STRING, &recipient, "envelope recipient", "ADDR" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("[FILE.eml|-] - what the rules do to a message");
	g_autoptr (GError) error = NULL;
	g_autoptr (GByteArray) raw = NULL;
	MtDeliverResult result;
	MtDeliverOptions options = { 0 };
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	if (argc > 2)
		return mt_cli_usage ("rule test: one message file expected");
	options = (MtDeliverOptions){ sender, recipient, TRUE };
	if (!mt_cli_open (ctx, verb->mode, &error) || !read_message (ctx, argc == 2 ? argv[1] : "-", &raw, &error) ||
	    !mt_deliver (ctx->store, ctx->config, raw, &options, &result, &error))
		return mt_cli_fail (error);
	if (result.rules != NULL)
		print_outcome (result.rules);
	mt_cli_print_delivery (&result);
	mt_deliver_result_clear (&result);
	return 0;
}

/* The verbs, in the order --help lists them. Only add makes a database:
 * the others have nothing to read or change in a new one, and a mistyped
 * --db must not leave one behind. */
static const Verb verbs[] = {
	{ "add", rule_add, MT_STORE_CREATE, "NAME [--position N] [CONDITIONS] [ACTIONS] [--stop]" },
	{ "list", rule_list, MT_STORE_EXISTING, "[--json]" },
	{ "rm", rule_rm, MT_STORE_EXISTING, "NAME|POSITION" },
	{ "move", rule_move, MT_STORE_EXISTING, "NAME|POSITION POSITION" },
	{ "test", rule_test, MT_STORE_EXISTING, "[FILE.eml|-] [--sender ADDR] [--recipient ADDR]" },
};

static int
print_help (void)
{
	printf ("Usage:\n");
	for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
		printf ("  mailticket rule %s %s\n", verbs[i].name, verbs[i].usage);
	printf ("\n'mailticket rule add --help' lists the conditions and actions.\n");
	return 0;
}

static int
usage_error (void)
{
	g_autoptr (GString) names = g_string_new (NULL);

	for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
		g_string_append_printf (names, "%s%s", i ? "|" : "", verbs[i].name);
	return mt_cli_usage ("rule: usage: mailticket rule %s ...; 'mailticket rule add --help' tells more",
			     names->str);
}

int
mt_cmd_rule (MtContext *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
		if (strcmp (sub, verbs[i].name) == 0)
			return verbs[i].run (ctx, &verbs[i], argc - 1, argv + 1);
	if (strcmp (sub, "--help") == 0 || strcmp (sub, "-h") == 0)
		return print_help ();
	return usage_error ();
}
