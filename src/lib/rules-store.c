/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	rules-store.c - the table rules: load, add, find, remove, move, list
 * DESCRIPTION
 *	The rules are kept in order, positions 1, 2, ... without gaps:
 *	adding, removing and moving shift the rules after the one changed.
 *	A delivery loads them all with one query, or none when there are
 *	none, which is most sites.
 *
 *	A rule's columns are listed once, in RULE_COLUMNS: the statements
 *	that load and insert a whole rule, and the code that reads and binds
 *	one, are made from that list. Every statement binds by name. The
 *	count of the messages a rule could not be evaluated on is no part
 *	of what a rule is: a delivery adds to it, and the load reads it
 *	after the id.
 */
#include "mailticket/error.h"
#include "mailticket/rules.h"

/* A rule's columns, listed once: the column, which also names its
 * parameter in SQL_INSERT; how MtRule holds it; and the member. The
 * column lists of SQL_LOAD and SQL_INSERT, the insert's parameters, and
 * read_rule() and bind_rule() are all made from this list, so a new
 * column is one line here (and its migration in sql/). Kinds:
 *	TEXT		char *, NULL stored as NULL
 *	INT		int or gboolean
 *	INT_OR_NULL	int, 0 stored as NULL
 *	MATCH		MtRuleMatch, stored as its name
 *	LIST		char ** (NULL-terminated), stored as a JSON array */
/* clang-format off */
#define RULE_COLUMNS(X) \
	X (name,           TEXT,        name) \
	X (position,       INT,         position) \
	X (match_kind,     MATCH,       match) \
	X (case_sensitive, INT,         case_sensitive) \
	X (sender,         TEXT,        patterns[MT_RULE_SENDER]) \
	X (from_pattern,   TEXT,        patterns[MT_RULE_FROM]) \
	X (to_pattern,     TEXT,        patterns[MT_RULE_TO]) \
	X (recipient,      TEXT,        patterns[MT_RULE_RECIPIENT]) \
	X (subject,        TEXT,        patterns[MT_RULE_SUBJECT]) \
	X (header_pattern, TEXT,        patterns[MT_RULE_HEADER]) \
	X (body,           TEXT,        patterns[MT_RULE_BODY]) \
	X (header_name,    TEXT,        header) \
	X (queue,          TEXT,        queue) \
	X (owner,          TEXT,        owner) \
	X (priority,       INT_OR_NULL, priority) \
	X (status,         TEXT,        status) \
	X (tags,           LIST,        tags) \
	X (watchers,       LIST,        watchers) \
	X (personal,       INT,         personal) \
	X (no_ack,         INT,         no_ack) \
	X (spam,           INT,         spam) \
	X (refuse_code,    INT_OR_NULL, refuse_code) \
	X (refuse_text,    TEXT,        refuse_text) \
	X (stop,           INT,         stop)
/* clang-format on */

/* What a column's kind is in MtRule: a member of another type does
 * not build. */
#define TYPE_TEXT char *
#define TYPE_INT int
#define TYPE_INT_OR_NULL int
#define TYPE_MATCH MtRuleMatch
#define TYPE_LIST char **
#define CHECK_TYPE(column, kind, member) \
	G_STATIC_ASSERT (_Generic(((MtRule *) NULL)->member, TYPE_##kind : 1, default : 0));
RULE_COLUMNS (CHECK_TYPE)

/* How SQL_LOAD reads a column: a list as lines, the rest as they are. */
#define SELECT_TEXT(c) c
#define SELECT_INT(c) c
#define SELECT_INT_OR_NULL(c) c
#define SELECT_MATCH(c) c
#define SELECT_LIST(c) "(SELECT group_concat(value, char(10)) FROM json_each(" c "))"

#define COLUMN_NAME(column, kind, member) #column ", "
#define COLUMN_PARAMETER(column, kind, member) ":" #column ", "
#define COLUMN_SELECTED(column, kind, member) SELECT_##kind (#column) ", "

typedef enum { KIND_TEXT, KIND_INT, KIND_INT_OR_NULL, KIND_MATCH, KIND_LIST } Kind;

typedef struct {
	const char *parameter; /* ":column" */
	Kind kind;
	glong offset; /* of the member in MtRule */
} Column;

#define COLUMN_ENTRY(column, kind, member) { ":" #column, KIND_##kind, G_STRUCT_OFFSET (MtRule, member) },
static const Column columns[] = { RULE_COLUMNS (COLUMN_ENTRY) };

/* The columns in the order of the list, then the id and the errors. */
#define LOAD_COLUMNS RULE_COLUMNS (COLUMN_SELECTED) "id, errors, last_error_at, last_error"
#define INSERT_COLUMNS RULE_COLUMNS (COLUMN_NAME) "created"
#define INSERT_VALUES RULE_COLUMNS (COLUMN_PARAMETER) ":created"

static const char SQL_LOAD[] = "SELECT " LOAD_COLUMNS " FROM rules ORDER BY position, id";
static const char SQL_INSERT[] = "INSERT INTO rules (" INSERT_COLUMNS ") VALUES (" INSERT_VALUES ")";
static const char SQL_JSON_APPEND[] = "SELECT json_insert(coalesce(:list, '[]'), '$[#]', :word)";
static const char SQL_COUNT[] = "SELECT count(*) FROM rules";
static const char SQL_BY_NAME[] = "SELECT position FROM rules WHERE name = :name";
static const char SQL_OPEN_GAP[] = "UPDATE rules SET position = position + 1 WHERE position >= :position";
static const char SQL_DELETE[] = "DELETE FROM rules WHERE position = :position";
static const char SQL_CLOSE_GAP[] = "UPDATE rules SET position = position - 1 WHERE position > :position";
static const char SQL_MOVE[] = "UPDATE rules SET position = CASE WHEN position = :from THEN :to"
			       " WHEN :to < :from AND position >= :to AND position < :from THEN position + 1"
			       " WHEN :to > :from AND position > :from AND position <= :to THEN position - 1"
			       " ELSE position END";
static const char SQL_COUNT_ERROR[] =
	"UPDATE rules SET errors = errors + 1, last_error = :error, last_error_at = :now WHERE id = :id";
static const char SQL_JSON[] =
	"SELECT coalesce(json_group_array(json(o)), '[]') FROM (SELECT json_patch(json_object('position', position,"
	" 'name', name, 'match', match_kind, 'case_sensitive', json(iif(case_sensitive, 'true', 'false')),"
	" 'conditions', json_patch('{}', json_object('sender', sender, 'from', from_pattern, 'to', to_pattern,"
	"   'recipient', recipient, 'subject', subject, 'header', iif(header_name IS NULL, NULL,"
	"   header_name || ': ' || header_pattern), 'body', body)),"
	" 'actions', json_patch('{}', json_object('queue', queue, 'owner', owner, 'priority', priority,"
	"   'status', status, 'tags', json(tags), 'watchers', json(watchers),"
	"   'personal', json(iif(personal, 'true', 'null')), 'no_ack', json(iif(no_ack, 'true', 'null')),"
	"   'spam', json(iif(spam, 'true', 'null')), 'refuse', iif(refuse_code IS NULL, NULL,"
	"   refuse_code || ' ' || refuse_text), 'stop', json(iif(stop, 'true', 'null'))))),"
	" json_object('errors', iif(errors = 0, NULL, json_object('count', errors, 'last', last_error,"
	"   'at', strftime('%Y-%m-%dT%H:%M:%SZ', last_error_at, 'unixepoch'))))) AS o"
	" FROM rules ORDER BY position)";

static const char *const rules_queries[] = {
	SQL_LOAD,   SQL_INSERT,    SQL_JSON_APPEND, SQL_COUNT, SQL_BY_NAME,     SQL_OPEN_GAP,
	SQL_DELETE, SQL_CLOSE_GAP, SQL_MOVE,        SQL_JSON,  SQL_COUNT_ERROR, NULL,
};

const char *const *
mt_rules_queries (void)
{
	return rules_queries;
}

static const char *
column_text (sqlite3_stmt *stmt, int i)
{
	return (const char *) sqlite3_column_text (stmt, i);
}

static char **
split_lines (const char *text)
{
	return text && *text ? g_strsplit (text, "\n", -1) : NULL;
}

/* The match kind stored as name; substring for any other. */
static MtRuleMatch
match_named (const char *name)
{
	for (MtRuleMatch m = MT_RULE_REGEX; m > MT_RULE_SUBSTRING; m--)
		if (g_strcmp0 (name, mt_rule_match_name (m)) == 0)
			return m;
	return MT_RULE_SUBSTRING;
}

/* Sets c's member of r from result column i of stmt. */
static void
read_column (sqlite3_stmt *stmt, int i, const Column *c, MtRule *r)
{
	gpointer member = G_STRUCT_MEMBER_P (r, c->offset);

	switch (c->kind) {
	case KIND_TEXT:
		*(char **) member = g_strdup (column_text (stmt, i));
		break;
	case KIND_INT:
	case KIND_INT_OR_NULL:
		*(int *) member = sqlite3_column_int (stmt, i);
		break;
	case KIND_MATCH:
		*(MtRuleMatch *) member = match_named (column_text (stmt, i));
		break;
	case KIND_LIST:
		*(char ***) member = split_lines (column_text (stmt, i));
		break;
	}
}

/* A row of SQL_LOAD as a rule; owned. */
static MtRule *
read_rule (sqlite3_stmt *stmt)
{
	MtRule *r = mt_rule_new ();

	for (gsize i = 0; i < G_N_ELEMENTS (columns); i++)
		read_column (stmt, (int) i, &columns[i], r);
	r->id = sqlite3_column_int64 (stmt, G_N_ELEMENTS (columns));
	r->errors = sqlite3_column_int64 (stmt, G_N_ELEMENTS (columns) + 1);
	r->last_error_at = sqlite3_column_int64 (stmt, G_N_ELEMENTS (columns) + 2);
	r->last_error = g_strdup (column_text (stmt, G_N_ELEMENTS (columns) + 3));
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
		 * not stop the mail, nor let it past: the rule cannot be
		 * evaluated on any message (rules.h says what that does). */
		if (!mt_rule_compile (rule, &broken))
			g_warning ("%s; the rule cannot be evaluated", broken->message);
		g_ptr_array_add (rules, rule);
	}
	sqlite3_reset (stmt);
	return rc < 0 ? NULL : g_steal_pointer (&rules);
}

/* Binds text to the parameter called name; NULL leaves it NULL. */
static void
bind_text (sqlite3_stmt *stmt, const char *name, const char *text)
{
	if (text != NULL)
		sqlite3_bind_text (stmt, sqlite3_bind_parameter_index (stmt, name), text, -1, SQLITE_TRANSIENT);
}

static void
bind_int (sqlite3_stmt *stmt, const char *name, gint64 value)
{
	sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, name), value);
}

/* words as a JSON array built by SQLite, or NULL for none; owned. */
static gboolean
json_list (MtStore *store, char **words, char **json, GError **error)
{
	for (int i = 0; words && words[i]; i++) {
		sqlite3_stmt *stmt = mt_store_query (store, SQL_JSON_APPEND, error);
		if (stmt == NULL)
			return FALSE;
		bind_text (stmt, ":list", *json);
		bind_text (stmt, ":word", words[i]);
		if (mt_store_step (store, stmt, error) != SQLITE_ROW)
			return FALSE;
		g_free (*json);
		*json = g_strdup (column_text (stmt, 0));
		sqlite3_reset (stmt);
	}
	return TRUE;
}

/* Binds c's member of r to its parameter in stmt. */
static gboolean
bind_column (MtStore *store, sqlite3_stmt *stmt, const Column *c, const MtRule *r, GError **error)
{
	gconstpointer member = G_STRUCT_MEMBER_P (r, c->offset);
	g_autofree char *json = NULL;

	switch (c->kind) {
	case KIND_TEXT:
		bind_text (stmt, c->parameter, *(char *const *) member);
		break;
	case KIND_INT:
		bind_int (stmt, c->parameter, *(const int *) member);
		break;
	case KIND_INT_OR_NULL:
		if (*(const int *) member != 0)
			bind_int (stmt, c->parameter, *(const int *) member);
		break;
	case KIND_MATCH:
		bind_text (stmt, c->parameter, mt_rule_match_name (*(const MtRuleMatch *) member));
		break;
	case KIND_LIST:
		if (!json_list (store, *(char **const *) member, &json, error))
			return FALSE;
		bind_text (stmt, c->parameter, json);
		break;
	}
	return TRUE;
}

static gboolean
bind_rule (MtStore *store, sqlite3_stmt *stmt, const MtRule *r, gint64 now, GError **error)
{
	for (gsize i = 0; i < G_N_ELEMENTS (columns); i++)
		if (!bind_column (store, stmt, &columns[i], r, error))
			return FALSE;
	bind_int (stmt, ":created", now);
	return TRUE;
}

/* The position of the rule called name, 0 when there is none. */
static gboolean
position_named (MtStore *store, const char *name, gint64 *position, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_BY_NAME, error);

	if (stmt == NULL)
		return FALSE;
	bind_text (stmt, ":name", name);
	return mt_store_get_int (store, stmt, position, error);
}

/* Runs sql, whose one parameter is :position. */
static gboolean
exec_at (MtStore *store, const char *sql, gint64 position, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	if (stmt == NULL)
		return FALSE;
	bind_int (stmt, ":position", position);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_rules_add (MtStore *store, MtRule *rule, gint64 now, GError **error)
{
	gint64 n = 0, taken = 0;
	sqlite3_stmt *stmt;

	if (!position_named (store, rule->name, &taken, error) || !count_rules (store, &n, error))
		return FALSE;
	if (taken != 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "there is a rule named '%s' already", rule->name);
		return FALSE;
	}
	if (rule->position <= 0 || rule->position > n)
		rule->position = (int) n + 1;
	return (stmt = mt_store_query (store, SQL_INSERT, error)) != NULL &&
	       bind_rule (store, stmt, rule, now, error) && exec_at (store, SQL_OPEN_GAP, rule->position, error) &&
	       mt_store_exec_stmt (store, stmt, error);
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
	} else if (!position_named (store, key, &found, error)) {
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

	return mt_rules_find (store, key, &position, error) && exec_at (store, SQL_DELETE, position, error) &&
	       exec_at (store, SQL_CLOSE_GAP, position, error);
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
	bind_int (stmt, ":from", from);
	bind_int (stmt, ":to", MIN ((gint64) to, n));
	return mt_store_exec_stmt (store, stmt, error);
}

char *
mt_rules_json (MtStore *store, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_JSON, error);
	char *json;

	if (stmt == NULL || mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	json = g_strdup (column_text (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

gboolean
mt_rules_count_errors (MtStore *store, const MtRuleOutcome *o, gint64 now, GError **error)
{
	for (guint i = 0; i < o->errors->len; i++) {
		const MtRuleError *e = g_ptr_array_index (o->errors, i);
		sqlite3_stmt *stmt = mt_store_query (store, SQL_COUNT_ERROR, error);

		g_warning ("rule %s: pattern could not be evaluated (%s) message-id=<%s>", e->rule->name, e->message,
			   o->message_id ? o->message_id : "");
		if (stmt == NULL)
			return FALSE;
		bind_int (stmt, ":id", e->rule->id);
		bind_text (stmt, ":error", e->message);
		bind_int (stmt, ":now", now);
		if (!mt_store_exec_stmt (store, stmt, error))
			return FALSE;
	}
	return TRUE;
}
