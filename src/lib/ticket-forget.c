/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	ticket-forget.c - a person's mail and address taken out of the
 *	tickets (contact forget)
 * DESCRIPTION
 *	The fourth file of the ticket module (ticket.h): deletes the
 *	articles a person sent, with their attachments and message ids, and
 *	puts a placeholder, "(erased)", where their address, or their name
 *	in a header, stood in what other people's mail showed (From, To,
 *	Cc, Reply-To, the envelope, the subject, the text) and in history
 *	values. An article whose headers or text named them loses its raw
 *	message, which names them too and cannot be rewritten: its parsed
 *	headers and text stay. erase.c runs this with the other owners'
 *	parts, after the tickets that were theirs alone are erased whole.
 *	The address compares as given and in lower case.
 */
#include "mailticket/ticket.h"

#define ERASED "'(erased)'"
#define NAME "ifnull((SELECT name FROM contacts WHERE address = :address AND name <> ''), :address)"
#define MENTIONS(column) "instr(lower(ifnull(" column ", '')), lower(:address)) > 0"
#define NAMES(column) "(" MENTIONS (column) " OR instr(ifnull(" column ", ''), " NAME ") > 0)"
/* "Name <address>" first, so that a header shows one placeholder. */
#define SCRUB(column)                                                                              \
	"replace(replace(replace(replace(" column ", " NAME " || ' <' || :address || '>', " ERASED \
	"), :address, " ERASED "), lower(:address), " ERASED "), " NAME ", " ERASED ")"
#define SCRUB_TEXT(column) "replace(replace(" column ", :address, " ERASED "), lower(:address), " ERASED ")"
#define THEIRS "(SELECT id FROM articles WHERE from_addr = :address)"
#define WITHOUT(column)                                                           \
	"(SELECT json_group_array(json(value)) FROM json_each(merges." column ")" \
	" WHERE lower(ifnull(value ->> 'address', '')) <> lower(:address))"

static const char SQL_KNOWN[] = "SELECT EXISTS (SELECT 1 FROM contacts WHERE address = :address)"
				" OR EXISTS (SELECT 1 FROM articles WHERE from_addr = :address)"
				" OR EXISTS (SELECT 1 FROM participants WHERE address = :address)"
				" OR EXISTS (SELECT 1 FROM conversation_cc WHERE address = :address)";
/* Tickets with mail from them and nothing else. */
static const char SQL_WHOLE[] =
	"SELECT t.id FROM tickets t WHERE t.merged_into IS NULL"
	" AND EXISTS (SELECT 1 FROM articles a WHERE a.ticket = t.id AND a.from_addr = :address)"
	" AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.ticket = t.id"
	"                 AND (a.from_addr IS NULL OR a.from_addr <> :address)) ORDER BY t.id";
static const char SQL_NOTE[] =
	"INSERT INTO history (ticket, at, who, field, old, new)"
	" SELECT t.id, :now, :who, 'erased', NULL, 'a person who asked to be forgotten: their mail and address'"
	" FROM tickets t WHERE t.requester IN (SELECT id FROM contacts WHERE address = :address)"
	" OR EXISTS (SELECT 1 FROM participants p WHERE p.ticket = t.id AND p.address = :address)"
	" OR EXISTS (SELECT 1 FROM conversation_cc c WHERE c.ticket = t.id AND c.address = :address)"
	" OR EXISTS (SELECT 1 FROM articles a WHERE a.ticket = t.id AND (a.from_addr = :address"
	"            OR instr(lower(ifnull(a.\"to\", '') || ifnull(a.cc, '') || ifnull(a.reply_to, '')"
	"                           || ifnull(a.text, '')), lower(:address)) > 0))";
static const char SQL_ATTACHMENTS[] = "DELETE FROM attachments WHERE article IN " THEIRS;
static const char SQL_IDS[] = "DELETE FROM message_ids WHERE article IN " THEIRS;
static const char SQL_CC_ARTICLE[] = "UPDATE conversation_cc SET article = NULL WHERE article IN " THEIRS;
static const char SQL_ARTICLES[] = "DELETE FROM articles WHERE from_addr = :address";
/* Before the columns change: the raw message of an article that named
 * them, which cannot be rewritten. */
static const char SQL_SCRUB_RAW[] =
	"UPDATE articles SET blob = NULL WHERE instr(lower(ifnull(\"from\", '') || ifnull(\"to\", '') || ifnull(cc, '')"
	" || ifnull(reply_to, '') || ifnull(subject, '') || ifnull(text, '') || ifnull(envelope_from, '')"
	" || ifnull(envelope_to, '')), lower(:address)) > 0"
	" OR instr(ifnull(\"from\", '') || ifnull(\"to\", '') || ifnull(cc, '') || ifnull(reply_to, ''), " NAME ") > 0";
#define SCRUB_HEADER(column) "UPDATE articles SET " column " = " SCRUB (column) " WHERE " NAMES (column)
#define SCRUB_COLUMN(column) "UPDATE articles SET " column " = " SCRUB_TEXT (column) " WHERE " MENTIONS (column)
static const char SQL_SCRUB_FROM[] = SCRUB_HEADER ("\"from\"");
static const char SQL_SCRUB_TO[] = SCRUB_HEADER ("\"to\"");
static const char SQL_SCRUB_CC[] = SCRUB_HEADER ("cc");
static const char SQL_SCRUB_REPLY_TO[] = SCRUB_HEADER ("reply_to");
static const char SQL_SCRUB_SUBJECT[] = SCRUB_COLUMN ("subject");
static const char SQL_SCRUB_TEXT[] = SCRUB_COLUMN ("text");
static const char SQL_SCRUB_ENVELOPE_FROM[] = SCRUB_COLUMN ("envelope_from");
static const char SQL_SCRUB_ENVELOPE_TO[] = SCRUB_COLUMN ("envelope_to");
static const char SQL_PARTICIPANTS[] = "DELETE FROM participants WHERE address = :address";
static const char SQL_CC[] = "DELETE FROM conversation_cc WHERE address = :address";
static const char SQL_REQUESTER[] =
	"UPDATE tickets SET requester = NULL WHERE requester IN (SELECT id FROM contacts WHERE address = :address)";
static const char SQL_HISTORY[] =
	"UPDATE history SET old = " SCRUB ("old") ", new = " SCRUB ("new") " WHERE " NAMES ("old") " OR " NAMES ("new");
#define SCRUB_MERGES(column) "UPDATE merges SET " column " = " WITHOUT (column) " WHERE " MENTIONS (column)
static const char SQL_MERGES_CC[] = SCRUB_MERGES ("cc");
static const char SQL_MERGES_WATCHERS[] = SCRUB_MERGES ("watchers");

/* In their order: what points at an article before it, the raw
 * messages before the columns that find them. */
static const char *const forget[] = {
	SQL_ATTACHMENTS,       SQL_IDS,          SQL_CC_ARTICLE,
	SQL_ARTICLES,          SQL_SCRUB_RAW,    SQL_SCRUB_FROM,
	SQL_SCRUB_TO,          SQL_SCRUB_CC,     SQL_SCRUB_REPLY_TO,
	SQL_SCRUB_SUBJECT,     SQL_SCRUB_TEXT,   SQL_SCRUB_ENVELOPE_FROM,
	SQL_SCRUB_ENVELOPE_TO, SQL_PARTICIPANTS, SQL_CC,
	SQL_REQUESTER,         SQL_HISTORY,      SQL_MERGES_CC,
	SQL_MERGES_WATCHERS,
};

static const char *const forget_queries[] = {
	SQL_KNOWN,
	SQL_WHOLE,
	SQL_NOTE,
	SQL_ATTACHMENTS,
	SQL_IDS,
	SQL_CC_ARTICLE,
	SQL_ARTICLES,
	SQL_SCRUB_RAW,
	SQL_SCRUB_FROM,
	SQL_SCRUB_TO,
	SQL_SCRUB_CC,
	SQL_SCRUB_REPLY_TO,
	SQL_SCRUB_SUBJECT,
	SQL_SCRUB_TEXT,
	SQL_SCRUB_ENVELOPE_FROM,
	SQL_SCRUB_ENVELOPE_TO,
	SQL_PARTICIPANTS,
	SQL_CC,
	SQL_REQUESTER,
	SQL_HISTORY,
	SQL_MERGES_CC,
	SQL_MERGES_WATCHERS,
	NULL,
};

const char *const *
mt_ticket_forget_queries (void)
{
	return forget_queries;
}

static sqlite3_stmt *
query (MtStore *store, const char *sql, const char *address, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);

	if (stmt != NULL)
		mt_store_bind_text (stmt, ":address", address);
	return stmt;
}

gboolean
mt_ticket_forget_known (MtStore *store, const char *address, gboolean *known, GError **error)
{
	sqlite3_stmt *stmt = query (store, SQL_KNOWN, address, error);
	gint64 n = 0;

	if (stmt == NULL || !mt_store_get_int (store, stmt, &n, error))
		return FALSE;
	*known = n != 0;
	return TRUE;
}

GArray *
mt_ticket_forget_whole (MtStore *store, const char *address, GError **error)
{
	sqlite3_stmt *stmt = query (store, SQL_WHOLE, address, error);

	return mt_store_get_ids (store, stmt, error);
}

static gboolean
note (MtStore *store, const char *address, const char *who, gint64 now, GError **error)
{
	sqlite3_stmt *stmt = query (store, SQL_NOTE, address, error);

	if (stmt == NULL)
		return FALSE;
	mt_store_bind_text (stmt, ":who", who);
	mt_store_bind_int (stmt, ":now", now);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_ticket_forget_sender (MtStore *store, const char *address, const char *who, gint64 now, guint *articles,
			 GError **error)
{
	*articles = 0;
	if (!note (store, address, who, now, error))
		return FALSE;
	for (gsize i = 0; i < G_N_ELEMENTS (forget); i++) {
		sqlite3_stmt *stmt = query (store, forget[i], address, error);

		if (stmt == NULL || !mt_store_exec_stmt (store, stmt, error))
			return FALSE;
		if (forget[i] == SQL_ARTICLES)
			*articles = (guint) sqlite3_changes (mt_store_peek_db (store));
	}
	return TRUE;
}
