/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket outbox - mail waiting to be sent, sent, or given up
 * SYNOPSIS
 *	mailticket outbox [list] [--state STATE] [--json]
 *	mailticket outbox show ID [--raw | --json]
 *	mailticket outbox retry ID
 * DESCRIPTION
 *	list shows every message of the outbox, oldest first, with its
 *	recipients and what the server said last; show one message with
 *	each recipient's state and reply, or its exact bytes (--raw); retry
 *	puts a failed or waiting message, and its failed recipients, back
 *	in the queue, due now, for the next run of mailticket-send.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/outbox-view.h"
#include "mailticket/outbox.h"

typedef struct {
	gboolean json;
	gboolean raw;
	const char *state;
} Options;

static char *
format_time (gint64 when)
{
	return when > 0 ? mt_clock_format (when) : g_strdup ("-");
}

static gboolean
print_row (const MtOutboxRow *row, gpointer data)
{
	gboolean waiting = strcmp (row->state, "queued") == 0;
	g_autofree char *next = format_time (waiting ? row->next_attempt : 0);

	printf ("%5" G_GINT64_FORMAT "  %-8s %-12s %6" G_GINT64_FORMAT " %5" G_GINT64_FORMAT "  %-16s  %s", row->id,
		row->state, row->kind, row->ticket, row->attempts, next, row->recipients ? row->recipients : "-");
	if (row->last_reply != NULL)
		printf ("  (%s)", row->last_reply);
	printf ("\n");
	return TRUE;
}

static gboolean
list (MtContext *ctx, const Options *o, GError **error)
{
	g_autofree char *json = NULL;

	if (o->json) {
		if (!(json = mt_outbox_view_list_json (ctx->store, o->state, error)))
			return FALSE;
		printf ("%s\n", json);
		return TRUE;
	}
	printf ("%5s  %-8s %-12s %6s %5s  %-16s  %s\n", "ID", "STATE", "KIND", "TICKET", "TRIES", "NEXT ATTEMPT",
		"RECIPIENTS (LAST REPLY)");
	return mt_outbox_view_list (ctx->store, o->state, 0, print_row, NULL, error);
}

static gboolean
print_field_row (const MtOutboxRow *row, gpointer data)
{
	g_autofree char *created = format_time (row->created);
	g_autofree char *next = format_time (strcmp (row->state, "queued") == 0 ? row->next_attempt : 0);
	g_autofree char *until = format_time (row->claimed_until);
	g_autofree char *done = format_time (row->done);

	printf ("Outbox:       %" G_GINT64_FORMAT "\nState:        %s\nKind:         %s\n", row->id, row->state,
		row->kind);
	if (row->ticket > 0)
		printf ("Ticket:       %" G_GINT64_FORMAT "\n", row->ticket);
	printf ("Message-ID:   <%s>\nFrom:         <%s>\nSize:         %" G_GINT64_FORMAT " bytes\n", row->message_id,
		row->envelope_from, row->size);
	printf ("Created:      %s\nAttempts:     %" G_GINT64_FORMAT "\nNext attempt: %s\n", created, row->attempts,
		next);
	if (row->claimed_by != NULL)
		printf ("Claimed by:   %s until %s\n", row->claimed_by, until);
	printf ("Last reply:   %s\nDone:         %s\nRecipients:\n", row->last_reply ? row->last_reply : "-", done);
	return TRUE;
}

static gboolean
print_recipient (const char *address, const char *state, const char *reply, gpointer data)
{
	printf ("  %-32s %-7s %s\n", address, state, reply ? reply : "-");
	return TRUE;
}

static gboolean
write_raw (MtContext *ctx, gint64 id, GError **error)
{
	g_autoptr (GBytes) raw = mt_outbox_view_raw (ctx->store, id, error);

	return raw != NULL && mt_cli_write_bytes (raw, error);
}

static gboolean
show (MtContext *ctx, gint64 id, const Options *o, GError **error)
{
	g_autofree char *json = NULL;

	if (o->raw)
		return write_raw (ctx, id, error);
	if (o->json) {
		if (!(json = mt_outbox_view_json (ctx->store, id, error)))
			return FALSE;
		printf ("%s\n", json);
		return TRUE;
	}
	return mt_outbox_view_list (ctx->store, NULL, id, print_field_row, NULL, error) &&
	       mt_outbox_view_recipients (ctx->store, id, print_recipient, NULL, error);
}

static gboolean
write_retry (MtContext *ctx, gpointer data, GError **error)
{
	return mt_outbox_retry (ctx->store, *(gint64 *) data, mt_clock_now (), error);
}

/* An option given to a verb it does not go with. */
static int
misplaced (const char *verb)
{
	return mt_cli_usage ("outbox %s: an option that does not go with it", verb);
}

static int
list_verb (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	MtOutboxState state;

	if (o->raw)
		return misplaced ("list");
	if (o->state && !mt_outbox_state_parse (o->state, &state))
		return mt_cli_usage ("--state: queued, sending, sent or failed, not '%s'", o->state);
	return list (ctx, o, &error) ? 0 : mt_cli_fail (error);
}

static int
show_verb (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	gint64 id;

	if (o->state || (o->raw && o->json))
		return misplaced ("show");
	if (!mt_cli_parse_id (args->args[0], "outbox message", &id, &error) || !show (ctx, id, o, &error))
		return mt_cli_fail (error);
	return 0;
}

static int
retry_verb (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	g_autoptr (GError) error = NULL;
	gint64 id;

	if (o->state || o->raw || o->json)
		return misplaced ("retry");
	if (!mt_cli_parse_id (args->args[0], "outbox message", &id, &error) ||
	    !mt_cli_write (ctx, write_retry, &id, &error))
		return mt_cli_fail (error);
	printf ("outbox message %" G_GINT64_FORMAT " queued again\n", id);
	return 0;
}

static const MtCliVerb verbs[] = {
	{ "list", list_verb, MT_CLI_OPEN_READ, "[list] [--state STATE] [--json]" },
	{ "show", show_verb, MT_CLI_OPEN_READ, "show ID [--raw | --json]" },
	{ "retry", retry_verb, MT_CLI_OPEN_WRITE, "retry ID" },
	{ NULL },
};

int
mt_cmd_outbox (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *state = NULL;
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &o.json, "list or show as JSON", NULL },
		{ "state", 0, 0, G_OPTION_ARG_STRING, &state, "list only messages in STATE", "STATE" },
		{ "raw", 0, 0, G_OPTION_ARG_NONE, &o.raw, "show the message's exact bytes", NULL },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("[list | show ID | retry ID]");
	int code;

	g_option_context_set_summary (octx, "Mail waiting to be sent, sent, or given up.");
	g_option_context_add_main_entries (octx, entries, NULL);
	if (!mt_cli_parse (octx, &argc, &argv, &code))
		return code;
	o.state = state;
	return mt_cli_run_verb (ctx, verbs, argv, &o);
}
