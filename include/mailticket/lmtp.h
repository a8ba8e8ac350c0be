/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	lmtp.h - LMTP (RFC 2033), the protocol of mailticket-deliver --serve
 * DESCRIPTION
 *	The delivery server takes mail as Dovecot and Cyrus do: Postfix's
 *	lmtp(8), on the server's Unix socket or over TCP from a relay, and
 *	mailticket-deliver, which pipe(8) or procmail start, on the Unix
 *	socket. One session delivers many messages; after DATA the server
 *	answers once for each recipient it accepted.
 *
 *	lmtp.c is the protocol without I/O, so that it can be tested and
 *	fuzzed alone: mt_lmtp_session_command() takes one command line and
 *	returns its reply and what the caller is to do next (read the
 *	message, hang up); MtLmtpData takes the bytes after DATA and gives
 *	the message, dot-unstuffed, with its lines ending in LF as pipe(8)
 *	gives them. lmtp-socket.c listens, accepts and connects; lmtp-client.c
 *	is mailticket-deliver's side.
 *
 *	The extension XMAILTICKET, offered on the Unix socket only, is
 *	mailticket-deliver's: MAIL FROM parameters XDB and XCONFIG (xtext:
 *	the database and config file the client would deliver into; the
 *	server declines another), XQUEUEID (the MTA's queue id, for the log)
 *	XNOW (the client's fixed clock, in seconds: tests) and XNOSENDER=YES
 *	(no -f: no envelope sender, which <> is not); RCPT TO:<> is then no
 *	envelope recipient (no -r). Such a
 *	session's message is stored as sent, and its DATA replies carry,
 *	before each recipient's reply line, a line "NNN-exit=CODE" with the
 *	sysexits code of the delivery. Any other session's message gets a
 *	Return-Path and a Delivered-To for each recipient, as pipe(8)'s
 *	flags=DR add them: so a message for two queues is two messages.
 */
#ifndef MT_LMTP_H
#define MT_LMTP_H

#include <glib.h>

/* The longest command line, CRLF included; RFC 5321 asks for 512 at least. */
#define MT_LMTP_MAX_LINE 2048
/* Recipients of one transaction; more get 452 4.5.3. */
#define MT_LMTP_MAX_RECIPIENTS 100
/* Commands that fail in one session before it is closed with 421. */
#define MT_LMTP_MAX_ERRORS 20
/* An exit code on the private line of XMAILTICKET: the server did not
 * deliver; the client is to deliver itself. */
#define MT_LMTP_DECLINED (-1)

typedef enum {
	MT_LMTP_CONTINUE, /* send the reply, read the next command */
	MT_LMTP_DATA,     /* send the reply (354), then read the message into MtLmtpData */
	MT_LMTP_CLOSE,    /* send the reply, then hang up (QUIT, too many errors) */
} MtLmtpAction;

typedef enum {
	MT_LMTP_START, /* before LHLO */
	MT_LMTP_READY, /* no transaction */
	MT_LMTP_MAIL,  /* MAIL FROM taken, no recipient yet */
	MT_LMTP_RCPT,  /* one recipient or more */
} MtLmtpState;

typedef struct {
	/* Set by the caller, before the first command. */
	const char *hostname;  /* in the greeting and the LHLO reply */
	guint64 max_size;      /* the largest message taken; the caller may change it before MAIL FROM */
	gboolean private_ok;   /* offer and take XMAILTICKET */
	MtLmtpState state;     /* what follows, the session's own */
	char *client;          /* LHLO's argument */
	char *sender;          /* MAIL FROM's path, "" for <> */
	gboolean no_sender;    /* XNOSENDER=YES: sender is none, not <> */
	guint64 size;          /* SIZE= of MAIL, or 0 */
	char *db, *config;     /* XDB, XCONFIG: decoded, or NULL */
	char *queue_id;        /* XQUEUEID, or NULL */
	gboolean fixed;        /* XNOW given ... */
	gint64 now;            /* ... this many seconds since 1970 */
	GPtrArray *recipients; /* of char *: the accepted RCPT TO paths */
	guint errors;
} MtLmtpSession;

void mt_lmtp_session_init (MtLmtpSession *session, const char *hostname, guint64 max_size, gboolean private_ok);
void mt_lmtp_session_clear (MtLmtpSession *session);
/* The greeting, owned, without CRLF: "220 HOST LMTP mailticket". */
char *mt_lmtp_greeting (const MtLmtpSession *session);
/* One command line, without its CRLF (len bytes, which need not be
 * text); returns the reply, owned, lines separated and ended by CRLF. */
char *mt_lmtp_session_command (MtLmtpSession *session, const char *line, gsize len, MtLmtpAction *action);
/* After the replies to DATA: no transaction, as after RSET. */
void mt_lmtp_session_reset (MtLmtpSession *session);
/* The reply to a command line too long: 500. */
char *mt_lmtp_session_too_long (MtLmtpSession *session, MtLmtpAction *action);

/* The message after DATA, as it comes in pieces. */
typedef struct {
	int state;
	guint64 limit;   /* bytes kept at most; the rest is counted */
	guint64 size;    /* bytes of message seen, unstuffed */
	GByteArray *out; /* the message, LF line ends; caller's */
} MtLmtpData;

void mt_lmtp_data_init (MtLmtpData *data, GByteArray *out, guint64 limit);
/* Takes bytes until the line "." ends the message: then *done, and the
 * return value is how many bytes were taken (the next command follows
 * them); else all len. */
gsize mt_lmtp_data_feed (MtLmtpData *data, const guint8 *bytes, gsize len, gboolean *done);
/* raw as DATA's lines: CRLF line ends, dot-stuffed, with the final ".". */
GByteArray *mt_lmtp_data_encode (const GByteArray *raw);

/* RFC 3461's xtext, for the values of XDB and XCONFIG; decode returns NULL for a malformed one. */
char *mt_lmtp_xtext_encode (const char *text);
char *mt_lmtp_xtext_decode (const char *xtext);

/* The LMTP reply for a delivery's exit code and its line ("4.3.0
 * reason", or a success's log line): "250 2.0.0 ...", "451 4.3.0
 * ...", "552 5.2.3 ...". One line, no CRLF; owned. */
char *mt_lmtp_reply_for (int exit_code, const char *line);

/* lmtp-socket.c */

struct sockaddr_un;
/* path as a Unix socket's address; MT_ERROR_CONFIG when too long (lmtp-client.c). */
gboolean mt_lmtp_unix_address (const char *path, struct sockaddr_un *sun, GError **error);

/* The server's Unix socket, and in *lock_fd the lock file (socket_path
 * ".lock") that keeps a second server away. Both are made in a
 * directory that keeps others out (this user's or root's, and not
 * writable by every user unless sticky: MT_ERROR_CONFIG otherwise);
 * neither is opened through a symbolic link, and what is at the
 * socket's path is replaced only when it is a socket. */
int mt_lmtp_listen_unix (const char *socket_path, int *lock_fd, GError **error);
/* A TCP listener on HOST:PORT ([::1]:24 for IPv6). */
int mt_lmtp_listen_tcp (const char *host_port, GError **error);
/* The next client, non-blocking; -1 and errno as accept(2) sets it. */
int mt_lmtp_accept (int listener);

/* Addresses and networks allowed ("192.0.2.7", "10.0.0.0/8", "2001:db8::/32"). */
typedef struct MtLmtpAllow MtLmtpAllow;
MtLmtpAllow *mt_lmtp_allow_new (const char *list, GError **error);
void mt_lmtp_allow_free (MtLmtpAllow *allow);
/* TRUE when fd's peer is a TCP address allow names; *peer says who, owned. */
gboolean mt_lmtp_allow_peer (const MtLmtpAllow *allow, int fd, char **peer);

/* lmtp-client.c: mailticket-deliver's side. */

typedef struct {
	const char *db, *config, *sender, *recipient, *queue_id;
	gboolean fixed;
	gint64 now;
} MtLmtpEnvelope;

typedef struct {
	int code;   /* the sysexits code to exit with */
	char *line; /* what the reply said: "4.3.0 ..." for stderr, or a success's log line; owned */
} MtLmtpAnswer;

/* Delivers raw through the server at socket_path. FALSE when the
 * server could not be reached, is not this user's or root's, declined,
 * broke off, or answered what is no sysexits code: the caller then
 * delivers itself. A server that committed and died before answering
 * costs nothing but time: the same bytes delivered again are a
 * duplicate. */
gboolean mt_lmtp_send (const char *socket_path, const MtLmtpEnvelope *envelope, const GByteArray *raw, int timeout_ms,
		       MtLmtpAnswer *answer, GError **error);

#endif
