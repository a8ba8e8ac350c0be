/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket quarantine - messages kept whole because they could not be parsed
 * SYNOPSIS
 *	mailticket quarantine [list]
 *	mailticket quarantine show ID
 *	mailticket quarantine replay ID
 * DESCRIPTION
 *	list shows what mailticket-deliver set aside; show writes one
 *	message's bytes exactly as received; replay delivers it again (after
 *	a fix, or by hand-editing nothing: the bytes are the same) and
 *	records the ticket it joined.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/deliver.h"
#include "mailticket/quarantine.h"

static gboolean
print_row (const MtQuarantineRow *row, gpointer data)
{
	g_autofree char *when = mt_clock_format (row->received);

	printf ("%5" G_GINT64_FORMAT "  %-16s %8" G_GINT64_FORMAT "  %-24s %s%s\n", row->id, when, row->size,
		row->sender ? row->sender : "-", row->reason, row->replayed ? " (replayed)" : "");
	return TRUE;
}

static gboolean
copy_row (const MtQuarantineRow *row, gpointer data)
{
	MtQuarantineRow *out = data;

	*out = *row;
	out->sha256 = g_strdup (row->sha256);
	out->sender = g_strdup (row->sender);
	out->recipient = g_strdup (row->recipient);
	out->reason = NULL;
	return FALSE;
}

static void
free_row (MtQuarantineRow *row)
{
	g_free ((char *) row->sha256);
	g_free ((char *) row->sender);
	g_free ((char *) row->recipient);
}

static int
list (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;

	return mt_quarantine_list (ctx->store, 0, print_row, NULL, &error) ? 0 : mt_cli_fail (error);
}

static int
show (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	MtQuarantineRow row = { 0 };
	g_autoptr (GBytes) raw = NULL;
	gint64 id;

	if (!mt_cli_parse_id (args->args[0], "entry", &id, &error) ||
	    !mt_quarantine_list (ctx->store, id, copy_row, &row, &error))
		return mt_cli_fail (error);
	raw = mt_store_get_blob (ctx->store, row.sha256, &error);
	free_row (&row);
	return raw != NULL && mt_cli_write_bytes (raw, &error) ? 0 : mt_cli_fail (error);
}

static gboolean
replay_entry (MtContext *ctx, gint64 id, GError **error)
{
	MtQuarantineRow row = { 0 };
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (GByteArray) bytes = NULL;
	MtDeliverResult result;
	gboolean ok;

	if (!mt_quarantine_list (ctx->store, id, copy_row, &row, error))
		return FALSE;
	MtDeliverOptions options = { row.sender, row.recipient, FALSE };
	if ((raw = mt_store_get_blob (ctx->store, row.sha256, error)) != NULL) {
		bytes = g_bytes_unref_to_array (g_steal_pointer (&raw));
		ok = mt_deliver (ctx->store, ctx->config, bytes, &options, &result, error);
	} else {
		ok = FALSE;
	}
	free_row (&row);
	if (!ok)
		return FALSE;
	if (result.action == MT_DELIVER_QUARANTINE)
		printf ("still unreadable: %s\n", result.reason);
	else
		printf ("ticket %" G_GINT64_FORMAT " article %" G_GINT64_FORMAT " (%s)\n", result.ticket,
			result.article, mt_deliver_action_name (result.action));
	ok = result.article == 0 || mt_quarantine_mark_replayed (ctx->store, id, result.article, error);
	mt_deliver_result_clear (&result);
	return ok;
}

static int
replay (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GError) error = NULL;
	gint64 id;

	if (!mt_cli_parse_id (args->args[0], "entry", &id, &error) || !replay_entry (ctx, id, &error))
		return mt_cli_fail (error);
	return 0;
}

static const MtCliVerb verbs[] = {
	{ "list", list, MT_CLI_OPEN_READ, "[list]" },
	{ "show", show, MT_CLI_OPEN_READ, "show ID" },
	{ "replay", replay, MT_CLI_OPEN_WRITE, "replay ID" },
	{ NULL },
};

int
mt_cmd_quarantine (MtContext *ctx, int argc, char **argv)
{
	g_autoptr (GOptionContext) octx = g_option_context_new ("[list | show ID | replay ID]");
	int code;

	g_option_context_set_summary (octx, "Messages kept whole because they could not be parsed.");
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	return mt_cli_run_verb (ctx, verbs, argv, NULL);
}
