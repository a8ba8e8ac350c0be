/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	commands.h - an agent's commands at the top of a mail
 * DESCRIPTION
 *	An agent answering by mail can change the ticket with command lines
 *	before the text:
 *
 *	    #status resolved
 *	    #owner alice            (or none)
 *	    #priority 7
 *	    #tag +vpn -old          (a word without + or - is added)
 *	    #time 30                (minutes; also 1h30, 2h, 45m; words after
 *	                             the time are the entry's note)
 *	    #note                   (the article is internal: the requester
 *	                             is not told)
 *
 *	Blank lines before and between them are skipped; the first other
 *	line ends them, and a line starting with '#' whose word is none of
 *	these is text. Command names are compared without case.
 *
 *	mt_commands_parse() is pure: it knows nothing of tickets or of who
 *	sent the mail. mt_commands_apply() does what the commands say through
 *	the change and work modules. Whether a mail's commands are taken at
 *	all (a known agent, a verified token) is the caller's decision.
 */
#ifndef MT_COMMANDS_H
#define MT_COMMANDS_H

#include <glib.h>
#include "mailticket/store.h"

typedef enum {
	MT_COMMAND_STATUS,
	MT_COMMAND_OWNER,
	MT_COMMAND_PRIORITY,
	MT_COMMAND_TAG,
	MT_COMMAND_TIME,
	MT_COMMAND_NOTE,
} MtCommandKind;

typedef struct {
	MtCommandKind kind;
	char *line;     /* the line as written, trimmed, for notes and the log */
	char *value;    /* status, owner, priority or tag as written; NULL for note */
	gboolean add;   /* tag: + (or no sign) adds, - removes */
	gint64 minutes; /* time */
	char *invalid;  /* why the line cannot be done, or NULL */
} MtCommand;

typedef struct {
	GPtrArray *commands; /* MtCommand, in the order written; one per tag word */
	char *rest;          /* the text after the command lines */
	gboolean internal;   /* a #note line was there */
} MtCommands;

/* The leading commands of text and the text without them; NULL when
 * text does not begin with a command. Owned. */
MtCommands *mt_commands_parse (const char *text);
void mt_commands_free (MtCommands *commands);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtCommands, mt_commands_free)

/* "30", "1h30", "1h", "45m", "1h30m" as minutes; FALSE for anything
 * else, or more than 31 days. */
gboolean mt_commands_parse_minutes (const char *text, gint64 *minutes);

typedef struct {
	const char *login; /* the agent: history names them */
	gint64 ticket;
	gint64 now;
} MtCommandContext;

/* Applies each valid command to ticket. A command that cannot be done
 * (a bad status, an unknown owner, a priority of 12, an invalid line)
 * is refused and the others are still done: its line and the reason go
 * to *refused (one line each, owned, NULL when none) and to the ticket's
 * history as "command-refused". FALSE only on an error of the store,
 * which the caller must roll back. */
gboolean mt_commands_apply (MtStore *store, const MtCommandContext *context, const MtCommands *commands, char **refused,
			    GError **error);

#endif
