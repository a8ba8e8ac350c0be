/*
 * NAME
 *	rules.c - rules on incoming mail: match, decide, apply, keep
 * DESCRIPTION
 *	A delivery loads the rules with one query, compiles their patterns
 *	once, and evaluates them against the parsed message without touching
 *	the database; applying is separate so that `mailticket rule test`
 *	runs the very same evaluation as mailticket-deliver. The values of a
 *	field are gathered (and case-folded) once per message, not once per
 *	rule: the body may be megabytes.
 *
 *	Invalid UTF-8 in an envelope address or header is made valid before
 *	matching, so that no input reaches GRegex in a form it refuses.
 */
#include <string.h>

#include "mailticket/change.h"
#include "mailticket/compose.h"
#include "mailticket/directory.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/rules.h"
#include "mailticket/ticket.h"

/* Column k of SQL_LOAD is parameter k of SQL_INSERT (k >= 1); the
 * patterns are in MtRuleField order from column 5. */
#define RULE_COLUMNS                                                                                            \
	"name, position, match_kind, case_sensitive, sender, from_pattern, to_pattern, recipient, subject,"     \
	" header_pattern, body, header_name, queue, owner, priority, status, tags, watchers, personal, no_ack," \
	" spam, refuse_code, refuse_text, stop"
#define COL_PATTERNS 5
#define COL_HEADER 12
#define LIST_TEXT(c) "(SELECT group_concat(value, char(10)) FROM json_each(" c "))"

static const char SQL_LOAD[] =
	"SELECT id, name, position, match_kind, case_sensitive, sender, from_pattern, to_pattern, recipient, subject,"
	" header_pattern, body, header_name, queue, owner, priority, status, " LIST_TEXT ("tags") ", " LIST_TEXT (
		"watchers") ", personal, no_ack, spam, refuse_code, refuse_text, stop FROM rules"
			    " ORDER BY position, id";
static const char SQL_INSERT[] =
	"INSERT INTO rules (" RULE_COLUMNS ", created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	" ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";
static const char SQL_JSON_APPEND[] = "SELECT json_insert(coalesce(?1, '[]'), '$[#]', ?2)";
static const char SQL_COUNT[] = "SELECT count(*) FROM rules";
static const char SQL_BY_NAME[] = "SELECT position FROM rules WHERE name = ?";
static const char SQL_OPEN_GAP[] = "UPDATE rules SET position = position + 1 WHERE position >= ?";
static const char SQL_DELETE[] = "DELETE FROM rules WHERE position = ?";
static const char SQL_CLOSE_GAP[] = "UPDATE rules SET position = position - 1 WHERE position > ?";
static const char SQL_MOVE[] = "UPDATE rules SET position = CASE WHEN position = ?1 THEN ?2"
			       " WHEN ?2 < ?1 AND position >= ?2 AND position < ?1 THEN position + 1"
			       " WHEN ?2 > ?1 AND position > ?1 AND position <= ?2 THEN position - 1 ELSE position END";
static const char SQL_JSON[] =
	"SELECT coalesce(json_group_array(json(o)), '[]') FROM (SELECT json_object('position', position,"
	" 'name', name, 'match', match_kind, 'case_sensitive', json(iif(case_sensitive, 'true', 'false')),"
	" 'conditions', json_patch('{}', json_object('sender', sender, 'from', from_pattern, 'to', to_pattern,"
	"   'recipient', recipient, 'subject', subject, 'header', iif(header_name IS NULL, NULL,"
	"   header_name || ': ' || header_pattern), 'body', body)),"
	" 'actions', json_patch('{}', json_object('queue', queue, 'owner', owner, 'priority', priority,"
	"   'status', status, 'tags', json(tags), 'watchers', json(watchers),"
	"   'personal', json(iif(personal, 'true', 'null')), 'no_ack', json(iif(no_ack, 'true', 'null')),"
	"   'spam', json(iif(spam, 'true', 'null')), 'refuse', iif(refuse_code IS NULL, NULL,"
	"   refuse_code || ' ' || refuse_text), 'stop', json(iif(stop, 'true', 'null'))))) AS o"
	" FROM rules ORDER BY position)";

static const char *const rules_queries[] = {
	SQL_LOAD,   SQL_INSERT,    SQL_JSON_APPEND, SQL_COUNT, SQL_BY_NAME, SQL_OPEN_GAP,
	SQL_DELETE, SQL_CLOSE_GAP, SQL_MOVE,        SQL_JSON,  NULL,
};

static const char *const field_names[] = { "sender", "from", "to", "recipient", "subject", "header", "body" };
static const char *const match_names[] = { "substring", "glob", "regex" };
static const char *const statuses[] = { "new", "open", "pending", "resolved", "closed", NULL };
/* Permanent refusals only: 75 and 71 make the MTA retry. */
static const int refusal_codes[] = { 65, 67, 68, 69, 77 };

const char *const *
mt_rules_queries (void)
{
	return rules_queries;
}

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

/* A rule's patterns, ready: one of the three per field that has one. */
typedef struct {
	GRegex *regex[MT_RULE_FIELDS];
	GPatternSpec *glob[MT_RULE_FIELDS];
	char *needle[MT_RULE_FIELDS];
} Compiled;

static void
compiled_free (Compiled *c)
{
	if (c == NULL)
		return;
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		g_clear_pointer (&c->regex[f], g_regex_unref);
		g_clear_pointer (&c->glob[f], g_pattern_spec_free);
		g_free (c->needle[f]);
	}
	g_free (c);
}

MtRule *
mt_rule_new (void)
{
	return g_new0 (MtRule, 1);
}

void
mt_rule_free (MtRule *rule)
{
	if (rule == NULL)
		return;
	g_free (rule->name);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		g_free (rule->patterns[f]);
	g_free (rule->header);
	g_free (rule->queue);
	g_free (rule->owner);
	g_free (rule->status);
	g_strfreev (rule->tags);
	g_strfreev (rule->watchers);
	g_free (rule->refuse_text);
	compiled_free (rule->compiled);
	g_free (rule);
}

/* text as matched: valid UTF-8, case-folded unless case matters; owned. */
static char *
prepare_text (const char *text, gboolean fold)
{
	g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);

	return fold ? g_utf8_casefold (valid, -1) : g_steal_pointer (&valid);
}

static gboolean
compile_field (MtRule *rule, Compiled *c, int f, GError **error)
{
	g_autoptr (GError) local = NULL;
	const char *pattern = rule->patterns[f];
	gboolean fold = !rule->case_sensitive;

	if (rule->match == MT_RULE_REGEX) {
		c->regex[f] = g_regex_new (pattern, fold ? G_REGEX_CASELESS : 0, 0, &local);
		if (c->regex[f] == NULL) {
			g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "rule %s: --%s: %s", rule->name ? rule->name : "",
				     field_names[f], local->message);
			return FALSE;
		}
	} else if (rule->match == MT_RULE_GLOB) {
		g_autofree char *text = prepare_text (pattern, fold);
		c->glob[f] = g_pattern_spec_new (text);
	} else {
		c->needle[f] = prepare_text (pattern, fold);
	}
	return TRUE;
}

gboolean
mt_rule_compile (MtRule *rule, GError **error)
{
	Compiled *c = g_new0 (Compiled, 1);

	g_clear_pointer (&rule->compiled, compiled_free);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		if (rule->patterns[f] != NULL && !compile_field (rule, c, f, error)) {
			compiled_free (c);
			return FALSE;
		}
	rule->compiled = c;
	return TRUE;
}

/* ---- the values of a message's fields ---- */

/* The values of each field, gathered once per message: as they are,
 * and case-folded. The header field differs by rule and is gathered
 * each time. */
typedef struct {
	const MtRuleInput *input;
	GPtrArray *plain[MT_RULE_FIELDS];
	GPtrArray *folded[MT_RULE_FIELDS];
} Values;

static void
values_clear (Values *v)
{
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		g_clear_pointer (&v->plain[f], g_ptr_array_unref);
		g_clear_pointer (&v->folded[f], g_ptr_array_unref);
	}
}

static void
add_value (GPtrArray *out, const char *text, gboolean fold)
{
	if (text != NULL)
		g_ptr_array_add (out, prepare_text (text, fold));
}

/* The envelope recipient, or where the MTA recorded it, as the queue
 * of a new ticket is found. */
static const char *
recipient (const MtRuleInput *in)
{
	const char *header;

	if (in->recipient != NULL && *in->recipient != '\0')
		return in->recipient;
	if ((header = mt_message_header (in->message, "X-Original-To")) != NULL)
		return header;
	return mt_message_header (in->message, "Delivered-To");
}

static void
add_headers (GPtrArray *out, MtMessage *m, const char *name, gboolean fold)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (m->mime));
	int n = list ? g_mime_header_list_get_count (list) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (list, i);
		if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) == 0)
			add_value (out, g_mime_header_get_value (h), fold);
	}
}

static void
gather (const MtRuleInput *in, int f, const char *header, gboolean fold, GPtrArray *out)
{
	MtMessage *m = in->message;

	switch (f) {
	case MT_RULE_SENDER:
		add_value (out, in->sender ? in->sender : "", fold);
		break;
	case MT_RULE_FROM:
		add_value (out, m->from_addr, fold);
		add_value (out, m->from, fold);
		break;
	case MT_RULE_TO:
		for (guint i = 0; i < m->recipients->len; i++)
			add_value (out, g_ptr_array_index (m->recipients, i), fold);
		add_value (out, m->to, fold);
		add_value (out, m->cc, fold);
		break;
	case MT_RULE_RECIPIENT:
		add_value (out, recipient (in) ? recipient (in) : "", fold);
		break;
	case MT_RULE_SUBJECT:
		add_value (out, m->subject, fold);
		break;
	case MT_RULE_HEADER:
		add_headers (out, m, header, fold);
		break;
	default:
		add_value (out, m->text, fold);
	}
}

/* The values of field f as rule matches them; borrowed from v. */
static GPtrArray *
values_for (Values *v, const MtRule *rule, int f)
{
	gboolean fold = !rule->case_sensitive && rule->match != MT_RULE_REGEX;
	GPtrArray **slot = fold ? &v->folded[f] : &v->plain[f];

	if (f == MT_RULE_HEADER)
		g_clear_pointer (slot, g_ptr_array_unref);
	if (*slot == NULL) {
		*slot = g_ptr_array_new_with_free_func (g_free);
		gather (v->input, f, rule->header, fold, *slot);
	}
	return *slot;
}

/* ---- evaluation ---- */

static gboolean
value_matches (const MtRule *rule, int f, const char *value)
{
	const Compiled *c = rule->compiled;

	if (rule->match == MT_RULE_REGEX)
		return g_regex_match (c->regex[f], value, 0, NULL);
	if (rule->match == MT_RULE_GLOB)
		return g_pattern_spec_match_string (c->glob[f], value);
	return strstr (value, c->needle[f]) != NULL;
}

static gboolean
field_matches (const MtRule *rule, int f, Values *v)
{
	GPtrArray *values = values_for (v, rule, f);

	for (guint i = 0; i < values->len; i++)
		if (value_matches (rule, f, g_ptr_array_index (values, i)))
			return TRUE;
	return FALSE;
}

static gboolean
rule_matches (const MtRule *rule, Values *v)
{
	if (rule->compiled == NULL)
		return FALSE;
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		if (rule->patterns[f] != NULL && !field_matches (rule, f, v))
			return FALSE;
	return TRUE;
}

static void
value_clear (MtRuleValue *v)
{
	g_clear_pointer (&v->value, g_free);
	g_clear_pointer (&v->rule, g_free);
}

static void
set_value (MtRuleValue *v, const char *value, const char *rule)
{
	value_clear (v);
	v->value = g_strdup (value);
	v->rule = g_strdup (rule);
}

MtRuleOutcome *
mt_rule_outcome_new (void)
{
	MtRuleOutcome *o = g_new0 (MtRuleOutcome, 1);

	o->matched = g_ptr_array_new ();
	o->tags = g_array_new (FALSE, TRUE, sizeof (MtRuleValue));
	o->watchers = g_array_new (FALSE, TRUE, sizeof (MtRuleValue));
	g_array_set_clear_func (o->tags, (GDestroyNotify) value_clear);
	g_array_set_clear_func (o->watchers, (GDestroyNotify) value_clear);
	return o;
}

void
mt_rule_outcome_free (MtRuleOutcome *o)
{
	MtRuleValue *singles[] = { &o->queue, &o->owner, &o->priority, &o->status, &o->personal, &o->no_ack, &o->spam };

	for (gsize i = 0; i < G_N_ELEMENTS (singles); i++)
		value_clear (singles[i]);
	g_ptr_array_unref (o->matched);
	if (o->rules)
		g_ptr_array_unref (o->rules);
	g_array_unref (o->tags);
	g_array_unref (o->watchers);
	g_free (o->refuse_line);
	g_free (o->refuse_rule);
	g_free (o);
}

/* Adds each of words to list once, for rule. */
static void
add_words (GArray *list, char **words, const char *rule)
{
	for (int i = 0; words && words[i]; i++) {
		gboolean seen = FALSE;
		for (guint j = 0; j < list->len && !seen; j++)
			seen = g_ascii_strcasecmp (g_array_index (list, MtRuleValue, j).value, words[i]) == 0;
		if (!seen) {
			MtRuleValue v = { g_strdup (words[i]), g_strdup (rule) };
			g_array_append_val (list, v);
		}
	}
}

/* A refusal's line: its text if that starts with an enhanced status
 * code, else 5.7.1 (delivery not authorized) and the text; owned. */
static char *
refusal_line (const char *text)
{
	if (g_regex_match_simple ("^5\\.[0-9]{1,3}\\.[0-9]{1,3} ", text, 0, 0))
		return g_strdup (text);
	return g_strdup_printf ("5.7.1 %s", text);
}

static void
take_actions (const MtRule *r, MtRuleOutcome *o)
{
	g_autofree char *priority = r->priority ? g_strdup_printf ("%d", r->priority) : NULL;

	if (r->queue)
		set_value (&o->queue, r->queue, r->name);
	if (r->owner)
		set_value (&o->owner, r->owner, r->name);
	if (priority)
		set_value (&o->priority, priority, r->name);
	if (r->status)
		set_value (&o->status, r->status, r->name);
	add_words (o->tags, r->tags, r->name);
	add_words (o->watchers, r->watchers, r->name);
	if (r->personal)
		set_value (&o->personal, "yes", r->name);
	if (r->no_ack)
		set_value (&o->no_ack, "yes", r->name);
	if (r->spam)
		set_value (&o->spam, "yes", r->name);
	if (r->refuse_code != 0) {
		o->refuse_code = r->refuse_code;
		o->refuse_line = refusal_line (r->refuse_text ? r->refuse_text : "refused");
		o->refuse_rule = g_strdup (r->name);
	}
}

void
mt_rules_evaluate (GPtrArray *rules, const MtRuleInput *input, MtRuleOutcome *outcome)
{
	Values v = { input };

	if (outcome->rules == NULL && rules != NULL)
		outcome->rules = g_ptr_array_ref (rules);
	for (guint i = 0; rules && i < rules->len; i++) {
		MtRule *rule = g_ptr_array_index (rules, i);
		if (!rule_matches (rule, &v))
			continue;
		g_ptr_array_add (outcome->matched, rule);
		take_actions (rule, outcome);
		if (rule->stop || rule->spam || rule->refuse_code != 0)
			break;
	}
	values_clear (&v);
}

char *
mt_rule_outcome_names (const MtRuleOutcome *o)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < o->matched->len; i++)
		g_string_append_printf (s, "%s%s", i ? "," : "", ((MtRule *) g_ptr_array_index (o->matched, i))->name);
	if (s->len == 0)
		g_string_append (s, "-");
	return g_string_free (s, FALSE);
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

/* ---- the table ---- */

#define TEXT(stmt, i) ((const char *) sqlite3_column_text ((stmt), (i)))

static char **
split_lines (const char *text)
{
	return text && *text ? g_strsplit (text, "\n", -1) : NULL;
}

static MtRule *
read_rule (sqlite3_stmt *stmt)
{
	MtRule *r = mt_rule_new ();
	const char *match = TEXT (stmt, 3);

	r->id = sqlite3_column_int64 (stmt, 0);
	r->name = g_strdup (TEXT (stmt, 1));
	r->position = sqlite3_column_int (stmt, 2);
	r->match = g_strcmp0 (match, "regex") == 0  ? MT_RULE_REGEX
		   : g_strcmp0 (match, "glob") == 0 ? MT_RULE_GLOB
						    : MT_RULE_SUBSTRING;
	r->case_sensitive = sqlite3_column_int (stmt, 4);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		r->patterns[f] = g_strdup (TEXT (stmt, COL_PATTERNS + f));
	r->header = g_strdup (TEXT (stmt, COL_HEADER));
	r->queue = g_strdup (TEXT (stmt, 13));
	r->owner = g_strdup (TEXT (stmt, 14));
	r->priority = sqlite3_column_int (stmt, 15);
	r->status = g_strdup (TEXT (stmt, 16));
	r->tags = split_lines (TEXT (stmt, 17));
	r->watchers = split_lines (TEXT (stmt, 18));
	r->personal = sqlite3_column_int (stmt, 19);
	r->no_ack = sqlite3_column_int (stmt, 20);
	r->spam = sqlite3_column_int (stmt, 21);
	r->refuse_code = sqlite3_column_int (stmt, 22);
	r->refuse_text = g_strdup (TEXT (stmt, 23));
	r->stop = sqlite3_column_int (stmt, 24);
	return r;
}

static gboolean
count_rules (MtStore *store, gint64 *n, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_COUNT, error);

	return stmt != NULL && mt_store_get_int (store, stmt, n, error);
}

GPtrArray *
mt_rules_load (MtStore *store, GError **error)
{
	g_autoptr (GPtrArray) rules = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_rule_free);
	sqlite3_stmt *stmt;
	gint64 n = 0;
	int rc;

	/* Most sites have no rules. Counting them is a twentieth of the cost
	 * of compiling SQL_LOAD, with its lists out of JSON, in every
	 * delivery (make bench). */
	if (!count_rules (store, &n, error))
		return NULL;
	if (n == 0)
		return g_steal_pointer (&rules);
	if (!(stmt = mt_store_query (store, SQL_LOAD, error)))
		return NULL;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		g_autoptr (GError) broken = NULL;
		MtRule *rule = read_rule (stmt);
		/* Checked when added; a GLib that reads a pattern otherwise must
		 * not stop the mail: the rule just never matches. */
		if (!mt_rule_compile (rule, &broken))
			g_warning ("%s; the rule is skipped", broken->message);
		g_ptr_array_add (rules, rule);
	}
	sqlite3_reset (stmt);
	return rc < 0 ? NULL : g_steal_pointer (&rules);
}

/* words as a JSON array built by SQLite, or NULL for none; owned. */
static gboolean
json_list (MtStore *store, char **words, char **json, GError **error)
{
	for (int i = 0; words && words[i]; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, SQL_JSON_APPEND, error);
		if (stmt == NULL)
			return FALSE;
		sqlite3_bind_text (stmt, 1, *json, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text (stmt, 2, words[i], -1, SQLITE_STATIC);
		if (mt_store_step (store, stmt, error) != SQLITE_ROW)
			return FALSE;
		g_free (*json);
		*json = g_strdup (TEXT (stmt, 0));
		sqlite3_reset (stmt);
	}
	return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt, int i, const char *text)
{
	if (text != NULL)
		sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
}

static void
bind_rule (sqlite3_stmt *stmt, const MtRule *r, const char *tags, const char *watchers, gint64 now)
{
	sqlite3_bind_text (stmt, 1, r->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int (stmt, 2, r->position);
	sqlite3_bind_text (stmt, 3, match_names[r->match], -1, SQLITE_STATIC);
	sqlite3_bind_int (stmt, 4, r->case_sensitive);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		bind_text_or_null (stmt, COL_PATTERNS + f, r->patterns[f]);
	bind_text_or_null (stmt, COL_HEADER, r->header);
	bind_text_or_null (stmt, 13, r->queue);
	bind_text_or_null (stmt, 14, r->owner);
	if (r->priority)
		sqlite3_bind_int (stmt, 15, r->priority);
	bind_text_or_null (stmt, 16, r->status);
	bind_text_or_null (stmt, 17, tags);
	bind_text_or_null (stmt, 18, watchers);
	sqlite3_bind_int (stmt, 19, r->personal);
	sqlite3_bind_int (stmt, 20, r->no_ack);
	sqlite3_bind_int (stmt, 21, r->spam);
	if (r->refuse_code)
		sqlite3_bind_int (stmt, 22, r->refuse_code);
	bind_text_or_null (stmt, 23, r->refuse_text);
	sqlite3_bind_int (stmt, 24, r->stop);
	sqlite3_bind_int64 (stmt, 25, now);
}

/* Runs sql, one integer parameter. */
static gboolean
exec_int (MtStore *store, const char *sql, gint64 value, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	if (stmt == NULL)
		return FALSE;
	sqlite3_bind_int64 (stmt, 1, value);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_rules_add (MtStore *store, MtRule *rule, gint64 now, GError **error)
{
	g_autofree char *tags = NULL, *watchers = NULL;
	gint64 n = 0, taken = 0;
	sqlite3_stmt *stmt;

	if (!mt_store_get_id (store, SQL_BY_NAME, rule->name, &taken, error) || !count_rules (store, &n, error))
		return FALSE;
	if (taken != 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "there is a rule named '%s' already", rule->name);
		return FALSE;
	}
	if (rule->position <= 0 || rule->position > n)
		rule->position = (int) n + 1;
	if (!json_list (store, rule->tags, &tags, error) || !json_list (store, rule->watchers, &watchers, error) ||
	    !exec_int (store, SQL_OPEN_GAP, rule->position, error) ||
	    !(stmt = mt_store_query (store, SQL_INSERT, error)))
		return FALSE;
	bind_rule (stmt, rule, tags, watchers, now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_rules_find (MtStore *store, const char *key, int *position, GError **error)
{
	gint64 n = 0, found = 0;
	guint64 number;

	if (g_ascii_string_to_unsigned (key, 10, 1, G_MAXINT, &number, NULL)) {
		if (!count_rules (store, &n, error))
			return FALSE;
		found = (gint64) number <= n ? (gint64) number : 0;
	} else if (!mt_store_get_id (store, SQL_BY_NAME, key, &found, error)) {
		return FALSE;
	}
	if (found == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no rule '%s'", key);
		return FALSE;
	}
	*position = (int) found;
	return TRUE;
}

gboolean
mt_rules_remove (MtStore *store, const char *key, GError **error)
{
	int position;

	return mt_rules_find (store, key, &position, error) && exec_int (store, SQL_DELETE, position, error) &&
	       exec_int (store, SQL_CLOSE_GAP, position, error);
}

gboolean
mt_rules_move (MtStore *store, const char *key, int to, GError **error)
{
	gint64 n = 0;
	int from;
	sqlite3_stmt *stmt;

	if (to < 1) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "a position is a number from 1");
		return FALSE;
	}
	if (!mt_rules_find (store, key, &from, error) || !count_rules (store, &n, error) ||
	    !(stmt = mt_store_query (store, SQL_MOVE, error)))
		return FALSE;
	sqlite3_bind_int (stmt, 1, from);
	sqlite3_bind_int64 (stmt, 2, MIN ((gint64) to, n));
	return mt_store_exec_stmt (store, stmt, error);
}

char *
mt_rules_json (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_JSON, error);
	char *json;

	if (stmt == NULL || mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	json = g_strdup (TEXT (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

/* ---- applying ---- */

/* A name a rule gives (a queue, a user) may have gone since the rule
 * was added: the mail is filed without that change, and the log says
 * so, rather than deferred for ever. Other failures (a busy database)
 * stay failures. The changes check before they write. */
static gboolean
unless_stale (gboolean ok, GError *local, const char *rule, GError **error)
{
	if (ok)
		return TRUE;
	if (local->domain == MT_ERROR && (local->code == MT_ERROR_NOT_FOUND || local->code == MT_ERROR_USAGE)) {
		g_warning ("rule %s: %s; that change is skipped", rule, local->message);
		g_error_free (local);
		return TRUE;
	}
	g_propagate_error (error, local);
	return FALSE;
}

static gboolean
change (MtStore *store, gint64 ticket, const char *field, const MtRuleValue *v, gint64 now, GError **error)
{
	g_autofree char *who = NULL;
	GError *local = NULL;
	gboolean changed, ok;

	if (v->value == NULL)
		return TRUE;
	who = g_strdup_printf ("rule:%s", v->rule);
	ok = mt_change_field (store, ticket, field, v->value, who, now, &changed, &local);
	return unless_stale (ok, local, v->rule, error);
}

/* The queue "spam", made the first time it is needed. */
static gboolean
spam_queue (MtStore *store, const MtConfig *config, gint64 now, GError **error)
{
	MtQueueNew q = { .name = "spam", .now = now };
	gint64 id = 0;
	g_autoptr (GError) local = NULL;

	if (mt_directory_queue_named (store, config, "spam", now, &id, &local))
		return TRUE;
	if (!g_error_matches (local, MT_ERROR, MT_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return FALSE;
	}
	return mt_directory_queue_add (store, config, &q, &id, error);
}

static gboolean
apply_fields (MtStore *store, const MtConfig *config, const MtRuleOutcome *o, gint64 ticket, gint64 now, GError **error)
{
	MtRuleValue spam = { "spam", o->spam.rule };
	g_autofree char *who = o->personal.value ? g_strdup_printf ("rule:%s", o->personal.rule) : NULL;

	if (o->spam.value && !spam_queue (store, config, now, error))
		return FALSE;
	return change (store, ticket, "queue", o->spam.value ? &spam : &o->queue, now, error) &&
	       change (store, ticket, "owner", &o->owner, now, error) &&
	       change (store, ticket, "priority", &o->priority, now, error) &&
	       change (store, ticket, "status", &o->status, now, error) &&
	       (who == NULL || mt_ticket_set_personal (store, ticket, who, now, error));
}

static gboolean
apply_watchers (MtStore *store, const MtRuleOutcome *o, gint64 ticket, gint64 now, GError **error)
{
	for (guint i = 0; i < o->watchers->len; i++) {
		const MtRuleValue *v = &g_array_index (o->watchers, MtRuleValue, i);
		g_autofree char *who = g_strdup_printf ("rule:%s", v->rule);
		gboolean changed = FALSE;
		GError *local = NULL;
		if (!unless_stale (mt_people_watch (store, ticket, v->value, TRUE, now, &changed, &local), local,
				   v->rule, error) ||
		    (changed && !mt_ticket_add_history (store, ticket, who, "watcher", NULL, v->value, now, error)))
			return FALSE;
	}
	return TRUE;
}

gboolean
mt_rules_apply (MtStore *store, const MtConfig *config, const MtRuleOutcome *o, gint64 ticket, gboolean created,
		gint64 now, GError **error)
{
	if (created && !apply_fields (store, config, o, ticket, now, error))
		return FALSE;
	for (guint i = 0; i < o->tags->len; i++) {
		const MtRuleValue *v = &g_array_index (o->tags, MtRuleValue, i);
		g_autofree char *who = g_strdup_printf ("rule:%s", v->rule);
		gboolean changed;
		GError *local = NULL;
		if (!unless_stale (mt_change_tag (store, ticket, v->value, TRUE, who, now, &changed, &local), local,
				   v->rule, error))
			return FALSE;
	}
	return apply_watchers (store, o, ticket, now, error);
}

/* ---- checking a new rule ---- */

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

	for (int f = 0; f < MT_RULE_FIELDS; f++)
		if (r->patterns[f] != NULL && !g_utf8_validate (r->patterns[f], -1, NULL))
			return mt_error_usage (error, "--%s: the pattern is not UTF-8", field_names[f]);
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
	if (r->status && !g_strv_contains (statuses, r->status))
		return mt_error_usage (error, "--status: '%s' is not one of new, open, pending, resolved, closed",
				       r->status);
	for (int i = 0; r->tags && r->tags[i]; i++)
		if (!line_ok (r->tags[i], TRUE) || strlen (r->tags[i]) > 64)
			return mt_error_usage (error, "--tag: '%s' is not a tag (one word, no commas)", r->tags[i]);
	return check_refusal (r, error) && check_patterns (r, error) && check_names (store, config, r, error);
}
