/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	secret.h - the site secret that signs reply tokens
 * DESCRIPTION
 *	The secret is the content of [mail] secret_file when it is set,
 *	else the random one the database was created with. Everything that
 *	makes or checks a token (token.h) asks here, so that a token made
 *	by one program verifies in another. token.c itself takes the
 *	secret as an argument and stays free of the store and the
 *	configuration: the fuzz harness builds it alone.
 */
#ifndef MT_SECRET_H
#define MT_SECRET_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

/* The site secret; owned. Never print or log it. */
char *mt_secret_get (MtStore *store, const MtConfig *config, GError **error);

#endif
