/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	smtp.c - hand messages to an SMTP server, with libesmtp
 * DESCRIPTION
 *	One libesmtp session per batch. libesmtp reads each message through
 *	a callback that gives it the stored bytes in one piece; it does the
 *	dot-stuffing, PIPELINING, STARTTLS and AUTH. Its event callback
 *	tells us when a message is finished, so that the caller records it
 *	while the session goes on with the next one; whatever the session
 *	never finished is reported when it ends.
 *
 *	Which reply decides a recipient's fate: MAIL FROM, else its RCPT
 *	TO, else the reply after DATA. A 530 (authentication required) is
 *	our configuration, not the message, and so is deferred, like every
 *	4xx and every reply that never came.
 *
 *	The protocol monitor keeps the last line the server said, never
 *	what we said (AUTH carries the password), to explain a session that
 *	ended early.
 *
 *	STARTTLS stops at TLS 1.2. A TLS 1.3 server sends session tickets
 *	after the handshake; when they arrive before libesmtp (1.1.0) has
 *	flushed its EHLO, it takes them for the EHLO reply and waits for
 *	one without ever sending the EHLO, until its 5-minute timeout. TLS
 *	1.2 has no such records. The certificate is checked against the
 *	system's trusted certificates, and its name by libesmtp.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* <openssl/ssl.h> first: libesmtp.h declares smtp_starttls_set_ctx()
 * only then. */
#include <openssl/ssl.h>
#include <auth-client.h>
#include <libesmtp.h>

#include "mailticket/error.h"
#include "mailticket/smtp.h"

typedef struct {
	MtSmtpMessage *message;
	smtp_message_t handle;
	smtp_recipient_t *recipients; /* in the order of message->recipients */
	gboolean reported;
} Entry;

typedef struct {
	const MtSmtpServer *server;
	Entry *entries;
	guint n_entries;
	MtSmtpDoneFunc done;
	gpointer data;
	char *failure;     /* why the session stopped, when we know */
	char *last_line;   /* the server's last reply line */
	gboolean answered; /* the server answered a MAIL FROM */
} Session;

static void
recipient_free (MtSmtpRecipient *r)
{
	g_free (r->address);
	g_free (r->reply);
	g_free (r);
}

MtSmtpMessage *
mt_smtp_message_new (const char *envelope_from, GBytes *raw, GPtrArray *addresses, gpointer data)
{
	MtSmtpMessage *m = g_new0 (MtSmtpMessage, 1);

	m->envelope_from = g_strdup (envelope_from ? envelope_from : "");
	m->raw = g_bytes_ref (raw);
	m->recipients = g_ptr_array_new_with_free_func ((GDestroyNotify) recipient_free);
	m->data = data;
	for (guint i = 0; i < addresses->len; i++) {
		MtSmtpRecipient *r = g_new0 (MtSmtpRecipient, 1);

		r->address = g_strdup (g_ptr_array_index (addresses, i));
		r->outcome = MT_SMTP_DEFERRED;
		g_ptr_array_add (m->recipients, r);
	}
	return m;
}

void
mt_smtp_message_free (MtSmtpMessage *m)
{
	if (m == NULL)
		return;
	g_free (m->envelope_from);
	g_bytes_unref (m->raw);
	g_ptr_array_unref (m->recipients);
	g_free (m);
}

/* "550 5.1.1 text" on one line. */
static char *
format_reply (const smtp_status_t *status)
{
	g_autofree char *text = g_strdup (status->text ? status->text : "");

	g_strdelimit (text, "\r\n\t", ' ');
	g_strstrip (text);
	if (status->enh_class > 0)
		return g_strdup_printf ("%d %d.%d.%d %s", status->code, status->enh_class, status->enh_subject,
					status->enh_detail, text);
	return g_strdup_printf ("%d %s", status->code, text);
}

static const char *
session_failure (Session *s)
{
	if (s->failure != NULL)
		return s->failure;
	if (s->last_line != NULL)
		return s->last_line;
	return "the connection was lost";
}

static const smtp_status_t *
deciding_status (smtp_message_t message, smtp_recipient_t recipient)
{
	const smtp_status_t *status = smtp_reverse_path_status (message);

	if (status->code / 100 == 2)
		status = smtp_recipient_status (recipient);
	if (status->code / 100 == 2)
		status = smtp_message_transfer_status (message);
	return status;
}

static void
judge (Session *s, MtSmtpRecipient *r, const smtp_status_t *status)
{
	g_free (r->reply);
	if (status->code == 0) {
		r->outcome = MT_SMTP_DEFERRED;
		r->reply = g_strdup_printf ("no answer: %s", session_failure (s));
		return;
	}
	r->reply = format_reply (status);
	if (status->code / 100 == 2)
		r->outcome = MT_SMTP_SENT;
	else if (status->code / 100 == 5 && status->code != 530)
		r->outcome = MT_SMTP_FAILED;
	else
		r->outcome = MT_SMTP_DEFERRED;
}

/* A message's outcome, from what the server said in the session. */
static void
report (Session *s, Entry *e)
{
	if (e->reported)
		return;
	e->reported = TRUE;
	for (guint i = 0; i < e->message->recipients->len; i++)
		judge (s, g_ptr_array_index (e->message->recipients, i), deciding_status (e->handle, e->recipients[i]));
	s->done (e->message, s->data);
}

/* Every message not reported yet, when the session failed: deferred
 * with reason. */
static void
defer_rest (Session *s, const char *reason)
{
	for (guint i = 0; i < s->n_entries; i++) {
		Entry *e = &s->entries[i];

		if (e->reported)
			continue;
		for (guint j = 0; j < e->message->recipients->len; j++) {
			MtSmtpRecipient *r = g_ptr_array_index (e->message->recipients, j);

			g_free (r->reply);
			r->outcome = MT_SMTP_DEFERRED;
			r->reply = g_strdup (reason);
		}
		e->reported = TRUE;
		s->done (e->message, s->data);
	}
}

static void
set_failure (Session *s, char *failure)
{
	if (s->failure == NULL)
		s->failure = failure;
	else
		g_free (failure);
}

/* A TLS doubt: opportunistic TLS takes the connection anyway; required
 * TLS refuses it and says why. */
static void
tls_doubt (Session *s, int *ok, char *why)
{
	if (s->server->starttls == MT_STARTTLS_YES) {
		*ok = 1;
		g_free (why);
		return;
	}
	*ok = 0;
	set_failure (s, why);
}

static void
tls_event (Session *s, int event, va_list ap)
{
	int *ok;

	switch (event) {
	case SMTP_EV_INVALID_PEER_CERTIFICATE: {
		long result = va_arg (ap, long);
		ok = va_arg (ap, int *);
		tls_doubt (s, ok, g_strdup_printf ("the server's certificate does not verify (error %ld)", result));
		break;
	}
	case SMTP_EV_WEAK_CIPHER: {
		int bits = va_arg (ap, int);
		ok = va_arg (ap, int *);
		tls_doubt (s, ok, g_strdup_printf ("the TLS cipher is too weak (%d bits)", bits));
		break;
	}
	case SMTP_EV_NO_PEER_CERTIFICATE:
		tls_doubt (s, va_arg (ap, int *), g_strdup ("the server shows no certificate"));
		break;
	case SMTP_EV_WRONG_PEER_CERTIFICATE: {
		ok = va_arg (ap, int *);
		const char *name = va_arg (ap, const char *);
		tls_doubt (s, ok,
			   g_strdup_printf ("the server's certificate is for %s, not %s", name, s->server->host));
		break;
	}
	}
}

static void
on_event (smtp_session_t session, int event, void *arg, ...)
{
	Session *s = arg;
	smtp_message_t message;
	va_list ap;

	va_start (ap, arg);
	switch (event) {
	case SMTP_EV_MAILSTATUS:
		(void) va_arg (ap, const char *);
		message = va_arg (ap, smtp_message_t);
		s->answered = TRUE;
		if (smtp_reverse_path_status (message)->code / 100 != 2)
			report (s, smtp_message_get_application_data (message));
		break;
	case SMTP_EV_MESSAGESENT:
		message = va_arg (ap, smtp_message_t);
		report (s, smtp_message_get_application_data (message));
		break;
	case SMTP_EV_EXTNA_STARTTLS:
		set_failure (s, g_strdup ("the server offers no STARTTLS (starttls = required)"));
		break;
	case SMTP_EV_UNUSABLE_CA_LIST:
		set_failure (s, g_strdup ("the trusted certificates cannot be read"));
		break;
	default:
		tls_event (s, event, ap);
		break;
	}
	va_end (ap);
}

/* A refused AUTH: libesmtp goes on without, and the server then refuses
 * every MAIL FROM; the reason to give is this line. */
static gboolean
auth_refused (Session *s, const char *line)
{
	return s->server->user != NULL &&
	       (g_str_has_prefix (line, "535") || g_str_has_prefix (line, "534") || g_str_has_prefix (line, "538"));
}

static void
on_traffic (const char *buf, int len, int writing, void *arg)
{
	Session *s = arg;
	g_autofree char *chunk = NULL;
	g_auto (GStrv) lines = NULL;

	if (writing != SMTP_CB_READING || len <= 0)
		return;
	chunk = g_strndup (buf, len);
	lines = g_strsplit (chunk, "\r\n", -1);
	for (char **line = lines; *line != NULL; line++) {
		if (**line == '\0')
			continue;
		g_free (s->last_line);
		s->last_line = g_strdup (*line);
		if (auth_refused (s, *line))
			set_failure (s, g_strdup_printf ("authentication as %s failed: %s", s->server->user, *line));
	}
}

/* libesmtp asks for the message again for every attempt (len NULL:
 * rewind); the whole of it comes in one piece. ctx is libesmtp's to
 * free(), hence malloc(). */
static const char *
read_message (void **ctx, int *len, void *arg)
{
	MtSmtpMessage *m = arg;
	gsize size;
	const char *bytes = g_bytes_get_data (m->raw, &size);

	if (*ctx == NULL && (*ctx = calloc (1, sizeof (int))) == NULL)
		return NULL;
	if (len == NULL) {
		*(int *) *ctx = 0;
		return NULL;
	}
	if (*(int *) *ctx) {
		*len = 0;
		return NULL;
	}
	*(int *) *ctx = 1;
	*len = (int) size;
	return bytes;
}

static int
interact (auth_client_request_t request, char **result, int fields, void *arg)
{
	const MtSmtpServer *server = arg;

	for (int i = 0; i < fields; i++) {
		if (request[i].flags & AUTH_USER)
			result[i] = (char *) server->user;
		else if (request[i].flags & AUTH_PASS)
			result[i] = (char *) server->password;
		else
			return 0;
	}
	return 1;
}

static gboolean
smtp_failed (GError **error, const char *what)
{
	char buf[256];

	g_set_error (error, MT_ERROR, MT_ERROR_TEMPFAIL, "libesmtp: %s: %s", what,
		     smtp_strerror (smtp_errno (), buf, sizeof buf));
	return FALSE;
}

static gboolean
add_message (Session *s, smtp_session_t session, Entry *e, GError **error)
{
	smtp_message_t handle = e->handle = smtp_add_message (session);
	MtSmtpMessage *m = e->message;

	if (handle == NULL || !smtp_set_reverse_path (handle, m->envelope_from) ||
	    !smtp_set_messagecb (handle, read_message, m))
		return smtp_failed (error, "add message");
	smtp_message_set_application_data_release (handle, e, NULL);
	smtp_size_set_estimate (handle, g_bytes_get_size (m->raw));
	e->recipients = g_new0 (smtp_recipient_t, m->recipients->len);
	for (guint i = 0; i < m->recipients->len; i++) {
		MtSmtpRecipient *r = g_ptr_array_index (m->recipients, i);

		if ((e->recipients[i] = smtp_add_recipient (handle, r->address)) == NULL)
			return smtp_failed (error, "add recipient");
	}
	return TRUE;
}

static gboolean
enable_tls (Session *s, smtp_session_t session, GError **error)
{
	static const enum starttls_option how[] = { Starttls_DISABLED, Starttls_ENABLED, Starttls_REQUIRED };
	SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());
	gboolean ok = ctx != NULL && SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION) &&
		      SSL_CTX_set_max_proto_version (ctx, TLS1_2_VERSION) && SSL_CTX_set_default_verify_paths (ctx) &&
		      smtp_starttls_set_ctx (session, ctx) && smtp_starttls_enable (session, how[s->server->starttls]);

	/* The session holds its own reference. */
	SSL_CTX_free (ctx);
	if (!ok)
		return smtp_failed (error, "STARTTLS cannot be set up");
	return TRUE;
}

static gboolean
configure (Session *s, smtp_session_t session, auth_context_t auth, GError **error)
{
	g_autofree char *hostport = g_strdup_printf ("%s:%d", s->server->host, s->server->port);

	if (!smtp_set_server (session, hostport) || !smtp_set_hostname (session, s->server->helo) ||
	    !smtp_set_eventcb (session, on_event, s) || !smtp_set_monitorcb (session, on_traffic, s, 0))
		return smtp_failed (error, "session");
	if (s->server->starttls != MT_STARTTLS_NO && !enable_tls (s, session, error))
		return FALSE;
	if (auth != NULL) {
		/* PLAIN and LOGIN are what most servers offer. */
		auth_set_mechanism_flags (auth, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb (auth, interact, (void *) s->server);
		smtp_auth_set_context (session, auth);
	}
	for (guint i = 0; i < s->n_entries; i++)
		if (!add_message (s, session, &s->entries[i], error))
			return FALSE;
	return TRUE;
}

static gboolean
run (Session *s, smtp_session_t session, GError **error)
{
	char buf[256];
	int started = smtp_start_session (session);
	g_autofree char *reason = NULL;

	if (started && s->answered && s->failure == NULL) {
		for (guint i = 0; i < s->n_entries; i++)
			report (s, &s->entries[i]);
		return TRUE;
	}
	if (s->failure == NULL && !started && smtp_errno () != 0)
		s->failure = g_strdup (smtp_strerror (smtp_errno (), buf, sizeof buf));
	reason = g_strdup_printf ("cannot send via %s:%d: %s", s->server->host, s->server->port, session_failure (s));
	defer_rest (s, reason);
	g_set_error_literal (error, MT_ERROR, MT_ERROR_TEMPFAIL, reason);
	return FALSE;
}

static void
auth_init (void)
{
	static gsize done;

	if (g_once_init_enter (&done)) {
		auth_client_init ();
		g_once_init_leave (&done, 1);
	}
}

gboolean
mt_smtp_send (const MtSmtpServer *server, GPtrArray *messages, MtSmtpDoneFunc done, gpointer data, GError **error)
{
	Session s = { server, g_new0 (Entry, messages->len), messages->len, done, data, NULL, NULL, FALSE };
	smtp_session_t session = smtp_create_session ();
	auth_context_t auth = NULL;
	gboolean ok;

	for (guint i = 0; i < messages->len; i++)
		s.entries[i].message = g_ptr_array_index (messages, i);
	if (server->user != NULL) {
		auth_init ();
		auth = auth_create_context ();
	}
	if (session == NULL || (server->user != NULL && auth == NULL))
		ok = smtp_failed (error, "create session");
	else if ((ok = configure (&s, session, auth, error)))
		ok = run (&s, session, error);
	if (!ok)
		defer_rest (&s, error && *error ? (*error)->message : "not sent");
	if (session != NULL)
		smtp_destroy_session (session);
	if (auth != NULL)
		auth_destroy_context (auth);
	for (guint i = 0; i < s.n_entries; i++)
		g_free (s.entries[i].recipients);
	g_free (s.entries);
	g_free (s.failure);
	g_free (s.last_line);
	return ok;
}
