/*
 * NAME
 *	cli.h - what every mailticket subcommand shares
 * DESCRIPTION
 *	main.c parses the global options and dispatches to mt_cmd_<name>()
 *	in cmd-<name>.c. A command returns its exit code: 0 success, 1 a
 *	usage or not-found error (one line on stderr), 75 a temporary
 *	failure such as a busy database.
 */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <glib.h>

#include "mailticket/config.h"
#include "mailticket/store.h"

typedef struct {
	const char *config_path;	/* -c, or NULL */
	const char *db_path;		/* --db, or NULL */
	MtConfig *config;		/* loaded by mt_cli_open */
	MtStore *store;
} MtContext;

typedef int (*MtCommandFunc) (MtContext *ctx, int argc, char **argv);

/* Loads the config and opens the database; mode says whether to create it. */
gboolean mt_cli_open (MtContext *ctx, MtStoreMode mode, GError **error);

/* Parses a command's options; prints usage errors and --help itself.
 * Returns FALSE when the command should exit with *code. */
gboolean mt_cli_parse (GOptionContext *octx, int *argc, char ***argv, int *code);

/* Reports error on stderr as one line; returns the exit code for it. */
int mt_cli_fail (const GError *error);

/* Parses a positive ticket or article number, or reports a usage error. */
gboolean mt_cli_parse_id (const char *text, const char *what, gint64 *id, GError **error);

int mt_cmd_init (MtContext *ctx, int argc, char **argv);
int mt_cmd_list (MtContext *ctx, int argc, char **argv);
int mt_cmd_show (MtContext *ctx, int argc, char **argv);
int mt_cmd_explain (MtContext *ctx, int argc, char **argv);
int mt_cmd_token (MtContext *ctx, int argc, char **argv);
int mt_cmd_quarantine (MtContext *ctx, int argc, char **argv);
int mt_cmd_outbox (MtContext *ctx, int argc, char **argv);

#endif
