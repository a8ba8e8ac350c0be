/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	customer.h - contacts and the organisations they belong to
 * DESCRIPTION
 *	A contact is a sender address: one for every new ticket's
 *	requester, found or created by address. An organisation has a unique name and one
 *	or more domains; names and domains compare without case. A contact
 *	without an organisation belongs to the one whose domain is its
 *	address's domain or a parent of it ("mail.example.com" belongs to
 *	example.com), the longest domain winning: a new contact is matched
 *	when it is created, and adding an organisation (or a domain to it)
 *	attaches the existing contacts of that domain that have none. An
 *	organisation given by hand (contact add --org) is never replaced.
 */
#ifndef MT_CUSTOMER_H
#define MT_CUSTOMER_H

#include <glib.h>
#include "mailticket/store.h"

/* Adds organisation name, or finds it, with the domains given (NULL
 * terminated, may be empty for an existing one). MT_ERROR_USAGE for a
 * bad name or domain, or a domain of another organisation. */
gboolean mt_customer_org_add (MtStore *store, const char *name, char **domains, gint64 now, GError **error);

/* Removes an organisation; its contacts keep their address and lose the
 * organisation. MT_ERROR_NOT_FOUND when there is none of that name. */
gboolean mt_customer_org_remove (MtStore *store, const char *name, GError **error);

/* The organisation called name; MT_ERROR_NOT_FOUND when none. */
gboolean mt_customer_org_find (MtStore *store, const char *name, gint64 *org, GError **error);

/* Finds or creates the contact for address; name (or NULL) names a
 * contact that has no name yet. A new contact belongs to the
 * organisation of its domain. */
gboolean mt_customer_contact_ensure (MtStore *store, const char *address, const char *name, gint64 now, gint64 *contact,
				     GError **error);

/* Adds a contact or finds it by address; name (or NULL) replaces its
 * name, org (or NULL: by domain) its organisation. */
gboolean mt_customer_contact_add (MtStore *store, const char *address, const char *name, const char *org, gint64 now,
				  GError **error);

typedef struct {
	const char *name, *domains; /* "a.example, b.example" */
	gint64 contacts, tickets;   /* its contacts; the tickets they requested */
} MtOrgRow;
typedef void (*MtOrgFunc) (const MtOrgRow *row, gpointer data);
gboolean mt_customer_orgs (MtStore *store, MtOrgFunc func, gpointer data, GError **error);

typedef struct {
	const char *address, *name, *org; /* name and org may be NULL */
	gint64 tickets;                   /* requested */
} MtContactRow;
typedef void (*MtContactFunc) (const MtContactRow *row, gpointer data);
/* The contacts, by address; only org's when org is not NULL. */
gboolean mt_customer_contacts (MtStore *store, const char *org, MtContactFunc func, gpointer data, GError **error);

/* JSON arrays built by SQLite; owned. */
char *mt_customer_orgs_json (MtStore *store, GError **error);
char *mt_customer_contacts_json (MtStore *store, const char *org, GError **error);

const char *const *mt_customer_queries (void);

/* Sets the language of the mail a contact gets (NULL or "": as the
 * ticket says), making the contact when there is none. */
gboolean mt_customer_contact_set_lang (MtStore *store, const char *address, const char *lang, gint64 now,
				       GError **error);

/* Deletes the contact of address, if there is one (erase.h, contact
 * forget): the tickets that named it as requester must not any more. */
gboolean mt_customer_contact_forget (MtStore *store, const char *address, GError **error);

#endif
