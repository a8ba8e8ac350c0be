/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	customer.c - contacts and the organisations they belong to
 * DESCRIPTION
 *	Owns the tables contacts, organisations and organisation_domains:
 *	a contact is created here, and matched to its organisation as it
 *	is. Domains
 *	are stored lower case so that matching a parent domain is a
 *	comparison of the address's domain and of its suffix after a dot,
 *	in SQL, with the longest domain first.
 */
#include <string.h>

#include "mailticket/compose.h"
#include "mailticket/customer.h"
#include "mailticket/error.h"

/* The domain of a contacts row's address, lower case. */
#define DOMAIN_OF(c) "lower(substr(" c ".address, instr(" c ".address, '@') + 1))"
/* The domain d is g, or below it. */
#define UNDER(d, g) "(" d " = " g " OR substr(" d ", -length(" g ") - 1) = '.' || " g ")"

static const char SQL_CONTACT_FIND[] = "SELECT id FROM contacts WHERE address = :address";
static const char SQL_CONTACT_INSERT[] = "INSERT INTO contacts (address, name, created) VALUES (:address, :name, :now)";
static const char SQL_CONTACT_NAME[] = "UPDATE contacts SET name = :name WHERE id = :contact AND name IS NULL";
static const char SQL_ORG_FIND[] = "SELECT id FROM organisations WHERE name = :name";
static const char SQL_ORG_INSERT[] = "INSERT INTO organisations (name, created) VALUES (:name, :now)";
static const char SQL_DOMAIN_OWNER[] = "SELECT org FROM organisation_domains WHERE domain = :domain";
static const char SQL_DOMAIN_ADD[] = "INSERT OR IGNORE INTO organisation_domains (domain, org) VALUES (:domain, :org)";
static const char SQL_ATTACH[] =
	"UPDATE contacts AS c SET org = :org WHERE c.org IS NULL AND " UNDER (DOMAIN_OF ("c"), ":domain");
static const char SQL_MATCH[] =
	"UPDATE contacts AS c SET org = (SELECT g.org FROM organisation_domains g WHERE " UNDER (
		DOMAIN_OF ("c"),
		"g.domain") " ORDER BY length(g.domain) DESC LIMIT 1) WHERE c.id = :id AND c.org IS NULL";
static const char SQL_CONTACT_ORG[] = "UPDATE contacts SET org = :org WHERE id = :contact";
static const char SQL_CONTACT_RENAME[] = "UPDATE contacts SET name = :text WHERE id = :id";
static const char SQL_CONTACT_FORGET[] = "DELETE FROM contacts WHERE id = :id";
static const char SQL_CONTACT_LANG[] = "UPDATE contacts SET lang = nullif(:text, '') WHERE id = :id";
static const char SQL_ORG_DETACH[] = "UPDATE contacts SET org = NULL WHERE org = :id";
static const char SQL_ORG_DOMAINS_RM[] = "DELETE FROM organisation_domains WHERE org = :id";
static const char SQL_ORG_RM[] = "DELETE FROM organisations WHERE id = :id";
#define ORG_ROWS                                                                                                \
	" SELECT o.name AS name,"                                                                               \
	" (SELECT group_concat(domain, ', ') FROM (SELECT domain FROM organisation_domains WHERE org = o.id"    \
	"  ORDER BY domain)) AS domains,"                                                                       \
	" (SELECT json_group_array(domain) FROM (SELECT domain FROM organisation_domains WHERE org = o.id"      \
	"  ORDER BY domain)) AS domains_json,"                                                                  \
	" (SELECT count(*) FROM contacts WHERE org = o.id) AS contacts,"                                        \
	" (SELECT count(*) FROM tickets t JOIN contacts c ON c.id = t.requester WHERE c.org = o.id) AS tickets" \
	" FROM organisations o ORDER BY o.name"
static const char SQL_ORGS[] = ORG_ROWS;
static const char SQL_ORGS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('name', name, 'domains', json(domains_json),"
	" 'contacts', contacts, 'tickets', tickets)), '[]') FROM (" ORG_ROWS ")";
#define CONTACT_ROWS                                                        \
	" SELECT c.address AS address, c.name AS name, o.name AS org,"      \
	" (SELECT count(*) FROM tickets WHERE requester = c.id) AS tickets" \
	" FROM contacts c LEFT JOIN organisations o ON o.id = c.org"        \
	" WHERE :org IS NULL OR o.name = :org ORDER BY c.address"
static const char SQL_CONTACTS[] = CONTACT_ROWS;
static const char SQL_CONTACTS_JSON[] =
	"SELECT coalesce(json_group_array(json_object('address', address, 'name', name, 'org', org,"
	" 'tickets', tickets)), '[]') FROM (" CONTACT_ROWS ")";

static const char *const customer_queries[] = {
	SQL_CONTACT_FIND,   SQL_CONTACT_INSERT, SQL_CONTACT_NAME,
	SQL_ORG_FIND,       SQL_ORG_INSERT,     SQL_DOMAIN_OWNER,
	SQL_DOMAIN_ADD,     SQL_ATTACH,         SQL_MATCH,
	SQL_CONTACT_ORG,    SQL_CONTACT_RENAME, SQL_ORG_DETACH,
	SQL_ORG_DOMAINS_RM, SQL_ORG_RM,         SQL_ORGS,
	SQL_CONTACT_LANG,   SQL_ORGS_JSON,      SQL_CONTACTS,
	SQL_CONTACTS_JSON,  SQL_CONTACT_FORGET, NULL,
};

const char *const *
mt_customer_queries (void)
{
	return customer_queries;
}

/* "@Example.COM" -> "example.com"; NULL when it is no domain name. */
static char *
domain_clean (const char *text)
{
	g_autofree char *d = g_ascii_strdown (text + (*text == '@'), -1);
	g_autoptr (GRegex) re = g_regex_new ("^([a-z0-9_]([a-z0-9_-]*[a-z0-9_])?\\.)+[a-z0-9-]+$", 0, 0, NULL);

	g_strstrip (d);
	if (strlen (d) > 253 || !g_regex_match (re, d, 0, NULL))
		return NULL;
	return g_steal_pointer (&d);
}

/* Binds an id and a text, and runs the statement. */
static gboolean
exec_id_text (MtStore *store, const char *sql, gint64 id, const char *text, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, sql, MT_BINDS (MT_INT (":id", id)), error);

	if (stmt == NULL)
		return FALSE;
	if (text != NULL)
		mt_store_bind_text (stmt, ":text", text);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_customer_org_find (MtStore *store, const char *name, gint64 *org, GError **error)
{
	if (!mt_store_get_id (store, SQL_ORG_FIND, name, org, error))
		return FALSE;
	if (*org == 0)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no organisation named '%s'", name);
	return *org != 0;
}

static gboolean
org_ensure (MtStore *store, const char *name, gint64 now, gint64 *org, GError **error)
{
	if (name == NULL || *name == '\0' || strlen (name) > 200 || !g_utf8_validate (name, -1, NULL))
		return mt_error_usage (error, "not an organisation name: '%s'", name ? name : "");
	for (const char *p = name; *p; p++)
		if (g_ascii_iscntrl (*p))
			return mt_error_usage (error, "not an organisation name: '%s'", "(control characters)");
	if (!mt_store_get_id (store, SQL_ORG_FIND, name, org, error) || *org != 0)
		return *org != 0;
	return mt_store_insert (store, SQL_ORG_INSERT, MT_BINDS (MT_TEXT (":name", name), MT_INT (":now", now)), org,
				error);
}

/* Adds a domain to org and attaches its contacts that have no org. */
static gboolean
add_domain (MtStore *store, gint64 org, const char *text, GError **error)
{
	g_autofree char *domain = domain_clean (text);
	sqlite3_stmt *stmt;
	gint64 owner;

	if (domain == NULL)
		return mt_error_usage (error, "not a domain: '%s'", text);
	if (!mt_store_get_id (store, SQL_DOMAIN_OWNER, domain, &owner, error))
		return FALSE;
	if (owner != 0 && owner != org)
		return mt_error_usage (error, "domain %s belongs to another organisation", domain);
	if (!(stmt = mt_store_query_bound (store, SQL_DOMAIN_ADD,
					   MT_BINDS (MT_TEXT (":domain", domain), MT_INT (":org", org)), error)))
		return FALSE;
	if (!mt_store_exec_stmt (store, stmt, error) || !(stmt = mt_store_query (store, SQL_ATTACH, error)))
		return FALSE;
	mt_store_bind_text (stmt, ":domain", domain);
	mt_store_bind_int (stmt, ":org", org);
	return mt_store_exec_stmt (store, stmt, error);
}

gboolean
mt_customer_org_add (MtStore *store, const char *name, char **domains, gint64 now, GError **error)
{
	gint64 org;

	if (!org_ensure (store, name, now, &org, error))
		return FALSE;
	for (int i = 0; domains && domains[i]; i++)
		if (!add_domain (store, org, domains[i], error))
			return FALSE;
	return TRUE;
}

gboolean
mt_customer_org_remove (MtStore *store, const char *name, GError **error)
{
	gint64 org;

	return mt_customer_org_find (store, name, &org, error) &&
	       exec_id_text (store, SQL_ORG_DETACH, org, NULL, error) &&
	       exec_id_text (store, SQL_ORG_DOMAINS_RM, org, NULL, error) &&
	       exec_id_text (store, SQL_ORG_RM, org, NULL, error);
}

/* Gives contact the organisation of its domain, unless it has one. */
static gboolean
contact_match (MtStore *store, gint64 contact, GError **error)
{
	return exec_id_text (store, SQL_MATCH, contact, NULL, error);
}

gboolean
mt_customer_contact_ensure (MtStore *store, const char *address, const char *name, gint64 now, gint64 *contact,
			    GError **error)
{
	sqlite3_stmt *stmt;

	if (!mt_store_get_id (store, SQL_CONTACT_FIND, address, contact, error))
		return FALSE;
	if (*contact != 0 && name == NULL)
		return TRUE;
	if (*contact != 0) {
		if (!(stmt = mt_store_query (store, SQL_CONTACT_NAME, error)))
			return FALSE;
		mt_store_bind_int (stmt, ":contact", *contact);
		mt_store_bind_text (stmt, ":name", name);
		return mt_store_exec_stmt (store, stmt, error);
	}
	if (!mt_store_insert (store, SQL_CONTACT_INSERT,
			      MT_BINDS (MT_TEXT (":address", address), MT_TEXT (":name", name), MT_INT (":now", now)),
			      contact, error))
		return FALSE;
	return contact_match (store, *contact, error);
}

static gboolean
set_org (MtStore *store, gint64 contact, gint64 org, GError **error)
{
	return mt_store_run (store, SQL_CONTACT_ORG, MT_BINDS (MT_INT (":contact", contact), MT_INT (":org", org)),
			     error);
}

gboolean
mt_customer_contact_add (MtStore *store, const char *address, const char *name, const char *org, gint64 now,
			 GError **error)
{
	g_autofree char *safe_name = name ? mt_compose_header_safe (name) : NULL;
	gint64 contact, org_id = 0;

	if (!mt_compose_address_ok (address))
		return mt_error_usage (error, "not a usable mail address: '%s'", address);
	if (org != NULL && !mt_customer_org_find (store, org, &org_id, error))
		return FALSE;
	if (!mt_customer_contact_ensure (store, address, NULL, now, &contact, error))
		return FALSE;
	if (safe_name && *safe_name && !exec_id_text (store, SQL_CONTACT_RENAME, contact, safe_name, error))
		return FALSE;
	return org_id == 0 || set_org (store, contact, org_id, error);
}

gboolean
mt_customer_contact_set_lang (MtStore *store, const char *address, const char *lang, gint64 now, GError **error)
{
	gint64 contact;

	if (!mt_compose_address_ok (address))
		return mt_error_usage (error, "not a usable mail address: '%s'", address);
	return mt_customer_contact_ensure (store, address, NULL, now, &contact, error) &&
	       exec_id_text (store, SQL_CONTACT_LANG, contact, lang ? lang : "", error);
}

gboolean
mt_customer_orgs (MtStore *store, MtOrgFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, SQL_ORGS, error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtOrgRow row = {
			(const char *) sqlite3_column_text (stmt, 0),
			(const char *) sqlite3_column_text (stmt, 1),
			sqlite3_column_int64 (stmt, 3),
			sqlite3_column_int64 (stmt, 4),
		};
		func (&row, data);
	}
	return rc != -1;
}

gboolean
mt_customer_contacts (MtStore *store, const char *org, MtContactFunc func, gpointer data, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query_bound (store, SQL_CONTACTS, MT_BINDS (MT_TEXT (":org", org)), error);
	int rc;

	if (stmt == NULL)
		return FALSE;
	while ((rc = mt_store_step (store, stmt, error)) == SQLITE_ROW) {
		MtContactRow row = {
			(const char *) sqlite3_column_text (stmt, 0),
			(const char *) sqlite3_column_text (stmt, 1),
			(const char *) sqlite3_column_text (stmt, 2),
			sqlite3_column_int64 (stmt, 3),
		};
		func (&row, data);
	}
	return rc != -1;
}

/* The one text value of a JSON query, org bound or not; owned. */
static char *
json_list (MtStore *store, const char *sql, const char *org, GError **error)
{
	sqlite3_stmt *stmt = mt_store_query (store, sql, error);
	char *json;

	if (stmt == NULL)
		return NULL;
	if (org != NULL)
		mt_store_bind_text (stmt, ":org", org);
	if (mt_store_step (store, stmt, error) != SQLITE_ROW)
		return NULL;
	json = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
	sqlite3_reset (stmt);
	return json;
}

char *
mt_customer_orgs_json (MtStore *store, GError **error)
{
	return json_list (store, SQL_ORGS_JSON, NULL, error);
}

char *
mt_customer_contacts_json (MtStore *store, const char *org, GError **error)
{
	return json_list (store, SQL_CONTACTS_JSON, org, error);
}

gboolean
mt_customer_contact_forget (MtStore *store, const char *address, GError **error)
{
	gint64 contact = 0;

	return mt_store_get_id (store, SQL_CONTACT_FIND, address, &contact, error) &&
	       (contact == 0 || exec_id_text (store, SQL_CONTACT_FORGET, contact, NULL, error));
}
