/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	people.h - users (agents), groups, and who watches a ticket
 * DESCRIPTION
 *	A user is an agent with a login and an address; a group is a named
 *	set of users. A ticket is watched by its owner and its creator, by
 *	the users and groups added as watchers, and by plain addresses. The
 *	audience of an article is every address that hears of it: for an
 *	internal article only users (agents) ever do.
 */
#ifndef MT_PEOPLE_H
#define MT_PEOPLE_H

#include <glib.h>
#include "mailticket/store.h"

/* MT_ERROR_USAGE when the login is taken or the address unusable. */
gboolean mt_people_user_add (MtStore *store, const char *login, const char *email, const char *name, gint64 now,
			     gint64 *id, GError **error);
/* The user with login, or 0. */
gboolean mt_people_user_find (MtStore *store, const char *login, gint64 *id, GError **error);
/* The user's address; owned, NULL when none. */
char *mt_people_user_email (MtStore *store, gint64 user, GError **error);
/* What the mail to or from an agent needs: owned strings, NULL when unset. */
typedef struct {
	char *login, *name, *email;
	char *lang;      /* user set --lang */
	char *signature; /* user set --signature-file: the text */
} MtPeopleProfile;
void mt_people_profile_free (MtPeopleProfile *profile);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtPeopleProfile, mt_people_profile_free)
/* The profile of user, or when user is 0 of the agent whose address
 * email is; *profile is NULL (and no error) when there is none. */
gboolean mt_people_profile (MtStore *store, gint64 user, const char *email, MtPeopleProfile **profile, GError **error);
/* Sets an agent's "lang", "signature", "name" (NULL or "": none) or
 * "email" (MT_ERROR_USAGE for an unusable one, or another agent's);
 * MT_ERROR_NOT_FOUND for an unknown login. */
gboolean mt_people_user_set (MtStore *store, const char *login, const char *field, const char *value, GError **error);
/* The login of the user (agent) whose address this is; *login is NULL
 * (and no error) when it is nobody's. Owned. */
gboolean mt_people_user_by_email (MtStore *store, const char *address, char **login, GError **error);

gboolean mt_people_group_add (MtStore *store, const char *name, gint64 now, gint64 *id, GError **error);
gboolean mt_people_group_find (MtStore *store, const char *name, gint64 *id, GError **error);
/* Deletes a group, its members and its watching (erase.h: mt_erase_group). */
gboolean mt_people_group_remove (MtStore *store, gint64 group, GError **error);
/* Deletes a user, their memberships and their watching (erase.h). */
gboolean mt_people_user_remove (MtStore *store, gint64 user, GError **error);
/* Adds or removes a member; MT_ERROR_NOT_FOUND for an unknown group or login. */
gboolean mt_people_group_member (MtStore *store, const char *group, const char *login, gboolean add, GError **error);

/* who is a login, a group name or an address, in that order: one of
 * *user, *grp (ids) and *address (lower case, owned) is set.
 * MT_ERROR_USAGE when it is none of them. */
gboolean mt_people_resolve (MtStore *store, const char *who, gint64 *user, gint64 *grp, char **address, GError **error);

/* The addresses (lower case, owned) of a user or of a group's members;
 * of every user when both are 0. Users without an address are left out. */
GPtrArray *mt_people_addresses (MtStore *store, gint64 user, gint64 grp, GError **error);

/* who is a login, a group name or an address, in that order.
 * Adding twice or removing what is not there is no error; *changed says. */
gboolean mt_people_watch (MtStore *store, gint64 ticket, const char *who, gboolean add, gint64 now, gboolean *changed,
			  GError **error);

/* Moves the watchers of ticket from to into, where those already
 * watching stay once: a merge (change.h). */
gboolean mt_people_move_watchers (MtStore *store, gint64 from, gint64 into, GError **error);
/* Unmerge: ticket is watched again by the watchers of a JSON array as
 * ticket.h's mt_ticket_merge_watchers() gives it; users and groups
 * removed since are left out. */
gboolean mt_people_restore_watchers (MtStore *store, gint64 ticket, const char *watchers, GError **error);
/* Contact forget (erase.h): address watches no ticket any more. */
gboolean mt_people_forget_address (MtStore *store, const char *address, GError **error);
/* Deletes a ticket's watchers (erase.h). */
gboolean mt_people_erase_watchers (MtStore *store, gint64 ticket, GError **error);

/* Every address that hears of a new article of ticket, lower case,
 * without duplicates; plain-address watchers only when !internal. */
GPtrArray *mt_people_audience (MtStore *store, gint64 ticket, gboolean internal, GError **error);

/* The plain addresses that watch ticket (lower case, owned): they are
 * Cc'd on every reply. */
GPtrArray *mt_people_address_watchers (MtStore *store, gint64 ticket, GError **error);

/* Calls func for each watcher: kind ("owner", "creator", "user",
 * "group", "address") and name. */
typedef void (*MtWatcherFunc) (const char *kind, const char *name, gpointer data);
gboolean mt_people_watchers (MtStore *store, gint64 ticket, MtWatcherFunc func, gpointer data, GError **error);

/* Users (name = login, with email, full name and groups) or groups
 * (name, members), in name order. Fields may be NULL. */
typedef struct {
	const char *name, *email, *full_name, *members;
} MtPeopleRow;
typedef void (*MtPeopleRowFunc) (const MtPeopleRow *row, gpointer data);
gboolean mt_people_users (MtStore *store, MtPeopleRowFunc func, gpointer data, GError **error);
gboolean mt_people_groups (MtStore *store, MtPeopleRowFunc func, gpointer data, GError **error);

/* JSON arrays built by SQLite; owned. */
char *mt_people_users_json (MtStore *store, GError **error);
char *mt_people_groups_json (MtStore *store, GError **error);
char *mt_people_watchers_json (MtStore *store, gint64 ticket, GError **error);

const char *const *mt_people_queries (void);

#endif
