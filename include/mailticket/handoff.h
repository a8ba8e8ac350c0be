/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	handoff.h - hand a message to a running mailticket-deliver --serve
 * DESCRIPTION
 *	The MTA starts mailticket-deliver once per message. Most of what
 *	such a process costs is start-up: reading the database schema,
 *	compiling statements, rebuilding SQLite's WAL index, faulting in a
 *	page cache. A server started once (mailticket-deliver --serve)
 *	keeps all of that, and the process the MTA starts only reads the
 *	message and passes it over a Unix socket.
 *
 *	The protocol is one request and one reply per connection: a
 *	4-byte big-endian length, a GVariant header, then the raw message
 *	(request) or nothing (reply). The server answers only after the
 *	delivery committed or failed, so the exit code the client passes
 *	on to the MTA means what it means without a server.
 *
 *	mt_handoff_send() returns FALSE when the server could not be
 *	reached, declined (another database or config file), did not
 *	answer in full, or answered an exit code that is neither 0 nor a
 *	sysexits code: the caller then delivers in its own process. A
 *	server that committed and died before answering costs nothing but
 *	time, because the same bytes delivered again are a duplicate.
 */
#ifndef MT_HANDOFF_H
#define MT_HANDOFF_H

#include <glib.h>

/* What the client means by its delivery; strings may be NULL. */
typedef struct {
	char *db;        /* the database, as the client's config resolved it */
	char *config;    /* the config file read, or NULL: built-in defaults */
	char *sender;    /* envelope sender, or NULL when -f was not given */
	char *recipient; /* envelope recipient, or NULL */
	gboolean fixed;  /* the client's clock is fixed (--now, tests) ... */
	gint64 now;      /* ... at this time */
	guint64 size;    /* bytes of message that follow */
} MtHandoffRequest;

/* The server's answer: what the client exits with and prints. */
typedef struct {
	int code;      /* sysexits code for the MTA, or MT_HANDOFF_DECLINED */
	char *line;    /* for stderr ("4.3.0 ..."), or "" */
	char *summary; /* the delivery's log line, or "" */
} MtHandoffReply;

#define MT_HANDOFF_DECLINED (-1)

void mt_handoff_request_clear (MtHandoffRequest *request);
void mt_handoff_reply_clear (MtHandoffReply *reply);

gboolean mt_handoff_send (const char *socket_path, const MtHandoffRequest *request, const GByteArray *raw,
			  int timeout_ms, MtHandoffReply *reply, GError **error);

int mt_handoff_listen (const char *socket_path, int *lock_fd, GError **error);
int mt_handoff_accept (int listener, int timeout_ms);

gboolean mt_handoff_read_request (int fd, guint64 limit, MtHandoffRequest *request, GByteArray **raw, GError **error);

gboolean mt_handoff_write_reply (int fd, const MtHandoffReply *reply, GError **error);

#endif
