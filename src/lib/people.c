/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	people.c - users (agents), groups, and who watches a ticket
 * DESCRIPTION
 *	Owns the tables users, groups, group_members and watchers. The audience query
 *	is the one place that decides who hears of what: owner and creator,
 *	user watchers, the members of group watchers, and plain addresses
 *	unless the article is internal.
 */
#include <string.h>

#include "mailticket/compose.h"
#include "mailticket/error.h"
#include "mailticket/people.h"

static const char SQL_USER_INSERT[] =
	"INSERT INTO users (login, email, name, created) VALUES (:login, lower(:email), :name, :now)";
static const char SQL_USER_FIND[] = "SELECT id FROM users WHERE login = :login";
static const char SQL_USER_EMAIL[] = "SELECT email FROM users WHERE id = :user";
static const char SQL_USER_BY_EMAIL[] = "SELECT login FROM users WHERE email = :email ORDER BY id LIMIT 1";
static const char SQL_USER_PROFILE[] = "SELECT login, name, email, lang, signature FROM users"
				       " WHERE id = :user OR (:user = 0 AND email = :email) ORDER BY id LIMIT 1";
static const char SQL_USER_SET_LANG[] = "UPDATE users SET lang = :value WHERE login = :login";
static const char SQL_USER_SET_SIGNATURE[] = "UPDATE users SET signature = :value WHERE login = :login";
static const char SQL_USER_SET_EMAIL[] = "UPDATE users SET email = lower(:value) WHERE login = :login";
static const char SQL_USER_SET_NAME[] = "UPDATE users SET name = :value WHERE login = :login";
static const char SQL_GROUP_INSERT[] = "INSERT INTO groups (name, created) VALUES (:name, :now)";
static const char SQL_GROUP_FIND[] = "SELECT id FROM groups WHERE name = :name";
static const char SQL_MEMBER_ADD[] = "INSERT OR IGNORE INTO group_members (grp, user) VALUES (:grp, :user)";
static const char SQL_MEMBER_RM[] = "DELETE FROM group_members WHERE grp = :grp AND user = :user";
static const char SQL_WATCH_ADD[] = "INSERT OR IGNORE INTO watchers (ticket, user, grp, address, created)"
				    " VALUES (:ticket, nullif(:user, 0), nullif(:grp, 0), :address, :now)";
static const char SQL_WATCH_RM[] =
	"DELETE FROM watchers WHERE ticket = :ticket AND ifnull(user, 0) = :user AND ifnull(grp, 0) = :grp"
	" AND ifnull(address, '') = ifnull(:address, '')";
static const char SQL_MOVE_WATCHERS[] = "INSERT OR IGNORE INTO watchers (ticket, user, grp, address, created)"
					" SELECT :into, user, grp, address, created FROM watchers WHERE ticket = :from";
static const char SQL_FORGET_WATCHERS[] = "DELETE FROM watchers WHERE ticket = :from";
/* Unmerge: the watchers a merge took, from its record (ticket.h). */
static const char SQL_RESTORE_WATCHERS[] =
	"INSERT OR IGNORE INTO watchers (ticket, user, grp, address, created)"
	" SELECT :ticket, (SELECT id FROM users WHERE id = w.value ->> 'user'),"
	" (SELECT id FROM groups WHERE id = w.value ->> 'grp'), w.value ->> 'address', w.value ->> 'created'"
	" FROM json_each(:watchers) w WHERE w.value ->> 'address' IS NOT NULL"
	" OR EXISTS (SELECT 1 FROM users WHERE id = w.value ->> 'user')"
	" OR EXISTS (SELECT 1 FROM groups WHERE id = w.value ->> 'grp')";
static const char SQL_FORGET_ADDRESS[] = "DELETE FROM watchers WHERE address = :address";
static const char SQL_GROUP_RM_MEMBERS[] = "DELETE FROM group_members WHERE grp = :from";
static const char SQL_GROUP_RM_WATCHERS[] = "DELETE FROM watchers WHERE grp = :from";
static const char SQL_GROUP_RM[] = "DELETE FROM groups WHERE id = :from";
static const char SQL_USER_RM_MEMBERS[] = "DELETE FROM group_members WHERE user = :from";
static const char SQL_USER_RM_WATCHERS[] = "DELETE FROM watchers WHERE user = :from";
static const char SQL_USER_RM[] = "DELETE FROM users WHERE id = :from";
static const char SQL_AUDIENCE[] = "SELECT lower(u.email) FROM tickets t JOIN users u ON u.id IN (t.owner, t.creator)"
				   "  WHERE t.id = :ticket AND u.email IS NOT NULL"
				   " UNION SELECT lower(u.email) FROM watchers w JOIN users u ON u.id = w.user"
				   "  WHERE w.ticket = :ticket AND u.email IS NOT NULL"
				   " UNION SELECT lower(u.email) FROM watchers w JOIN group_members m ON m.grp = w.grp"
				   "  JOIN users u ON u.id = m.user WHERE w.ticket = :ticket AND u.email IS NOT NULL"
				   " UNION SELECT lower(w.address) FROM watchers w"
				   "  WHERE w.ticket = :ticket AND w.address IS NOT NULL AND NOT :internal";
static const char SQL_ADDRESS_WATCHERS[] =
	"SELECT lower(address) FROM watchers WHERE ticket = :ticket AND address IS NOT NULL ORDER BY id";
static const char SQL_USERS[] = "SELECT login, email, name, (SELECT group_concat(g.name, ', ') FROM group_members m"
				" JOIN groups g ON g.id = m.grp WHERE m.user = u.id) FROM users u ORDER BY login";
static const char SQL_GROUPS[] = "SELECT name, NULL, NULL, (SELECT group_concat(u.login, ', ') FROM group_members m"
				 " JOIN users u ON u.id = m.user WHERE m.grp = g.id) FROM groups g ORDER BY name";
static const char SQL_USERS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('login', login, 'email', email, 'name', name,"
	" 'groups', (SELECT json_group_array(g.name) FROM group_members m JOIN groups g ON g.id = m.grp"
	"            WHERE m.user = u.id))), '[]') FROM (SELECT * FROM users ORDER BY login) u";
static const char SQL_GROUPS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('name', name,"
	" 'members', (SELECT json_group_array(u.login) FROM group_members m JOIN users u ON u.id = m.user"
	"             WHERE m.grp = g.id))), '[]') FROM (SELECT * FROM groups ORDER BY name) g";
static const char SQL_ADDRESSES[] =
	"SELECT lower(email) FROM users WHERE id = :user AND email IS NOT NULL"
	" UNION SELECT lower(u.email) FROM group_members m JOIN users u ON u.id = m.user"
	"  WHERE m.grp = :grp AND u.email IS NOT NULL"
	" UNION SELECT lower(email) FROM users WHERE :user = 0 AND :grp = 0 AND email IS NOT NULL";
#define WATCHER_ROWS                                                                                                  \
	" SELECT 'owner' AS kind, u.login AS name FROM tickets t JOIN users u ON u.id = t.owner WHERE t.id = :ticket" \
	" UNION ALL SELECT 'creator', u.login FROM tickets t JOIN users u ON u.id = t.creator WHERE t.id = :ticket"   \
	" UNION ALL SELECT 'user', u.login FROM watchers w JOIN users u ON u.id = w.user WHERE w.ticket = :ticket"    \
	" UNION ALL SELECT 'group', g.name FROM watchers w JOIN groups g ON g.id = w.grp WHERE w.ticket = :ticket"    \
	" UNION ALL SELECT 'address', address FROM watchers WHERE ticket = :ticket AND address IS NOT NULL"
static const char SQL_WATCHERS[] = WATCHER_ROWS;
static const char SQL_WATCHERS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('kind', kind, 'name', name)), '[]') FROM (" WATCHER_ROWS ")";

static const char *const people_queries[] = {
	SQL_USER_INSERT,
	SQL_USER_FIND,
	SQL_USER_EMAIL,
	SQL_GROUP_INSERT,
	SQL_GROUP_FIND,
	SQL_MEMBER_ADD,
	SQL_MEMBER_RM,
	SQL_WATCH_ADD,
	SQL_WATCH_RM,
	SQL_AUDIENCE,
	SQL_USERS_JSON,
	SQL_GROUPS_JSON,
	SQL_WATCHERS,
	SQL_WATCHERS_JSON,
	SQL_USERS,
	SQL_GROUPS,
	SQL_USER_BY_EMAIL,
	SQL_ADDRESSES,
	SQL_ADDRESS_WATCHERS,
	SQL_MOVE_WATCHERS,
	SQL_FORGET_WATCHERS,
	SQL_RESTORE_WATCHERS,
	SQL_FORGET_ADDRESS,
	SQL_USER_PROFILE,
	SQL_USER_SET_LANG,
	SQL_USER_SET_SIGNATURE,
	SQL_USER_SET_EMAIL,
	SQL_USER_SET_NAME,
	SQL_GROUP_RM_MEMBERS,
	SQL_GROUP_RM_WATCHERS,
	SQL_GROUP_RM,
	SQL_USER_RM_MEMBERS,
	SQL_USER_RM_WATCHERS,
	SQL_USER_RM,
	NULL,
};

const char *const *
mt_people_queries (void)
{
	return people_queries;
}

/* Logins and group names are single words a shell can pass. */
static gboolean
name_ok (const char *name)
{
	if (name == NULL || *name == '\0' || strlen (name) > 64)
		return FALSE;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum (*p) && !strchr ("._-", *p))
			return FALSE;
	return TRUE;
}

gboolean
mt_people_user_add (MtStore *store, const char *login, const char *email, const char *name, gint64 now, gint64 *id,
		    GError **error)
{
	g_autofree char *safe_name = name ? mt_compose_header_safe (name) : NULL;

	if (!name_ok (login))
		return mt_error_usage (error, "not a login (letters, digits, . _ -): '%s'", login);
	if (!mt_compose_address_ok (email))
		return mt_error_usage (error, "not a usable mail address: '%s'", email);
	if (!mt_people_user_find (store, login, id, error))
		return FALSE;
	if (*id != 0)
		return mt_error_usage (error, "user %s exists already", login);
	return mt_store_insert (store, SQL_USER_INSERT,
				MT_BINDS (MT_TEXT (":login", login), MT_TEXT (":email", email),
					  MT_TEXT (":name", safe_name && *safe_name ? safe_name : NULL),
					  MT_INT (":now", now)),
				id, error);
}

gboolean
mt_people_user_find (MtStore *store, const char *login, gint64 *id, GError **error)
{
	return mt_store_get_id (store, SQL_USER_FIND, login, id, error);
}

char *
mt_people_user_email (MtStore *store, gint64 user, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_USER_EMAIL, MT_BINDS (MT_INT (":user", user)), error);
	int rc;

	if (stmt == NULL)
		return NULL;
	rc = mt_store_step (store, stmt, error);
	if (rc == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
		return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	if (rc != -1)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "user %" G_GINT64_FORMAT " has no address", user);
	return NULL;
}

gboolean
mt_people_user_by_email (MtStore *store, const char *address, char **login, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_USER_BY_EMAIL, error);
	int rc;

	*login = NULL;
	if (stmt == NULL)
		return FALSE;
	mt_store_bind_text (stmt, ":email", address);
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		*login = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	sqlite3_reset (stmt);
	return rc != -1;
}

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *) sqlite3_column_text (stmt, i);

	return text && *text ? g_strdup (text) : NULL;
}

gboolean
mt_people_profile (MtStore *store, gint64 user, const char *email, MtPeopleProfile **profile, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_USER_PROFILE, error);
	int rc;

	*profile = NULL;
	if (stmt == NULL)
		return FALSE;
	mt_store_bind_int (stmt, ":user", user);
	mt_store_bind_text (stmt, ":email", email);
	if ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtPeopleProfile *p = g_new0 (MtPeopleProfile, 1);

		p->login = column_dup (stmt, 0);
		p->name = column_dup (stmt, 1);
		p->email = column_dup (stmt, 2);
		p->lang = column_dup (stmt, 3);
		p->signature = column_dup (stmt, 4);
		*profile = p;
	}
	sqlite3_reset (stmt);
	return rc != -1;
}

void
mt_people_profile_free (MtPeopleProfile *p)
{
	if (p == NULL)
		return;
	g_free (p->login);
	g_free (p->name);
	g_free (p->email);
	g_free (p->lang);
	g_free (p->signature);
	g_free (p);
}

/* A new address for login: usable, and no other agent's, since an
 * agent is known by it (mail from it, tokens bound to it). */
static gboolean
email_free (MtStore *store, const char *login, const char *email, GError **error)
{
	g_autofree char *holder = NULL;

	if (!mt_compose_address_ok (email))
		return mt_error_usage (error, "not a usable mail address: '%s'", email);
	if (!mt_people_user_by_email (store, email, &holder, error))
		return FALSE;
	if (holder != NULL && strcmp (holder, login) != 0)
		return mt_error_usage (error, "%s is the address of user %s already", email, holder);
	return TRUE;
}

gboolean
mt_people_user_set (MtStore *store, const char *login, const char *field, const char *value, GError **error)
{
	static const struct {
		const char *field, *sql;
	} fields[] = {
		{ "lang", SQL_USER_SET_LANG },
		{ "signature", SQL_USER_SET_SIGNATURE },
		{ "email", SQL_USER_SET_EMAIL },
		{ "name", SQL_USER_SET_NAME },
	};
	g_autofree char *safe = NULL;
	sqlite3_stmt *stmt;
	gsize i;

	for (i = 0; i < G_N_ELEMENTS (fields) && strcmp (fields[i].field, field) != 0; i++)
		;
	g_return_val_if_fail (i < G_N_ELEMENTS (fields), FALSE);
	if (strcmp (field, "email") == 0 && !email_free (store, login, value, error))
		return FALSE;
	/* A name goes into From: headers of the agent's mail. */
	if (strcmp (field, "name") == 0 && value)
		value = safe = mt_compose_header_safe (value);
	if (!(stmt = mt_store_query (store, fields[i].sql, error)))
		return FALSE;
	mt_store_bind_text (stmt, ":login", login);
	mt_store_bind_text (stmt, ":value", value && *value ? value : NULL);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	if (sqlite3_changes (mt_store_peek_db (store)) == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no user %s", login);
		return FALSE;
	}
	return TRUE;
}

gboolean
mt_people_group_add (MtStore *store, const char *name, gint64 now, gint64 *id, GError **error)
{
	if (!name_ok (name))
		return mt_error_usage (error, "not a group name (letters, digits, . _ -): '%s'", name);
	if (!mt_people_group_find (store, name, id, error))
		return FALSE;
	if (*id != 0)
		return mt_error_usage (error, "group %s exists already", name);
	return mt_store_insert (store, SQL_GROUP_INSERT, MT_BINDS (MT_TEXT (":name", name), MT_INT (":now", now)), id,
				error);
}

gboolean
mt_people_group_find (MtStore *store, const char *name, gint64 *id, GError **error)
{
	return mt_store_get_id (store, SQL_GROUP_FIND, name, id, error);
}

static gboolean
not_found (GError **error, const char *what, const char *name)
{
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no %s named '%s'", what, name);
	return FALSE;
}

gboolean
mt_people_group_member (MtStore *store, const char *group, const char *login, gboolean add, GError **error)
{
	gint64 grp = 0, user = 0;
	sqlite3_stmt *stmt;

	if (!mt_people_group_find (store, group, &grp, error) || !mt_people_user_find (store, login, &user, error))
		return FALSE;
	if (grp == 0)
		return not_found (error, "group", group);
	if (user == 0)
		return not_found (error, "user", login);
	if (!(stmt = mt_store_query (store, add ? SQL_MEMBER_ADD : SQL_MEMBER_RM, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":grp", grp);
	mt_store_bind_int (stmt, ":user", user);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_people_resolve (MtStore *store, const char *who, gint64 *user, gint64 *grp, char **address, GError **error)
{
	*user = *grp = 0;
	*address = NULL;
	if (!mt_people_user_find (store, who, user, error) ||
	    (*user == 0 && !mt_people_group_find (store, who, grp, error)))
		return FALSE;
	if (*user == 0 && *grp == 0) {
		if (!mt_compose_address_ok (who))
			return mt_error_usage (error, "no user or group named '%s', and not a mail address", who);
		*address = g_ascii_strdown (who, -1);
	}
	return TRUE;
}

GPtrArray *
mt_people_addresses (MtStore *store, gint64 user, gint64 grp, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_ADDRESSES,
						   MT_BINDS (MT_INT (":user", user), MT_INT (":grp", grp)), error);

	if (stmt == NULL)
		return NULL;
	return mt_store_get_strings (store, stmt, error);
}

gboolean
mt_people_watch (MtStore *store, gint64 ticket, const char *who, gboolean add, gint64 now, gboolean *changed,
		 GError **error)
{
	gint64 user = 0, grp = 0;
	g_autofree char *address = NULL;
	sqlite3_stmt *stmt;

	if (!mt_people_resolve (store, who, &user, &grp, &address, error))
		return FALSE;
	if (!(stmt = mt_store_query (store, add ? SQL_WATCH_ADD : SQL_WATCH_RM, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_int (stmt, ":user", user);
	mt_store_bind_int (stmt, ":grp", grp);
	mt_store_bind_text (stmt, ":address", address);
	if (add)
		mt_store_bind_int (stmt, ":now", now);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*changed = sqlite3_changes (mt_store_peek_db (store)) > 0;
	return TRUE;
}

gboolean
mt_people_move_watchers (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_MOVE_WATCHERS, SQL_FORGET_WATCHERS };

	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error);
}

GPtrArray *
mt_people_audience (MtStore *store, gint64 ticket, gboolean internal, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (
		store, SQL_AUDIENCE, MT_BINDS (MT_INT (":ticket", ticket), MT_INT (":internal", internal)), error);

	if (stmt == NULL)
		return NULL;
	return mt_store_get_strings (store, stmt, error);
}

GPtrArray *
mt_people_address_watchers (MtStore *store, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt =
		mt_store_query_bound (store, SQL_ADDRESS_WATCHERS, MT_BINDS (MT_INT (":ticket", ticket)), error);

	if (stmt == NULL)
		return NULL;
	return mt_store_get_strings (store, stmt, error);
}

static char *
json_of (MtStore *store, const char *sql, gint64 ticket, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	if (stmt == NULL)
		return NULL;
	if (ticket != 0)
		mt_store_bind_int (stmt, ":ticket", ticket);
	if (mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

char *
mt_people_users_json (MtStore *store, GError **error)
{
	return json_of (store, SQL_USERS_JSON, 0, error);
}

char *
mt_people_groups_json (MtStore *store, GError **error)
{
	return json_of (store, SQL_GROUPS_JSON, 0, error);
}

char *
mt_people_watchers_json (MtStore *store, gint64 ticket, GError **error)
{
	return json_of (store, SQL_WATCHERS_JSON, ticket, error);
}

gboolean
mt_people_watchers (MtStore *store, gint64 ticket, MtWatcherFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_WATCHERS, MT_BINDS (MT_INT (":ticket", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW)
		func ((const char *) sqlite3_column_text (stmt, 0), (const char *) sqlite3_column_text (stmt, 1), data);
	return rc != -1;
}

static gboolean
each_row (MtStore *store, const char *sql, MtPeopleRowFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtPeopleRow row = {
			(const char *) sqlite3_column_text (stmt, 0),
			(const char *) sqlite3_column_text (stmt, 1),
			(const char *) sqlite3_column_text (stmt, 2),
			(const char *) sqlite3_column_text (stmt, 3),
		};
		func (&row, data);
	}
	return rc != -1;
}

gboolean
mt_people_users (MtStore *store, MtPeopleRowFunc func, gpointer data, GError **error)
{
	return each_row (store, SQL_USERS, func, data, error);
}

gboolean
mt_people_groups (MtStore *store, MtPeopleRowFunc func, gpointer data, GError **error)
{
	return each_row (store, SQL_GROUPS, func, data, error);
}

gboolean
mt_people_erase_watchers (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_FORGET_WATCHERS };

	return mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_people_restore_watchers (MtStore *store, gint64 ticket, const char *watchers, GError **error)
{
	return mt_store_run (store, SQL_RESTORE_WATCHERS,
			     MT_BINDS (MT_INT (":ticket", ticket), MT_TEXT (":watchers", watchers)), error);
}

gboolean
mt_people_forget_address (MtStore *store, const char *address, GError **error)
{
	return mt_store_run (store, SQL_FORGET_ADDRESS, MT_BINDS (MT_TEXT (":address", address)), error);
}

gboolean
mt_people_group_remove (MtStore *store, gint64 group, GError **error)
{
	static const char *const rm[] = { SQL_GROUP_RM_MEMBERS, SQL_GROUP_RM_WATCHERS, SQL_GROUP_RM };

	return mt_store_move (store, rm, G_N_ELEMENTS (rm), group, 0, error);
}

gboolean
mt_people_user_remove (MtStore *store, gint64 user, GError **error)
{
	static const char *const rm[] = { SQL_USER_RM_MEMBERS, SQL_USER_RM_WATCHERS, SQL_USER_RM };

	return mt_store_move (store, rm, G_N_ELEMENTS (rm), user, 0, error);
}
