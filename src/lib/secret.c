/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	secret.c - the site secret that signs reply tokens
 * DESCRIPTION
 *	The configuration's secret wins over the database's, so that an
 *	admin can keep it out of the database and its backups.
 */
#include "mailticket/secret.h"

char *
mt_secret_get (MtStore *store, const MtConfig *config, GError **error)
{
	if (config->secret != NULL)
		return g_strdup (config->secret);
	return mt_store_secret (store, error);
}
