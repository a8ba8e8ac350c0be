/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	cli.h - what every mailticket subcommand shares
 * DESCRIPTION
 *	main.c parses the global options and dispatches to mt_cmd_<name>()
 *	in cmd-<name>.c. Its table says how each command opens the store,
 *	and common.c opens it, in one place, once the command's options are
 *	parsed: a command never picks its own mode. A command returns its
 *	exit code: 0 success, 1 a usage or not-found error (one line on
 *	stderr), 75 a temporary failure such as a busy database.
 */
#ifndef MT_CLI_H
#define MT_CLI_H

#include <glib.h>

#include "mailticket/config.h"
#include "mailticket/deliver.h"
#include "mailticket/notify.h"
#include "mailticket/store.h"
#include "mailticket/work.h"

/* How a command opens the store, from least to most. Only init and the
 * commands that can set up a new database (adding users, groups,
 * queues, organisations, contacts, rules) create one: anything else on a
 * database that is not there says so and exits 1, so that a mistyped
 * --db never leaves an empty database behind. The store has no
 * read-only mode yet: READ and WRITE both open an existing database,
 * and READ says that the command means to change nothing. */
typedef enum {
	MT_CLI_OPEN_NONE,   /* opens nothing */
	MT_CLI_OPEN_READ,   /* an existing database, to read */
	MT_CLI_OPEN_WRITE,  /* an existing database, to change */
	MT_CLI_OPEN_CREATE, /* the database, created when it is not there */
} MtCliOpen;

typedef struct {
	const char *config_path; /* -c, or NULL */
	const char *db_path;     /* --db, or NULL */
	MtCliOpen open;          /* the command table's: the most the command may do */
	MtConfig *config;        /* loaded when the store is opened */
	MtStore *store;
} MtContext;

typedef int (*MtCommandFunc) (MtContext *ctx, int argc, char **argv);

/* Parses a command's options; prints usage errors and --help itself.
 * Returns FALSE when the command should exit with *code. */
gboolean mt_cli_parse (GOptionContext *octx, int *argc, char ***argv, int *code);

/* mt_cli_parse, then loads the config and opens the store as the
 * command table says (ctx->open). Returns FALSE when the command should
 * exit with *code. What a command without verbs starts with. */
gboolean mt_cli_start (MtContext *ctx, GOptionContext *octx, int *argc, char ***argv, int *code);

/* Loads the config once, and tells its warnings on stderr. */
gboolean mt_cli_load_config (MtContext *ctx, GError **error);

/* Opens the store for a command that neither starts with mt_cli_start
 * nor runs a verb table (rule, whose verbs parse options of their own):
 * as mode asks, but never more than the command table allows. */
gboolean mt_cli_open (MtContext *ctx, MtStoreMode mode, GError **error);
/* The one place where the CLI opens the store: the config, then the
 * database as open says (the verb tables' way, verbs.c). */
gboolean mt_cli_open_store (MtContext *ctx, MtCliOpen open, GError **error);

/* The words of a command line that a verb table matched. */
typedef struct {
	const char *verb; /* the table's; NULL for a form without one */
	gint64 ticket;    /* the ticket number before the verb; 0 when none was given */
	char **args;      /* the words after the verb (or the ticket), NULL-terminated */
} MtCliArgs;

typedef int (*MtCliVerbFunc) (MtContext *ctx, const MtCliArgs *args, gpointer options);

/* One form of a command with verbs. usage is the form as the usage
 * line shows it, and the shape the words must have:
 *	ID, [ID]	first: a ticket number, or an optional one
 *	list, [list]	the verb (the first word in lower case), or the
 *			verb that may be left out: the form when none is given
 *	add|rm		after the verb: one of these words
 *	NAME, [NAME]	a word, or an optional one
 *	WHO...		one word or more ([WHO...]: any number)
 *	--at TIME, [--json] and the like: options, left to GOption
 * A form without a verb ("ID MINUTES") has verb NULL. */
typedef struct {
	const char *verb;
	MtCliVerbFunc func;
	MtCliOpen open; /* never more than the command table's */
	const char *usage;
} MtCliVerb;

/* Runs the first form of verbs (ended by one with func NULL) that the
 * words after the command (argv[1]...) fit, once their options are
 * parsed: the ticket number read, the store opened as the form says.
 * Words that fit no form are a usage error that shows them all. */
int mt_cli_run_verb (MtContext *ctx, const MtCliVerb *verbs, char **argv, gpointer options);

/* A command made of verbs: its forms and what --help says of it. */
typedef struct {
	const char *summary;     /* after the usage line */
	const char *description; /* below the options; NULL for none */
	const MtCliVerb *verbs;
} MtCliVerbs;

/* The whole of a command with verbs: parses the options of argv into
 * what entries point at (entries may be NULL), then runs the form that
 * fits, as mt_cli_run_verb does, with options. */
int mt_cli_run_verbs (MtContext *ctx, int argc, char **argv, const MtCliVerbs *command, const GOptionEntry *entries,
		      gpointer options);

/* Reports error on stderr as one line; returns the exit code for it.
 * Every error of the CLI ends here, usage errors included: those are
 * MT_ERROR_USAGE (exit 1), made by the code that finds them or by
 * mt_cli_usage. */
int mt_cli_fail (const GError *error);

/* Who runs the command: the login of the real user id. Root and the
 * owner of the database file (the MTA's account) may name another login
 * in $MAILTICKET_USER; anyone else setting it to another login gets an
 * error. user is 0 and email NULL when that login is no mailticket
 * user. Call after mt_cli_open. */
typedef struct {
	char *login;
	gint64 user;
	char *email;
} MtActor;

gboolean mt_cli_actor (MtContext *ctx, MtActor *actor, GError **error);
/* mt_cli_actor for a command that writes on a ticket: an error unless
 * the actor is an agent, so that history, approvals, time and articles
 * always name one. */
gboolean mt_cli_agent (MtContext *ctx, MtActor *actor, GError **error);
void mt_cli_actor_clear (MtActor *actor);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MtActor, mt_cli_actor_clear)

/* The text of -m TEXT or -F FILE ("-": standard input); exactly one.
 * A text of nothing but white space is an error. */
char *mt_cli_text (const char *message, const char *file, GError **error);

/* The ticket numbers that lead args (set 1 2 3 status=closed); *rest
 * the first word after them. An owned array of gint64, or NULL and a
 * usage error when args does not start with one. */
GArray *mt_cli_ticket_list (char **args, char ***rest, GError **error);

/* What set writes on a ticket (cmd-set.c): FIELD=VALUE assignments
 * (change.h), by actor, then the status and owner mails as set sends
 * them; note is the words to the requester (-m). In the caller's
 * transaction. */
typedef struct {
	char *const *assignments;
	const MtActor *actor;
	const char *note;
	MtNotifyMode mode;
} MtCliSet;

gboolean mt_cli_set (MtContext *ctx, const MtCliSet *set, gint64 ticket, GError **error);

/* MT_ERROR_NOT_FOUND unless ticket id exists. */
gboolean mt_cli_ticket_exists (MtContext *ctx, gint64 id, GError **error);

/* Runs func in one write transaction: all of it is committed or none. */
typedef gboolean (*MtCliWriteFunc) (MtContext *ctx, gpointer data, GError **error);
gboolean mt_cli_write (MtContext *ctx, MtCliWriteFunc func, gpointer data, GError **error);

/* A day YYYY-MM-DD in local time (its start, or with end_of_day its
 * last second) or an ISO 8601 time, as seconds since the epoch. */
gboolean mt_cli_parse_time (const char *text, gboolean end_of_day, gint64 *when, GError **error);

/* Reports a usage error (MT_ERROR_USAGE through mt_cli_fail): one line,
 * exit 1. */
int mt_cli_usage (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Parses a positive ticket or article number, or reports a usage error. */
gboolean mt_cli_parse_id (const char *text, const char *what, gint64 *id, GError **error);

/* A line on stderr that says how far a long command is, rewritten in
 * place: "WHAT: DONE/TOTAL, RATE/s, M:SS left" (RATE: of DONE). Only on a terminal, and
 * not when quiet; at most five times a second. */
typedef struct {
	const char *what;
	gboolean on;
	gint64 started, shown; /* monotonic µs */
} MtCliProgress;

void mt_cli_progress_start (MtCliProgress *p, const char *what, gboolean quiet);
void mt_cli_progress (MtCliProgress *p, guint done, guint total);
/* For work whose count is not known ahead, only its size: "WHAT: DONE
 * UNIT, P%, RATE/s, M:SS left", the time left from part of whole. */
void mt_cli_progress_part (MtCliProgress *p, guint done, const char *unit, guint64 part, guint64 whole);
/* Ends the line, if one was written. */
void mt_cli_progress_end (MtCliProgress *p);

/* time report --xlsx FILE (time-xlsx.c): the entries that filter
 * selects, and their totals, as a workbook at path. */
gboolean mt_cli_time_xlsx (MtContext *ctx, const MtTimeFilter *filter, const char *path, GError **error);

/* Human output, tables and pages, whether on a terminal, a pipe or a
 * file: every control character but newline and tab, from the mail or
 * not, shown as \xHH (printable.h); JSON and raw mail do not come this
 * way. mt_cli_print writes the text formatted; mt_cli_line one line
 * (its newlines and tabs shown as spaces), and a newline after it. */
void mt_cli_print (const char *format, ...) G_GNUC_PRINTF (1, 2);
void mt_cli_line (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* text shown as mt_cli_print shows it: with lines, newlines and tabs
 * are kept, without, they are spaces. NULL gives "-". Owned. */
char *mt_cli_printable (const char *text, gboolean lines);

/* text in exactly width characters: cut with an ellipsis, or padded
 * with spaces; printable as above. Owned. */
char *mt_cli_fit (const char *text, glong width);

/* The width of the terminal on standard output, or 0 when standard
 * output is no terminal. */
int mt_cli_terminal_width (void);

/* Writes bytes (a stored message, an attachment) exactly as they are
 * to standard output. A terminal is refused (MT_ERROR_USAGE) unless
 * force: the bytes may hold escape sequences. FALSE and error when it
 * cannot write. */
gboolean mt_cli_write_raw (GBytes *bytes, gboolean force, GError **error);

/* What a dry-run delivery would do (action, ticket, via, reason), as
 * mailticket explain prints it. */
void mt_cli_print_delivery (const MtDeliverResult *result);

int mt_cmd_init (MtContext *ctx, int argc, char **argv);
int mt_cmd_list (MtContext *ctx, int argc, char **argv);
int mt_cmd_split (MtContext *ctx, int argc, char **argv);
int mt_cmd_unmerge (MtContext *ctx, int argc, char **argv);
int mt_cmd_show (MtContext *ctx, int argc, char **argv);
int mt_cmd_attachment (MtContext *ctx, int argc, char **argv);
int mt_cmd_search (MtContext *ctx, int argc, char **argv);
int mt_cmd_db (MtContext *ctx, int argc, char **argv);
int mt_cmd_explain (MtContext *ctx, int argc, char **argv);
int mt_cmd_import (MtContext *ctx, int argc, char **argv);
int mt_cmd_token (MtContext *ctx, int argc, char **argv);
int mt_cmd_quarantine (MtContext *ctx, int argc, char **argv);
int mt_cmd_reply (MtContext *ctx, int argc, char **argv);
int mt_cmd_note (MtContext *ctx, int argc, char **argv);
int mt_cmd_new (MtContext *ctx, int argc, char **argv);
int mt_cmd_watch (MtContext *ctx, int argc, char **argv);
int mt_cmd_user (MtContext *ctx, int argc, char **argv);
int mt_cmd_group (MtContext *ctx, int argc, char **argv);
int mt_cmd_set (MtContext *ctx, int argc, char **argv);
int mt_cmd_tag (MtContext *ctx, int argc, char **argv);
int mt_cmd_link (MtContext *ctx, int argc, char **argv);
int mt_cmd_merge (MtContext *ctx, int argc, char **argv);
int mt_cmd_task (MtContext *ctx, int argc, char **argv);
int mt_cmd_time (MtContext *ctx, int argc, char **argv);
int mt_cmd_approval (MtContext *ctx, int argc, char **argv);
int mt_cmd_stats (MtContext *ctx, int argc, char **argv);
int mt_cmd_queue (MtContext *ctx, int argc, char **argv);
int mt_cmd_outbox (MtContext *ctx, int argc, char **argv);
int mt_cmd_rule (MtContext *ctx, int argc, char **argv);
int mt_cmd_contact (MtContext *ctx, int argc, char **argv);
int mt_cmd_org (MtContext *ctx, int argc, char **argv);
int mt_cmd_alarm (MtContext *ctx, int argc, char **argv);
int mt_cmd_template (MtContext *ctx, int argc, char **argv);
int mt_cmd_config (MtContext *ctx, int argc, char **argv);

/* editor.c: TRUE when the text is to come from an editor: neither -m
 * nor -F, on a terminal. */
gboolean mt_cli_wants_editor (const char *message, const char *file);
/* Opens the editor on initial and the comment lines of help; the text
 * without comment lines, owned; MT_ERROR_USAGE when it is empty or
 * unchanged. */
char *mt_cli_edit (const char *initial, const char *help, GError **error);
/* The last mail from the customer side of ticket, quoted as a reply
 * quotes it (mt_notify_quote_last()); "" when none. */
char *mt_cli_quote_last (MtContext *ctx, gint64 ticket, GError **error);
/* Sends what is written to stdout through $PAGER (else less -FRX) when
 * stdout is a terminal, until the program exits. */
void mt_cli_pager_start (void);
int mt_cmd_ticket (MtContext *ctx, int argc, char **argv);

#endif
