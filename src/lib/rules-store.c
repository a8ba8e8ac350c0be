/*
 * NAME
 *	rules-store.c - the table rules: load, add, find, remove, move, list
 * DESCRIPTION
 *	The rules are kept in order, positions 1, 2, ... without gaps:
 *	adding, removing and moving shift the rules after the one changed.
 *	A delivery loads them all with one query, or none when there are
 *	none, which is most sites.
 */
#include "mailticket/error.h"
#include "mailticket/rules.h"

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

const char *const *
mt_rules_queries (void)
{
	return rules_queries;
}

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
	sqlite3_bind_text (stmt, 3, mt_rule_match_name (r->match), -1, SQLITE_STATIC);
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
