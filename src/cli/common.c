/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	common.c - what every mailticket subcommand shares
 * DESCRIPTION
 *	The one place that opens the store, as the command table and the
 *	verb tables say (mt_cli_open_store; the verbs' matcher is verbs.c); the
 *	one way an error reaches the user (mt_cli_fail); and the small
 *	parsers and printers the commands share.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <pwd.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/log.h"
#include "mailticket/message.h"
#include "mailticket/people.h"
#include "mailticket/printable.h"
#include "mailticket/ticket.h"

gboolean
mt_cli_load_config (MtContext *ctx, GError **error)
{
	if (ctx->config != NULL)
		return TRUE;
	if (!(ctx->config = mt_config_load (ctx->config_path, ctx->db_path, error)))
		return FALSE;
	mt_log_tell_config (ctx->config->warnings);
	return TRUE;
}

gboolean
mt_cli_open_store (MtContext *ctx, MtCliOpen open, GError **error)
{
	MtStoreMode mode = open == MT_CLI_OPEN_CREATE ? MT_STORE_CREATE : MT_STORE_EXISTING;

	if (open == MT_CLI_OPEN_NONE)
		return TRUE;
	if (!mt_cli_load_config (ctx, error))
		return FALSE;
	/* Before any message is parsed: an attachment is found by the part path it was listed under. */
	mt_message_set_limits (ctx->config->max_parts, ctx->config->max_depth);
	mt_message_set_fallback_charsets ((const char *const *) ctx->config->fallback_charsets);
	if (ctx->store == NULL)
		ctx->store = mt_store_open (ctx->config->db_path, ctx->config->busy_timeout, mode, error);
	return ctx->store != NULL;
}

gboolean
mt_cli_open (MtContext *ctx, MtStoreMode mode, GError **error)
{
	MtCliOpen asked = mode == MT_STORE_CREATE ? MT_CLI_OPEN_CREATE : MT_CLI_OPEN_WRITE;

	return mt_cli_open_store (ctx, MIN (asked, ctx->open), error);
}

gboolean
mt_cli_parse (GOptionContext *octx, int *argc, char ***argv, int *code)
{
	g_autoptr (GError) error = NULL;

	if (g_option_context_parse (octx, argc, argv, &error))
		return TRUE;
	*code = mt_cli_usage ("%s", error->message);
	return FALSE;
}

gboolean
mt_cli_start (MtContext *ctx, GOptionContext *octx, int *argc, char ***argv, int *code)
{
	g_autoptr (GError) error = NULL;

	if (!mt_cli_parse (octx, argc, argv, code))
		return FALSE;
	if (mt_cli_open_store (ctx, ctx->open, &error))
		return TRUE;
	*code = mt_cli_fail (error);
	return FALSE;
}

int
mt_cli_fail (const GError *error)
{
	g_autofree char *shown = mt_printable_escape (error->message, -1, MT_PRINTABLE_LINE);

	fprintf (stderr, "mailticket: %s\n", shown);
	if (error->domain == MT_ERROR && error->code == MT_ERROR_TEMPFAIL)
		return EX_TEMPFAIL;
	return 1;
}

gboolean
mt_cli_parse_id (const char *text, const char *what, gint64 *id, GError **error)
{
	guint64 value;

	if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
		return mt_error_usage (error, "%s must be a number from 1 on: %s", what, text ? text : "(none)");
	*id = (gint64) value;
	return TRUE;
}

/* The login name of uid. Owned. */
static char *
unix_login (uid_t uid, GError **error)
{
	struct passwd *pw = getpwuid (uid);

	if (pw == NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "user id %u has no login name", (unsigned) uid);
		return NULL;
	}
	return g_strdup (pw->pw_name);
}

/* Root and the owner of the database (the account the MTA delivers as,
 * which scripts and cron jobs run as) may act for an agent. Anyone else
 * who could name another login would write history, approvals and
 * articles in that agent's name. */
static gboolean
may_name_actor (MtContext *ctx, uid_t uid, uid_t *owner)
{
	struct stat st;

	*owner = stat (ctx->config->db_path, &st) == 0 ? st.st_uid : 0;
	return uid == 0 || *owner == uid;
}

/* The login of the real user id, which the CLI acts as, unless
 * $MAILTICKET_USER names another and may. Naming oneself is harmless,
 * and agents may have it set from when anyone could. Owned. */
static char *
actor_login (MtContext *ctx, GError **error)
{
	const char *env = g_getenv ("MAILTICKET_USER");
	g_autofree char *login = unix_login (getuid (), error);
	g_autofree char *owner_login = NULL;
	uid_t owner;

	if (login == NULL || env == NULL || *env == '\0' || strcmp (env, login) == 0)
		return g_steal_pointer (&login);
	if (may_name_actor (ctx, getuid (), &owner))
		return g_strdup (env);
	if (!(owner_login = unix_login (owner, NULL)))
		owner_login = g_strdup_printf ("user id %u", (unsigned) owner);
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE,
		     "only root and the database's owner (%s) may set MAILTICKET_USER; unset it to act as %s",
		     owner_login, login);
	return NULL;
}

gboolean
mt_cli_actor (MtContext *ctx, MtActor *actor, GError **error)
{
	actor->user = 0;
	actor->email = NULL;
	if (!(actor->login = actor_login (ctx, error)) ||
	    !mt_people_user_find (ctx->store, actor->login, &actor->user, error))
		return FALSE;
	if (actor->user != 0)
		actor->email = mt_people_user_email (ctx->store, actor->user, NULL);
	return TRUE;
}

gboolean
mt_cli_agent (MtContext *ctx, MtActor *actor, GError **error)
{
	if (!mt_cli_actor (ctx, actor, error))
		return FALSE;
	if (actor->user == 0) {
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND,
			     "'%s' is no mailticket agent; an admin adds one with: mailticket user add %s --email ADDR",
			     actor->login, actor->login);
		return FALSE;
	}
	return TRUE;
}

void
mt_cli_actor_clear (MtActor *actor)
{
	g_clear_pointer (&actor->login, g_free);
	g_clear_pointer (&actor->email, g_free);
}

static char *
read_stdin (GError **error)
{
	g_autoptr (GIOChannel) in = g_io_channel_unix_new (STDIN_FILENO);
	char *text = NULL;
	gsize len = 0;

	g_io_channel_set_encoding (in, NULL, NULL);
	if (g_io_channel_read_to_end (in, &text, &len, error) != G_IO_STATUS_NORMAL)
		return NULL;
	return text;
}

/* Nothing but white space, which no reply or note is. */
static gboolean
blank (const char *text)
{
	for (const char *p = text; *p; p = g_utf8_next_char (p))
		if (!g_unichar_isspace (g_utf8_get_char (p)))
			return FALSE;
	return TRUE;
}

char *
mt_cli_text (const char *message, const char *file, GError **error)
{
	char *text = NULL;

	if ((message == NULL) == (file == NULL)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "give the text with either -m TEXT or -F FILE");
		return NULL;
	}
	if (message != NULL)
		text = g_strdup (message);
	else if (g_strcmp0 (file, "-") == 0)
		text = read_stdin (error);
	else if (!g_file_get_contents (file, &text, NULL, error))
		return NULL;
	if (text != NULL && !g_utf8_validate (text, -1, NULL)) {
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "the text is not UTF-8");
		g_clear_pointer (&text, g_free);
	} else if (text != NULL && blank (text)) {
		/* An empty reply would still go out, as a mail saying nothing. */
		g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "the text is empty");
		g_clear_pointer (&text, g_free);
	}
	return text;
}

gboolean
mt_cli_ticket_exists (MtContext *ctx, gint64 id, GError **error)
{
	gboolean found = FALSE;

	if (!mt_ticket_exists (ctx->store, id, &found, error))
		return FALSE;
	if (!found)
		g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no ticket %" G_GINT64_FORMAT, id);
	return found;
}

gboolean
mt_cli_write (MtContext *ctx, MtCliWriteFunc func, gpointer data, GError **error)
{
	if (!mt_store_begin (ctx->store, error))
		return FALSE;
	if (!func (ctx, data, error)) {
		mt_store_rollback (ctx->store);
		return FALSE;
	}
	return mt_store_commit (ctx->store, error);
}

int
mt_cli_usage (const char *format, ...)
{
	g_autoptr (GError) error = NULL;
	va_list ap;

	va_start (ap, format);
	error = g_error_new_valist (MT_ERROR, MT_ERROR_USAGE, format, ap);
	va_end (ap);
	return mt_cli_fail (error);
}

gboolean
mt_cli_parse_time (const char *text, gboolean end_of_day, gint64 *when, GError **error)
{
	g_autoptr (GTimeZone) local = g_time_zone_new_local ();
	g_autoptr (GDateTime) t = NULL;
	g_autofree char *day = NULL;

	if (strlen (text) == 10) {
		day = g_strdup_printf ("%sT00:00:00", text);
		t = g_date_time_new_from_iso8601 (day, local);
		if (t != NULL && end_of_day) {
			GDateTime *next = g_date_time_add_days (t, 1);
			g_date_time_unref (t);
			t = next;
		}
	} else {
		t = g_date_time_new_from_iso8601 (text, local);
	}
	if (t == NULL)
		return mt_error_usage (error, "not a day (YYYY-MM-DD) or ISO 8601 time: '%s'", text);
	*when = g_date_time_to_unix (t) - (day && end_of_day ? 1 : 0);
	return TRUE;
}

char *
mt_cli_printable (const char *text, gboolean lines)
{
	if (text == NULL)
		return g_strdup ("-");
	return mt_printable_escape (text, -1, lines ? MT_PRINTABLE_TEXT : MT_PRINTABLE_LINE);
}

/* The one way the CLI's text reaches standard output. */
static void
print_escaped (MtPrintable how, const char *format, va_list ap)
{
	g_autofree char *text = g_strdup_vprintf (format, ap);
	g_autoptr (GString) shown = g_string_sized_new (strlen (text) + 1);

	mt_printable_append (shown, text, -1, how);
	if (how == MT_PRINTABLE_LINE)
		g_string_append_c (shown, '\n');
	fwrite (shown->str, 1, shown->len, stdout);
}

void
mt_cli_print (const char *format, ...)
{
	va_list ap;

	va_start (ap, format);
	print_escaped (MT_PRINTABLE_TEXT, format, ap);
	va_end (ap);
}

void
mt_cli_line (const char *format, ...)
{
	va_list ap;

	va_start (ap, format);
	print_escaped (MT_PRINTABLE_LINE, format, ap);
	va_end (ap);
}

char *
mt_cli_fit (const char *text, glong width)
{
	g_autofree char *clean = mt_cli_printable (text, FALSE);
	glong len = g_utf8_strlen (clean, -1);
	GString *out;

	if (len > width) {
		g_autofree char *head = g_utf8_substring (clean, 0, MAX (width - 1, 0));
		return width > 0 ? g_strconcat (head, "…", NULL) : g_strdup ("");
	}
	out = g_string_new (clean);
	for (; len < width; len++)
		g_string_append_c (out, ' ');
	return g_string_free (out, FALSE);
}

int
mt_cli_terminal_width (void)
{
	struct winsize ws;

	if (!isatty (STDOUT_FILENO))
		return 0;
	if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

gboolean
mt_cli_write_raw (GBytes *bytes, gboolean force, GError **error)
{
	gsize len;
	const void *data = g_bytes_get_data (bytes, &len);

	if (!force && isatty (STDOUT_FILENO))
		return mt_error_usage (error,
				       "will not write raw mail to a terminal; use a pipe or a file, or --force");
	if ((len == 0 || fwrite (data, 1, len, stdout) == len) && fflush (stdout) == 0)
		return TRUE;
	return mt_error_errno (error, errno, "cannot write to standard output");
}

void
mt_cli_progress_start (MtCliProgress *p, const char *what, gboolean quiet)
{
	*p = (MtCliProgress){ what, !quiet && isatty (STDERR_FILENO), g_get_monotonic_time (), 0 };
}

/* The line for done things, count as shown, fraction of the whole done;
 * the last one (fraction 1) always. */
static void
show_progress (MtCliProgress *p, const char *count, guint done, double fraction)
{
	gint64 now = g_get_monotonic_time ();
	double seconds = (double) (now - p->started) / G_USEC_PER_SEC;
	guint left;

	if (!p->on || (fraction < 1 && now - p->shown < G_USEC_PER_SEC / 5))
		return;
	p->shown = now;
	left = fraction > 0 && fraction < 1 ? (guint) (seconds * (1 - fraction) / fraction) : 0;
	fprintf (stderr, "\r%s: %s, %.0f/s, %u:%02u left ", p->what, count, seconds > 0 ? done / seconds : 0, left / 60,
		 left % 60);
	fflush (stderr);
}

void
mt_cli_progress (MtCliProgress *p, guint done, guint total)
{
	char count[64];

	g_snprintf (count, sizeof count, "%u/%u", done, total);
	show_progress (p, count, done, total > 0 ? (double) done / total : 1);
}

void
mt_cli_progress_part (MtCliProgress *p, guint done, const char *unit, guint64 part, guint64 whole)
{
	double fraction = whole > 0 ? (double) part / (double) whole : 1;
	char count[96];

	g_snprintf (count, sizeof count, "%u %s, %.0f%%", done, unit, fraction * 100);
	show_progress (p, count, done, fraction);
}

void
mt_cli_progress_end (MtCliProgress *p)
{
	if (p->on && p->shown != 0)
		fputc ('\n', stderr);
}
