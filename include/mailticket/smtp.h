/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	smtp.h - hand messages to an SMTP server, with libesmtp
 * DESCRIPTION
 *	mt_smtp_send() opens one session to the server and offers it every
 *	message of a batch, each with its own envelope, and says for each
 *	recipient what the server answered: sent (2xx), failed (5xx), or
 *	deferred (4xx, no answer, the connection lost).
 *
 *	The bytes of a message go out as they are. libesmtp rewrites the
 *	header of some messages (it adds a missing Date, From or
 *	Message-ID, drops Return-Path and Original-Recipient, and drops a
 *	second From, To, Cc ...); mt_smtp_check() finds those messages so
 *	that they are never sent altered.
 *
 *	Only mailticket-send links this module, and with it libesmtp.
 */
#ifndef MT_SMTP_H
#define MT_SMTP_H

#include <glib.h>

#include "mailticket/config.h"

typedef enum {
	MT_SMTP_DEFERRED, /* try again later */
	MT_SMTP_SENT,     /* the server took it */
	MT_SMTP_FAILED,   /* the server refused it for good */
} MtSmtpOutcome;

typedef struct {
	char *address;
	MtSmtpOutcome outcome;
	char *reply; /* "250 2.0.0 Ok", or why there is none */
} MtSmtpRecipient;

typedef struct {
	char *envelope_from;   /* "" for the null sender */
	GBytes *raw;           /* the message, CRLF line ends */
	GPtrArray *recipients; /* MtSmtpRecipient, filled by mt_smtp_send */
	gpointer data;         /* the caller's */
} MtSmtpMessage;

/* A message to the addresses (char *), all deferred until sent. */
MtSmtpMessage *mt_smtp_message_new (const char *envelope_from, GBytes *raw, GPtrArray *addresses, gpointer data);
void mt_smtp_message_free (MtSmtpMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtSmtpMessage, mt_smtp_message_free)

typedef struct {
	const char *host;
	int port;
	MtStarttls starttls;
	const char *helo;
	const char *user; /* NULL: no AUTH */
	const char *password;
} MtSmtpServer;

/* Called once for every message, as soon as its outcome is known. */
typedef void (*MtSmtpDoneFunc) (MtSmtpMessage *message, gpointer data);

/* Sends messages (MtSmtpMessage) over one session. When the server
 * could not be reached or took none of them, every message is deferred
 * with the reason and MT_ERROR_TEMPFAIL says why. */
gboolean mt_smtp_send (const MtSmtpServer *server, GPtrArray *messages, MtSmtpDoneFunc done, gpointer data,
		       GError **error);

/* MT_ERROR_DATA when libesmtp would not send raw byte for byte. */
gboolean mt_smtp_check (GBytes *raw, GError **error);

#endif
