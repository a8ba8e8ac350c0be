/*
 * NAME
 *	filter.h - the parts of mailticket-deliver
 * DESCRIPTION
 *	outcome.c turns one delivery into what the MTA is told: the exit
 *	code, the line on stderr and the log line. The process the MTA
 *	starts (main.c) and the server it may hand the message to (serve.c)
 *	both go through it, so that the MTA sees the same either way.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stdio.h>

#include "mailticket/config.h"
#include "mailticket/deliver.h"
#include "mailticket/store.h"

/* Exit code for error, and logs it. The line for stderr is written to
 * echo, or when echo is NULL left in *line (owned). */
int filter_fail (const GError *error, FILE *echo, char **line);

/* Delivers a prepared message and logs the result. Returns the exit
 * code; a failure's line as filter_fail() leaves it; *summary the log
 * line, or NULL. */
int filter_deliver (MtStore *store, const MtConfig *config, MtDeliverInput *input, const MtDeliverOptions *options,
		    FILE *echo, char **line, char **summary);

/* mailticket-deliver --serve: runs until SIGTERM; returns the exit code. */
int filter_serve (const char *config_path, const char *db);

#endif
