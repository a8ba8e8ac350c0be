/*
 * NAME
 *	common.c - what every mailticket subcommand shares
 */
#include <stdio.h>
#include <sysexits.h>

#include "cli.h"
#include "mailticket/error.h"

gboolean
mt_cli_open (MtContext *ctx, MtStoreMode mode, GError **error)
{
	if (ctx->config == NULL && !(ctx->config = mt_config_load (ctx->config_path, ctx->db_path, error)))
		return FALSE;
	if (ctx->store == NULL)
		ctx->store = mt_store_open (ctx->config->db_path, ctx->config->busy_timeout, mode, error);
	return ctx->store != NULL;
}

gboolean
mt_cli_parse (GOptionContext *octx, int *argc, char ***argv, int *code)
{
	g_autoptr (GError) error = NULL;

	if (g_option_context_parse (octx, argc, argv, &error))
		return TRUE;
	fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);
	*code = 1;
	return FALSE;
}

int
mt_cli_fail (const GError *error)
{
	fprintf (stderr, "mailticket: %s\n", error->message);
	if (error->domain == MT_ERROR && error->code == MT_ERROR_TEMPFAIL)
		return EX_TEMPFAIL;
	return 1;
}

gboolean
mt_cli_parse_id (const char *text, const char *what, gint64 *id, GError **error)
{
	guint64 value;

	if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "%s must be a number: %s", what, text ? text : "(none)");
		return FALSE;
	}
	*id = (gint64) value;
	return TRUE;
}
