/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	editor.c - composing in an editor, reading through a pager
 * DESCRIPTION
 *	As git does: reply, note and new without -m or -F on a terminal
 *	open $VISUAL, else $EDITOR, else editor(1), else vi on a file with
 *	what the text starts from and comment lines ('#') that are taken
 *	out afterwards; a text left empty or unchanged sends nothing. show
 *	on a terminal writes through $PAGER (else less -FRX), and writes
 *	straight out when standard output is no terminal.
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/ticket.h"

gboolean
mt_cli_wants_editor (const char *message, const char *file)
{
	return message == NULL && file == NULL && isatty (STDIN_FILENO) && isatty (STDERR_FILENO);
}

/* $VISUAL, $EDITOR, editor, vi: the first there is. */
static const char *
editor_command (void)
{
	const char *names[] = { "VISUAL", "EDITOR" };
	g_autofree char *editor = NULL;

	for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
		const char *value = g_getenv (names[i]);
		if (value && *value)
			return value;
	}
	editor = g_find_program_in_path ("editor");
	return editor ? "editor" : "vi";
}

/* The text without comment lines and trailing blank space; owned. */
static char *
without_comments (const char *text)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	GString *out = g_string_new (NULL);

	for (int i = 0; lines[i]; i++)
		if (lines[i][0] != '#')
			g_string_append_printf (out, "%s\n", lines[i]);
	g_strchomp (out->str);
	out->len = strlen (out->str);
	g_string_erase (out, 0, strspn (out->str, "\n"));
	return g_string_free (out, FALSE);
}

/* Runs the editor on path, with the terminal. */
static gboolean
run_editor (const char *path, GError **error)
{
	g_autofree char *command = g_strdup_printf ("%s \"$@\"", editor_command ());
	const char *argv[] = { "/bin/sh", "-c", command, "editor", path, NULL };
	int status = 0;

	if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL, &status,
			   error))
		return FALSE;
	if (!g_spawn_check_wait_status (status, NULL)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "the editor (%s) failed; nothing sent",
			     editor_command ());
		return FALSE;
	}
	return TRUE;
}

char *
mt_cli_edit (const char *initial, const char *help, GError **error)
{
	g_autofree char *path = NULL, *edited = NULL, *text = NULL, *start = without_comments (initial);
	g_autofree char *contents = g_strdup_printf ("%s\n%s", initial, help);
	int fd = g_file_open_tmp ("mailticket-XXXXXX.txt", &path, error);
	gboolean ok;

	if (fd < 0)
		return NULL;
	close (fd);
	ok = g_file_set_contents (path, contents, -1, error) && run_editor (path, error) &&
	     g_file_get_contents (path, &edited, NULL, error);
	unlink (path);
	if (!ok)
		return NULL;
	text = without_comments (edited);
	if (*text == '\0' || strcmp (text, start) == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "the text is %s; nothing sent",
			     *text ? "unchanged" : "empty");
		return NULL;
	}
	if (!g_utf8_validate (text, -1, NULL)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "the text is not UTF-8; nothing sent");
		return NULL;
	}
	return g_steal_pointer (&text);
}

char *
mt_cli_quote_last (MtContext *ctx, gint64 ticket, GError **error)
{
	g_autofree char *quote = mt_notify_quote_last (ctx->store, ctx->config, ticket, error);

	return quote && *quote ? g_strdup_printf ("%s\n", quote) : g_steal_pointer (&quote);
}

static GPid pager = 0;

/* At exit: the pager gets end of file, and the terminal back. */
static void
pager_wait (void)
{
	int status;

	fflush (stdout);
	fclose (stdout);
	waitpid (pager, &status, 0);
}

void
mt_cli_pager_start (void)
{
	const char *command = g_getenv ("PAGER");
	const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	int fd = -1;

	if (pager != 0 || !isatty (STDOUT_FILENO))
		return;
	if (command == NULL || *command == '\0')
		command = "less -FRX";
	if (strcmp (command, "cat") == 0)
		return;
	argv[2] = command;
	fflush (stdout);
	if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pager, &fd,
				       NULL, NULL, NULL)) {
		pager = 0;
		return;
	}
	dup2 (fd, STDOUT_FILENO);
	close (fd);
	atexit (pager_wait);
}
