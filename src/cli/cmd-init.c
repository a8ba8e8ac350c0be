/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket init - create the database, or bring its schema up to date
 */
#include <stdio.h>

#include "cli.h"

int
mt_cmd_init (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("- create the database and its schema");
	int code;

	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	printf ("%s: schema version %d\n", ctx->config->db_path, mt_store_version (ctx->store));
	return 0;
}
