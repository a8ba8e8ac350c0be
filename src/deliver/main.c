/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket-deliver-local - file one message into its ticket in this process
 * SYNOPSIS
 *	mailticket-deliver-local [-v] [-c file] [--db path] [-f sender] [-r recipient] [--now time]
 *	mailticket-deliver-local --serve [-v] [-c file] [--db path]
 * DESCRIPTION
 *	What mailticket-deliver (front.c) runs in its place when it does
 *	not hand the message to the delivery server: reads one message on
 *	stdin and delivers it here, its exit code and line on stderr from
 *	outcome.c. With --serve it is that server (serve.c).
 *
 *	It takes the options of mailticket-deliver, --no-server included,
 *	and never hands a message over itself.
 */
#include <stdio.h>
#include <unistd.h>

#include "filter.h"
#include "mailticket/error.h"
#include "mailticket/log.h"
#include "mailticket/message.h"

static int
deliver (const FilterOptions *o, const MtConfig *config)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (MtStore) store = NULL;
	g_autofree char *log_line = NULL;
	MtDeliverOptions options = { o->sender, o->recipient, FALSE };
	MtDeliverInput input;
	int code;

	if (!mt_deliver_read (STDIN_FILENO, config->max_message_size, &raw, &error))
		return filter_fail (error, stderr, &line);
	mt_message_set_limits (config->max_parts, config->max_depth);
	mt_message_set_fallback_charsets ((const char *const *) config->fallback_charsets);
	if (!(store = mt_store_open (config->db_path, config->busy_timeout, MT_STORE_EXISTING, &error)))
		return filter_fail (error, stderr, &line);
	mt_deliver_prepare (&input, raw, config->max_message_size);
	code = filter_deliver (store, config, &input, &options, stderr, &line, &log_line);
	if (log_line != NULL)
		g_message ("%s", log_line);
	mt_deliver_input_clear (&input);
	return code;
}

static int
run (const FilterOptions *o)
{
	g_autoptr (GError) error = NULL;
	g_autofree char *line = NULL;
	g_autoptr (MtConfig) config = mt_config_load (o->config, o->db, &error);
	int code;

	if (config == NULL)
		return filter_fail (error, stderr, &line);
	code = deliver (o, config);
	/* After the answer to the MTA, whose first line pipe(8) reads; never a reason to defer. */
	mt_log_tell_config (config->warnings);
	return code;
}

int
main (int argc, char **argv)
{
	FilterOptions o = { 0 };
	int code;

	if (filter_start (&argc, &argv, &o, &code))
		code = o.serve ? filter_serve (o.config, o.db) : run (&o);
	filter_options_clear (&o);
	return code;
}
