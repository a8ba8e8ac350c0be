/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket attachment - save one attachment of an article
 * SYNOPSIS
 *	mailticket attachment ID ARTICLE N [-o FILE]
 * DESCRIPTION
 *	Attachment N (from 1, as show numbers them) of article ARTICLE of
 *	ticket ID is read from the stored message itself, parsed again and
 *	found by the MIME part path recorded when it arrived: nothing is
 *	stored twice. The content is written decoded (base64 and
 *	quoted-printable undone, charsets untouched) to standard output, or
 *	with -o to FILE.
 *
 *	Where the content goes is the user's choice alone: the file name in
 *	the mail never names a file to write. Standard output that is a
 *	terminal is refused, as the content may hold anything, escape
 *	sequences included.
 */
#include <stdio.h>
#include <unistd.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/message.h"
#include "mailticket/view.h"

typedef struct {
	gint64 ticket, article, n;
} Which;

/* The decoded content of the attachment; owned. */
static GBytes *
read_attachment (MtContext *ctx, const Which *w, GError **error)
{
	g_autofree char *part = mt_view_attachment_part (ctx->store, w->ticket, w->article, w->n, error);
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (GByteArray) bytes = NULL;
	g_autoptr (MtMessage) message = NULL;
	GBytes *content;
	g_autoptr (GError) why = NULL;

	if (part == NULL || !(raw = mt_view_article_raw (ctx->store, w->ticket, w->article, error)))
		return NULL;
	bytes = g_bytes_unref_to_array (g_steal_pointer (&raw));
	if (!(message = mt_message_parse (bytes, error)))
		return NULL;
	if ((content = mt_message_part_content (message, part, &why)) == NULL)
		g_set_error (error, MT_ERROR, MT_ERROR_DATA,
			     "attachment %" G_GINT64_FORMAT " of article %" G_GINT64_FORMAT
			     ": %s (the index is out of date: run 'mailticket db reindex')",
			     w->n, w->article, why->message);
	return content;
}

static gboolean
write_file (const char *path, GBytes *content, GError **error)
{
	gsize len;
	const char *data = g_bytes_get_data (content, &len);

	/* Written in place, so that a named pipe works; a symbolic link is
	 * replaced, never followed (GLib's way); the mode is the umask's. */
	return g_file_set_contents_full (path, data ? data : "", len, G_FILE_SET_CONTENTS_NONE, 0666, error);
}

static int
save (MtContext *ctx, const Which *w, const char *file)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GBytes) content = NULL;

	if (file == NULL && isatty (STDOUT_FILENO))
		return mt_cli_usage ("attachment: will not write to a terminal; give -o FILE, or a pipe");
	if (!(content = read_attachment (ctx, w, &error)))
		return mt_cli_fail (error);
	if (file != NULL ? !write_file (file, content, &error) : !mt_cli_write_bytes (content, &error))
		return mt_cli_fail (error);
	return 0;
}

int
mt_cmd_attachment (MtContext *ctx, int argc, char **argv)
{
	g_autofree char *file = NULL;
	GOptionEntry entries[] = {
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &file, "write to FILE instead of standard output", "FILE" },
		{ NULL },
	};
	g_autoptr (GOptionContext) octx = g_option_context_new ("ID ARTICLE N - save attachment N of an article");
	g_autoptr (GError) error = NULL;
	Which w;
	int code;

	g_option_context_add_main_entries (octx, entries, NULL);
	g_option_context_set_description (octx, "N counts from 1, as 'mailticket show ID' numbers the attachments.");
	if (!mt_cli_start (ctx, octx, &argc, &argv, &code))
		return code;
	if (argc != 4)
		return mt_cli_usage ("attachment: give ID ARTICLE N; try 'mailticket attachment --help'");
	if (!mt_cli_parse_id (argv[1], "ticket", &w.ticket, &error) ||
	    !mt_cli_parse_id (argv[2], "article", &w.article, &error) ||
	    !mt_cli_parse_id (argv[3], "attachment", &w.n, &error))
		return mt_cli_fail (error);
	return save (ctx, &w, file);
}
