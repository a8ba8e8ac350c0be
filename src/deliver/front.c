/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket-deliver - file one message from the MTA into its ticket
 * SYNOPSIS
 *	mailticket-deliver [-v] [-c file] [--db path] [-f sender] [-r recipient] [--now time]
 *	mailticket-deliver --serve [-v] [-c file] [--db path]
 * DESCRIPTION
 *	Reads one message on stdin. When the config names a [deliver]
 *	socket and a server listens there, the server delivers it, over
 *	LMTP (lmtp.h, mt_lmtp_send()), and this process exits with its
 *	answer.
 *
 *	Everything else is done by mailticket-deliver-local, in
 *	MT_LIBEXECDIR (make install puts it there; /usr/lib/mailticket in
 *	the Debian package), or beside this program when it is there, as
 *	in the build tree; this process runs it in its place with the same
 *	arguments: with no socket in the config or with --no-server at once,
 *	stdin unread; when no server answered, with --no-server first and
 *	the message on stdin again, from memory; and --serve.
 *
 *	This program links neither GMime nor SQLite nor GObject, whose
 *	type system alone took two fifths of the instructions of a process
 *	that only hands a message over, and SQLite's 1,700 relocations a
 *	tenth of its CPU time: the MTA waits for its start-up once per
 *	message. For the same reason make STATIC=1 links it wholly static,
 *	libc included (Makefile): binding libc's symbols was a seventh.
 * DIAGNOSTICS
 *	Those of mailticket-deliver-local (fail.c); 75 with a 4.3.0 line
 *	when that program cannot be run.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "filter.h"
#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/lmtp.h"
#include "mailticket/log.h"

#define LOCAL "mailticket-deliver-local"
/* How long a client waits for the server beyond the database's own lock wait. */
#define SERVER_GRACE_MS 30000

/* TRUE when the server delivered raw (or refused it): its line is on stderr, *code its exit code. */
static gboolean
hand_over (const FilterOptions *o, const MtConfig *config, const GByteArray *raw, int *code)
{
	g_autofree char *db = g_canonicalize_filename (config->db_path, NULL);
	g_autofree char *file = config->file ? g_canonicalize_filename (config->file, NULL) : NULL;
	MtLmtpEnvelope envelope = { db, file, o->sender, o->recipient, o->queue_id };
	MtLmtpAnswer answer;
	g_autoptr (GError) error = NULL;

	envelope.fixed = mt_clock_fixed (&envelope.now);
	if (!mt_lmtp_send (config->deliver_socket, &envelope, raw, config->busy_timeout + SERVER_GRACE_MS, &answer,
			   &error)) {
		g_message ("delivering in this process: %s", error->message);
		return FALSE;
	}
	if (answer.code == 0)
		g_debug ("by the server: %s", answer.line);
	else
		fprintf (stderr, "%s\n", answer.line);
	*code = answer.code;
	g_free (answer.line);
	return TRUE;
}

/* raw, read already, as stdin again: a file in memory. */
static gboolean
stdin_from (const GByteArray *raw, GError **error)
{
	int fd = memfd_create ("message", 0);
	gboolean ok = fd >= 0;

	for (gsize done = 0; ok && done < raw->len;) {
		ssize_t n = write (fd, raw->data + done, raw->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		ok = n >= 0;
		done += ok ? (gsize) n : 0;
	}
	ok = ok && lseek (fd, 0, SEEK_SET) == 0 && dup2 (fd, STDIN_FILENO) >= 0;
	if (!ok)
		mt_error_errno (error, errno, "keeping the message in memory");
	if (fd >= 0)
		close (fd);
	return ok;
}

/* mailticket-deliver-local's path: beside this program when it is
 * there (the build tree, where the one installed would be another
 * build's), else where make install puts it. Owned. */
static char *
local_path (void)
{
	g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
	g_autofree char *dir = self ? g_path_get_dirname (self) : NULL;
	g_autofree char *beside = dir ? g_build_filename (dir, LOCAL, NULL) : NULL;

	if (beside != NULL && g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
		return g_steal_pointer (&beside);
	return g_build_filename (MT_LIBEXECDIR, LOCAL, NULL);
}

/* Runs mailticket-deliver-local in this process's place, with args and,
 * unless NULL, raw on stdin; returns only when it cannot. */
static int
run_local (GStrv args, const GByteArray *raw)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autofree char *local = local_path ();

	if (raw == NULL || stdin_from (raw, &error)) {
		g_free (args[0]);
		args[0] = g_strdup (local);
		execv (local, args);
		mt_error_errno (&error, errno, local);
	}
	g_prefix_error (&error, "cannot run " LOCAL ": ");
	return filter_fail (error, stderr, &line);
}

static int
run (const FilterOptions *o, GStrv args)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (GStrvBuilder) here = NULL;
	g_auto (GStrv) here_args = NULL;
	int code;

	if (o->serve || o->here)
		return run_local (args, NULL);
	if (!(config = mt_config_load (o->config, o->db, &error)))
		return filter_fail (error, stderr, &line);
	if (config->deliver_socket == NULL)
		return run_local (args, NULL);
	if (!mt_deliver_read (STDIN_FILENO, config->max_message_size, &raw, &error))
		return filter_fail (error, stderr, &line);
	if (hand_over (o, config, raw, &code)) {
		/* Else mailticket-deliver-local tells them, having read the config again. */
		mt_log_tell_config (config->warnings);
		return code;
	}
	here = g_strv_builder_new ();
	g_strv_builder_add (here, args[0]);
	g_strv_builder_add (here, "--no-server");
	g_strv_builder_addv (here, (const char **) args + 1);
	here_args = g_strv_builder_end (here);
	return run_local (here_args, raw);
}

int
main (int argc, char **argv)
{
	FilterOptions o = { 0 };
	g_auto (GStrv) args = g_strdupv (argv);
	int code;

	if (filter_start (&argc, &argv, &o, &code))
		code = run (&o, args);
	filter_options_clear (&o);
	return code;
}
