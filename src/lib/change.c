/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	change.c - what an agent changes on a ticket: fields, tags, merges
 * DESCRIPTION
 *	Owns the table tags. Checks what an agent asks for, then writes it
 *	through the module whose table it is: a field through ticket.h, a
 *	merge through each owner's move (ticket.h, people.h, work.h).
 *	History shows names (logins, queue names) rather than ids, as the
 *	agent typed them.
 */
#include <string.h>

#include "mailticket/alarm.h"
#include "mailticket/change.h"
#include "mailticket/config.h"
#include "mailticket/clock.h"
#include "mailticket/compose.h"
#include "mailticket/customer.h"
#include "mailticket/error.h"
#include "mailticket/people.h"
#include "mailticket/ticket.h"
#include "mailticket/work.h"

static const char SQL_GET[] = "SELECT status, priority, owner, queue, project, color, subject, merged_into, requester"
			      " FROM ticket_summary WHERE id = :ticket";
static const char SQL_QUEUE_FIND[] = "SELECT id FROM queues WHERE name = :name";
static const char SQL_PENDING[] = "SELECT count(*) FROM approvals WHERE ticket = :ticket AND state = 'pending'";
static const char SQL_TAG_ADD[] = "INSERT OR IGNORE INTO tags (ticket, tag) VALUES (:ticket, :tag)";
static const char SQL_TAG_RM[] = "DELETE FROM tags WHERE ticket = :ticket AND tag = :tag";
static const char SQL_MOVE_TAGS[] =
	"INSERT OR IGNORE INTO tags (ticket, tag) SELECT :into, tag FROM tags WHERE ticket = :from";
static const char SQL_FORGET_TAGS[] = "DELETE FROM tags WHERE ticket = :from";
static const char SQL_UNTIL_GET[] = "SELECT pending_until FROM tickets WHERE id = :ticket";

static const char *const change_queries[] = {
	SQL_GET,       SQL_QUEUE_FIND,  SQL_PENDING,   SQL_TAG_ADD, SQL_TAG_RM,
	SQL_MOVE_TAGS, SQL_FORGET_TAGS, SQL_UNTIL_GET, NULL,
};

/* Column of SQL_GET for each field but status, and what it sets. */
static const struct {
	const char *name;
	int column;
	MtTicketField field;
} fields[] = {
	{ "priority", 1, MT_TICKET_PRIORITY }, { "owner", 2, MT_TICKET_OWNER }, { "queue", 3, MT_TICKET_QUEUE },
	{ "project", 4, MT_TICKET_PROJECT },   { "color", 5, MT_TICKET_COLOR }, { "subject", 6, MT_TICKET_SUBJECT },
};
#define STATUS_COLUMN 0
#define MERGED_COLUMN 7
#define REQUESTER_COLUMN 8

static const char *const colors[] = {
	"red", "orange", "yellow", "green", "blue", "purple", "grey", "black", NULL,
};

const char *const *
mt_change_queries (void)
{
	return change_queries;
}

gboolean
mt_change_is_field (const char *field)
{
	if (strcmp (field, "until") == 0 || strcmp (field, "status") == 0 || strcmp (field, "requester") == 0)
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
		if (strcmp (fields[i].name, field) == 0)
			return TRUE;
	return FALSE;
}

static gboolean
usage (GError **error, const char *field, const char *value, const char *expected)
{
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "%s: '%s' is not %s", field, value, expected);
	return FALSE;
}

/* The current value as shown (names, not ids); owned, NULL when unset. */
static gboolean
current (MtStore *store, gint64 ticket, int column, char **value, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_GET, MT_BINDS (MT_INT (":ticket", ticket)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	if ((rc = mt_store_step (store, stmt, error)) != SQLITE_ROW) {
		if (rc != -1)
			g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, ticket);
		return FALSE;
	}
	*value = sqlite3_column_text (stmt, column) ? g_strdup ((const char *) sqlite3_column_text (stmt, column))
						    : NULL;
	return TRUE;
}

static gboolean
check_status (MtStore *store, gint64 ticket, const char *value, GError **error)
{
	gint64 pending = 0;
	sqlite3_stmt *stmt;

	if (!mt_ticket_status_known (value))
		return usage (error, "status", value, "one of new, open, pending, resolved, closed");
	if (strcmp (value, "resolved") != 0 && strcmp (value, "closed") != 0)
		return TRUE;
	if (!(stmt = mt_store_query_bound (store, SQL_PENDING, MT_BINDS (MT_INT (":ticket", ticket)), error)))
		return FALSE;
	if (!mt_store_get_int (store, stmt, &pending, error))
		return FALSE;
	if (pending > 0)
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "ticket %" G_GINT64_FORMAT " has %" G_GINT64_FORMAT
			     " pending approval(s); it cannot be %s",
			     ticket, pending, value);
	return pending == 0;
}

static gboolean
color_ok (const char *value)
{
	if (g_strv_contains (colors, value) || *value == '\0')
		return TRUE;
	if (value[0] != '#' || strlen (value) != 7)
		return FALSE;
	for (int i = 1; i < 7; i++)
		if (!g_ascii_isxdigit (value[i]))
			return FALSE;
	return TRUE;
}

static gboolean
blank (const char *text)
{
	while (g_ascii_isspace (*text))
		text++;
	return *text == '\0';
}

/* The value as stored: an id for owner and queue, NULL for "". */
static gboolean
stored_value (MtStore *store, const char *field, const char *value, GVariant **out, GError **error)
{
	gint64 id = 0;
	guint64 n;

	if (strcmp (field, "priority") == 0) {
		if (!g_ascii_string_to_unsigned (value, 10, 1, 9, &n, NULL))
			return usage (error, field, value, "a priority from 1 to 9");
		*out = g_variant_new_int64 ((gint64) n);
	} else if (strcmp (field, "owner") == 0 || strcmp (field, "queue") == 0) {
		gboolean owner = strcmp (field, "owner") == 0;
		if (owner && (strcmp (value, "none") == 0 || *value == '\0')) {
			*out = NULL;
			return TRUE;
		}
		if (!(owner ? mt_people_user_find (store, value, &id, error)
			    : mt_store_get_id (store, SQL_QUEUE_FIND, value, &id, error)))
			return FALSE;
		if (id == 0) {
			g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no %s named '%s'", owner ? "user" : "queue",
				     value);
			return FALSE;
		}
		*out = g_variant_new_int64 (id);
	} else if (strcmp (field, "color") == 0 && !color_ok (value)) {
		return usage (error, field, value,
			      "a colour (red, orange, yellow, green, blue, purple, grey, black or #rrggbb)");
	} else if (strcmp (field, "subject") == 0 && blank (value)) {
		return usage (error, field, value, "a subject");
	} else {
		*out = *value ? g_variant_new_string (value) : NULL;
	}
	if (*out)
		g_variant_ref_sink (*out);
	return TRUE;
}

static gboolean
set_status (MtStore *store, gint64 ticket, const char *value, const char *who, gint64 now, gboolean *changed,
	    GError **error)
{
	g_autofree char *old = NULL;

	if (!current (store, ticket, STATUS_COLUMN, &old, error) || !check_status (store, ticket, value, error))
		return FALSE;
	*changed = g_strcmp0 (old, value) != 0;
	return mt_ticket_set_status (store, ticket, value, who, now, error);
}

/* The time a pending ticket waits until, as history shows it; owned. */
static char *
until_text (gint64 when)
{
	return when ? mt_clock_format (when) : NULL;
}

/* until=TIME (mt_clock_parse_when), or "none": only for a pending ticket,
 * since any other status forgets it (mt_ticket_set_status). */
static gboolean
set_until (MtStore *store, gint64 ticket, const char *value, const char *who, gint64 now, gboolean *changed,
	   GError **error)
{
	g_autofree char *status = mt_ticket_get_status (store, ticket, error);
	g_autofree char *old_text = NULL, *new_text = NULL;
	g_autoptr (GVariant) stored = NULL;
	sqlite3_stmt *stmt;
	gint64 old = 0, when = 0;

	if (status == NULL)
		return FALSE;
	if (strcmp (value, "none") != 0 && *value != '\0' && !mt_clock_parse_when_at (value, now, &when))
		return usage (error, "until", value, "a time such as +3d, monday 09:00, 2026-12-01 or none");
	if (strcmp (status, "pending") != 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
			     "until: ticket %" G_GINT64_FORMAT " is %s, not pending (set status=pending until=TIME)",
			     ticket, status);
		return FALSE;
	}
	if (!(stmt = mt_store_query_bound (store, SQL_UNTIL_GET, MT_BINDS (MT_INT (":ticket", ticket)), error)))
		return FALSE;
	if (!mt_store_get_int (store, stmt, &old, error) || old == when)
		return old == when;
	*changed = TRUE;
	old_text = until_text (old);
	new_text = until_text (when);
	stored = g_variant_ref_sink (g_variant_new_int64 (when));
	return mt_ticket_set_field (store, ticket, MT_TICKET_PENDING_UNTIL, stored, now, error) &&
	       mt_ticket_add_history (store, ticket, who, "pending_until", old_text, new_text, now, error);
}

/* requester=ADDR: the contact of that address (made when there is none)
 * is whom the ticket's correspondence goes to from now on. */
static gboolean
set_requester (MtStore *store, gint64 ticket, const char *value, const char *who, gint64 now, gboolean *changed,
	       GError **error)
{
	g_autofree char *old = NULL;
	g_autoptr (GVariant) stored = NULL;
	gint64 contact = 0;

	if (!mt_compose_address_ok (value))
		return usage (error, "requester", value, "a mail address (user@example.com)");
	if (!current (store, ticket, REQUESTER_COLUMN, &old, error))
		return FALSE;
	if (old != NULL && g_ascii_strcasecmp (old, value) == 0)
		return TRUE;
	if (!mt_customer_contact_ensure (store, value, NULL, now, &contact, error))
		return FALSE;
	*changed = TRUE;
	stored = g_variant_ref_sink (g_variant_new_int64 (contact));
	return mt_ticket_set_field (store, ticket, MT_TICKET_REQUESTER, stored, now, error) &&
	       mt_ticket_add_history (store, ticket, who, "requester", old, value, now, error);
}

gboolean
mt_change_field (MtStore *store, gint64 ticket, const char *field, const char *value, const char *who, gint64 now,
		 gboolean *changed, GError **error)
{
	g_autofree char *old = NULL;
	g_autoptr (GVariant) stored = NULL;
	gsize i;

	*changed = FALSE;
	if (strcmp (field, "until") == 0)
		return set_until (store, ticket, value, who, now, changed, error);
	if (strcmp (field, "status") == 0)
		return set_status (store, ticket, value, who, now, changed, error);
	if (strcmp (field, "requester") == 0)
		return set_requester (store, ticket, value, who, now, changed, error);
	for (i = 0; i < G_N_ELEMENTS (fields) && strcmp (fields[i].name, field) != 0; i++)
		;
	if (i == G_N_ELEMENTS (fields))
		return usage (error, "set", field,
			      "a field (status, priority, owner, queue, project, color, subject, until, requester)");
	if (!current (store, ticket, fields[i].column, &old, error))
		return FALSE;
	if (!stored_value (store, field, value, &stored, error))
		return FALSE;
	if (g_strcmp0 (old, *value ? value : NULL) == 0 || (strcmp (field, "owner") == 0 && !stored && !old))
		return TRUE;
	*changed = TRUE;
	return mt_ticket_set_field (store, ticket, fields[i].field, stored, now, error) &&
	       mt_ticket_add_history (store, ticket, who, field, old, stored ? value : NULL, now, error);
}

static gboolean
tag_ok (const char *tag)
{
	if (tag == NULL || *tag == '\0' || strlen (tag) > 64 || !g_utf8_validate (tag, -1, NULL))
		return FALSE;
	for (const char *p = tag; *p; p++)
		if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p) || *p == ',')
			return FALSE;
	return TRUE;
}

gboolean
mt_change_tag (MtStore *store, gint64 ticket, const char *tag, gboolean add, const char *who, gint64 now,
	       gboolean *changed, GError **error)
{
	sqlite3_stmt *stmt;
	gboolean found;

	if (!tag_ok (tag))
		return usage (error, "tag", tag ? tag : "", "a tag (one word, no commas)");
	if (!mt_ticket_exists (store, ticket, &found, error))
		return FALSE;
	if (!found) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, ticket);
		return FALSE;
	}
	if (!(stmt = mt_store_query (store, add ? SQL_TAG_ADD : SQL_TAG_RM, error)))
		return FALSE;
	mt_store_bind_int (stmt, ":ticket", ticket);
	mt_store_bind_text (stmt, ":tag", tag);
	if (!mt_store_exec_stmt (store, stmt, error))
		return FALSE;
	*changed = sqlite3_changes (mt_store_peek_db (store)) > 0;
	if (!*changed)
		return TRUE;
	return mt_ticket_touch (store, ticket, now, error) &&
	       mt_ticket_add_history (store, ticket, who, "tag", add ? NULL : tag, add ? tag : NULL, now, error);
}

/* The tags of from are into's: a merge. */
static gboolean
move_tags (MtStore *store, gint64 from, gint64 into, GError **error)
{
	static const char *const moves[] = { SQL_MOVE_TAGS, SQL_FORGET_TAGS };

	return mt_store_move (store, moves, G_N_ELEMENTS (moves), from, into, error);
}

gboolean
mt_change_erase_tags (MtStore *store, gint64 ticket, GError **error)
{
	static const char *const erase[] = { SQL_FORGET_TAGS };

	return mt_store_move (store, erase, G_N_ELEMENTS (erase), ticket, 0, error);
}

gboolean
mt_change_merge (MtStore *store, gint64 from, gint64 into, const char *who, gint64 now, GError **error)
{
	g_autofree char *merged = NULL, *target_merged = NULL;
	g_autofree char *from_text = g_strdup_printf ("%" G_GINT64_FORMAT, from);
	g_autofree char *into_text = g_strdup_printf ("%" G_GINT64_FORMAT, into);

	if (from == into)
		return usage (error, "merge", from_text, "another ticket than the one merged into");
	if (!current (store, from, MERGED_COLUMN, &merged, error) ||
	    !current (store, into, MERGED_COLUMN, &target_merged, error))
		return FALSE;
	if (merged != NULL || target_merged != NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "ticket %s was merged already",
			     merged ? from_text : into_text);
		return FALSE;
	}
	if (!mt_ticket_merge_note (store, from, into, now, error) ||
	    !mt_ticket_move_articles (store, from, into, error) ||
	    !mt_people_move_watchers (store, from, into, error) || !move_tags (store, from, into, error) ||
	    !mt_work_move (store, from, into, error) || !mt_alarm_move (store, from, into, error))
		return FALSE;
	return mt_ticket_close_merged (store, from, into, now, error) &&
	       mt_ticket_link (store, from, "merged", into, now, error) && mt_ticket_touch (store, into, now, error) &&
	       mt_ticket_add_history (store, from, who, "merged_into", NULL, into_text, now, error) &&
	       mt_ticket_add_history (store, into, who, "merged", NULL, from_text, now, error);
}

gboolean
mt_change_took_part (MtStore *store, const MtConfig *config, gint64 ticket, const char *login, gint64 now,
		     GError **error)
{
	g_autoptr (MtTicketMail) mail = mt_ticket_mail_facts (store, ticket, error);
	gboolean changed = FALSE;

	if (mail == NULL)
		return FALSE;
	if (login == NULL || !mt_config_notify (config, mail->queue)->reply_takes)
		return TRUE;
	if (mail->owner == NULL)
		return mt_change_field (store, ticket, "owner", login, login, now, &changed, error);
	return g_strcmp0 (mail->owner, login) == 0 ||
	       mt_people_watch (store, ticket, login, TRUE, now, &changed, error);
}
