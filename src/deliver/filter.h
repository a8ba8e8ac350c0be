/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	filter.h - the parts of mailticket-deliver
 * DESCRIPTION
 *	mailticket-deliver is two programs. The one the MTA starts
 *	(front.c) reads the message and hands it to the delivery server;
 *	mailticket-deliver-local (main.c), which it runs in its place for
 *	anything else, delivers in its own process or is that server
 *	(serve.c). outcome.c turns one delivery into what the MTA is told:
 *	the exit code, the line on stderr and the log line, and fail.c a
 *	failure; all go through them, so that the MTA sees the same either
 *	way.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stdio.h>

#include "mailticket/config.h"
#include "mailticket/deliver.h"
#include "mailticket/store.h"

/* The command line, the same for both programs (options.c). */
typedef struct {
	char *config;
	char *db;
	char *sender;
	char *recipient;
	char *now;
	char *queue_id;
	gboolean verbose;
	gboolean serve;
	gboolean here;
	gboolean version;
} FilterOptions;

gboolean filter_options_parse (int *argc, char ***argv, FilterOptions *o, GError **error);
/* Parses the command line and starts logging as it says; FALSE, the
 * error told and *code the exit code, when it cannot be parsed, and
 * FALSE with *code 0 once --version is answered. */
gboolean filter_start (int *argc, char ***argv, FilterOptions *o, int *code);
void filter_options_clear (FilterOptions *o);

/* Exit code for error, and logs it (fail.c). The line for stderr is written to
 * echo, or when echo is NULL left in *line (owned). */
int filter_fail (const GError *error, FILE *echo, char **line);

/* Delivers a prepared message. Returns the exit code; a failure's line
 * as filter_fail() leaves it, logged; *summary the log line of a
 * success, for the caller to log, or NULL. */
int filter_deliver (MtStore *store, const MtConfig *config, MtDeliverInput *input, const MtDeliverOptions *options,
		    FILE *echo, char **line, char **summary);

/* mailticket-deliver --serve: runs until SIGTERM; returns the exit code. */
int filter_serve (const char *config_path, const char *db);

#endif
