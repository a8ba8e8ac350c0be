/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	lmtp.c - the LMTP protocol without I/O: commands, replies, DATA
 * DESCRIPTION
 *	One session's state (RFC 2033: LHLO, then transactions of MAIL,
 *	RCPT, DATA), the reply to each command line, and the message after
 *	DATA, dot-unstuffed. Nothing here reads or writes a socket, so that
 *	the unit tests and the fuzz harness drive it with bytes alone. A
 *	command that cannot be read gets 500 or 501, one out of order 503,
 *	and a session that keeps sending them is closed; no input ends in
 *	anything else.
 */
#include <string.h>

#include "mailticket/lmtp.h"

enum { LINE_START, MIDDLE, AFTER_CR, DOT, DOT_CR, END };

void
mt_lmtp_session_init (MtLmtpSession *session, const char *hostname, guint64 max_size, gboolean private_ok)
{
	memset (session, 0, sizeof *session);
	session->hostname = hostname;
	session->max_size = max_size;
	session->private_ok = private_ok;
	session->recipients = g_ptr_array_new_with_free_func (g_free);
}

void
mt_lmtp_session_reset (MtLmtpSession *session)
{
	g_clear_pointer (&session->sender, g_free);
	g_clear_pointer (&session->db, g_free);
	g_clear_pointer (&session->config, g_free);
	g_clear_pointer (&session->queue_id, g_free);
	session->fixed = FALSE;
	session->no_sender = FALSE;
	session->now = 0;
	session->size = 0;
	if (session->recipients != NULL)
		g_ptr_array_set_size (session->recipients, 0);
	if (session->state != MT_LMTP_START)
		session->state = MT_LMTP_READY;
}

void
mt_lmtp_session_clear (MtLmtpSession *session)
{
	mt_lmtp_session_reset (session);
	g_clear_pointer (&session->client, g_free);
	g_clear_pointer (&session->recipients, g_ptr_array_unref);
}

char *
mt_lmtp_greeting (const MtLmtpSession *session)
{
	return g_strdup_printf ("220 %s LMTP mailticket", session->hostname);
}

static char *
lhlo_reply (MtLmtpSession *session)
{
	GString *r = g_string_new (NULL);

	g_string_append_printf (r, "250-%s\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n",
				session->hostname);
	if (session->private_ok)
		g_string_append (r, "250-XMAILTICKET\r\n");
	/* SIZE without its number: a client that knew the limit would
	 * refuse the message itself, with its own reason; told nothing,
	 * Postfix sends SIZE= with MAIL FROM, which is refused with ours,
	 * the pipe path's, before the message is sent. */
	g_string_append (r, "250 SIZE\r\n");
	return g_string_free (r, FALSE);
}

/* The path between < and > at *p, quotes and backslashes honoured, a
 * source route (<@a,@b:user@c>) dropped; *p then after the >. NULL when
 * there is none. */
static char *
take_path (const char **p)
{
	const char *s = *p, *start;
	gboolean quoted = FALSE;

	while (*s == ' ')
		s++;
	if (*s != '<')
		return NULL;
	start = ++s;
	for (; *s != '\0' && (quoted || *s != '>'); s++) {
		if (*s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			quoted = !quoted;
	}
	if (*s != '>')
		return NULL;
	/* No control character: the path goes into a Return-Path or a Delivered-To. */
	for (const char *c = start; c < s; c++)
		if ((guchar) *c < 32 || *c == 127)
			return NULL;
	*p = s + 1;
	if (*start == '@') {
		const char *colon = memchr (start, ':', s - start);

		if (colon == NULL)
			return NULL;
		start = colon + 1;
	}
	return g_strndup (start, s - start);
}

/* "KEYWORD:" at the start of arg, in any case; *arg then after it. */
static gboolean
take_keyword (const char **arg, const char *keyword)
{
	gsize n = strlen (keyword);

	if (g_ascii_strncasecmp (*arg, keyword, n) != 0)
		return FALSE;
	*arg += n;
	return TRUE;
}

static gboolean
parse_number (const char *text, gboolean sign, gint64 *value)
{
	gint64 v;

	if (text == NULL || *text == '\0' || strlen (text) > 20)
		return FALSE;
	if (sign)
		return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, value, NULL);
	if (!g_ascii_string_to_signed (text, 10, 0, G_MAXINT64, &v, NULL))
		return FALSE;
	*value = v;
	return TRUE;
}

static char *
size_refusal (guint64 size, guint64 limit)
{
	return g_strdup_printf ("552 5.2.3 mailticket-deliver: message size %" G_GUINT64_FORMAT
				" exceeds the limit of %" G_GUINT64_FORMAT " bytes\r\n",
				size, limit);
}

/* One parameter of MAIL FROM; NULL when taken, else the reply. */
static char *
mail_parameter (MtLmtpSession *session, const char *key, const char *value)
{
	gint64 n;

	if (g_ascii_strcasecmp (key, "SIZE") == 0) {
		if (!parse_number (value, FALSE, &n))
			return g_strdup ("501 5.5.4 SIZE=number\r\n");
		session->size = (guint64) n;
		return session->size > session->max_size ? size_refusal (session->size, session->max_size) : NULL;
	}
	if (g_ascii_strcasecmp (key, "BODY") == 0) {
		if (value != NULL &&
		    (g_ascii_strcasecmp (value, "7BIT") == 0 || g_ascii_strcasecmp (value, "8BITMIME") == 0))
			return NULL;
		return g_strdup ("501 5.5.4 BODY=7BIT or BODY=8BITMIME\r\n");
	}
	if (!session->private_ok || value == NULL)
		return g_strdup ("555 5.5.4 a parameter not known here\r\n");
	if (g_ascii_strcasecmp (key, "XNOW") == 0 && parse_number (value, TRUE, &n)) {
		session->fixed = TRUE;
		session->now = n;
	} else if (g_ascii_strcasecmp (key, "XNOSENDER") == 0 && g_ascii_strcasecmp (value, "YES") == 0)
		session->no_sender = TRUE;
	else if (g_ascii_strcasecmp (key, "XQUEUEID") == 0 && strlen (value) < 64 && session->queue_id == NULL)
		session->queue_id = g_strdup (value);
	else if (g_ascii_strcasecmp (key, "XDB") == 0 && session->db == NULL)
		session->db = mt_lmtp_xtext_decode (value);
	else if (g_ascii_strcasecmp (key, "XCONFIG") == 0 && session->config == NULL)
		session->config = mt_lmtp_xtext_decode (value);
	else
		return g_strdup ("555 5.5.4 a parameter not known here\r\n");
	if ((g_ascii_strcasecmp (key, "XDB") == 0 && session->db == NULL) ||
	    (g_ascii_strcasecmp (key, "XCONFIG") == 0 && session->config == NULL))
		return g_strdup_printf ("501 5.5.4 %s: not xtext\r\n", key);
	return NULL;
}

/* The parameters after a path; NULL when all are taken, else the reply. */
static char *
parameters (MtLmtpSession *session, const char *text, gboolean mail)
{
	g_auto (GStrv) words = g_strsplit (text, " ", 0);

	for (int i = 0; words[i] != NULL; i++) {
		char *eq = strchr (words[i], '=');
		char *reply;

		if (*words[i] == '\0')
			continue;
		if (!mail)
			return g_strdup_printf ("555 5.5.4 RCPT TO takes no parameters\r\n");
		if (eq != NULL)
			*eq++ = '\0';
		if ((reply = mail_parameter (session, words[i], eq)) != NULL)
			return reply;
	}
	return NULL;
}

static char *
mail_from (MtLmtpSession *session, const char *arg)
{
	g_autofree char *path = NULL;
	char *reply;

	if (session->state == MT_LMTP_START)
		return g_strdup ("503 5.5.1 LHLO first\r\n");
	if (session->state != MT_LMTP_READY)
		return g_strdup ("503 5.5.1 MAIL FROM given already: RSET first\r\n");
	if (!take_keyword (&arg, "FROM:") || (path = take_path (&arg)) == NULL)
		return g_strdup ("501 5.5.4 Syntax: MAIL FROM:<address> [parameters]\r\n");
	if ((reply = parameters (session, arg, TRUE)) != NULL) {
		mt_lmtp_session_reset (session);
		return reply;
	}
	session->sender = g_steal_pointer (&path);
	session->state = MT_LMTP_MAIL;
	return g_strdup ("250 2.1.0 sender ok\r\n");
}

static char *
rcpt_to (MtLmtpSession *session, const char *arg)
{
	g_autofree char *path = NULL;
	char *reply;

	if (session->state != MT_LMTP_MAIL && session->state != MT_LMTP_RCPT)
		return g_strdup ("503 5.5.1 MAIL FROM first\r\n");
	if (!take_keyword (&arg, "TO:") || (path = take_path (&arg)) == NULL)
		return g_strdup ("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
	/* Only mailticket-deliver without -r has no envelope recipient. */
	if (*path == '\0' && session->db == NULL)
		return g_strdup ("501 5.1.3 an empty recipient\r\n");
	if ((reply = parameters (session, arg, FALSE)) != NULL)
		return reply;
	if (session->recipients->len >= MT_LMTP_MAX_RECIPIENTS)
		return g_strdup ("452 4.5.3 too many recipients: the others in the next transaction\r\n");
	g_ptr_array_add (session->recipients, g_steal_pointer (&path));
	session->state = MT_LMTP_RCPT;
	return g_strdup ("250 2.1.5 recipient ok\r\n");
}

static char *
data (MtLmtpSession *session, const char *arg, MtLmtpAction *action)
{
	if (*arg != '\0')
		return g_strdup ("501 5.5.4 DATA takes no argument\r\n");
	if (session->state == MT_LMTP_MAIL)
		return g_strdup ("503 5.5.1 no valid recipients\r\n");
	if (session->state != MT_LMTP_RCPT)
		return g_strdup ("503 5.5.1 MAIL FROM and RCPT TO first\r\n");
	*action = MT_LMTP_DATA;
	return g_strdup ("354 2.0.0 go ahead, end with <CRLF>.<CRLF>\r\n");
}

static char *
lhlo (MtLmtpSession *session, const char *arg)
{
	if (*arg == '\0' || strchr (arg, ' ') != NULL)
		return g_strdup ("501 5.5.4 Syntax: LHLO hostname\r\n");
	mt_lmtp_session_reset (session);
	g_free (session->client);
	session->client = g_strdup (arg);
	session->state = MT_LMTP_READY;
	return lhlo_reply (session);
}

/* The reply to verb with its argument arg. */
static char *
dispatch (MtLmtpSession *session, const char *verb, const char *arg, MtLmtpAction *action)
{
	if (g_ascii_strcasecmp (verb, "LHLO") == 0)
		return lhlo (session, arg);
	if (g_ascii_strcasecmp (verb, "MAIL") == 0)
		return mail_from (session, arg);
	if (g_ascii_strcasecmp (verb, "RCPT") == 0)
		return rcpt_to (session, arg);
	if (g_ascii_strcasecmp (verb, "DATA") == 0)
		return data (session, arg, action);
	if (g_ascii_strcasecmp (verb, "RSET") == 0) {
		mt_lmtp_session_reset (session);
		return g_strdup ("250 2.0.0 reset\r\n");
	}
	if (g_ascii_strcasecmp (verb, "NOOP") == 0)
		return g_strdup ("250 2.0.0 ok\r\n");
	if (g_ascii_strcasecmp (verb, "VRFY") == 0)
		return g_strdup ("252 2.5.0 not verified; send mail and see\r\n");
	if (g_ascii_strcasecmp (verb, "QUIT") == 0) {
		*action = MT_LMTP_CLOSE;
		return g_strdup ("221 2.0.0 bye\r\n");
	}
	if (g_ascii_strcasecmp (verb, "HELO") == 0 || g_ascii_strcasecmp (verb, "EHLO") == 0)
		return g_strdup ("500 5.5.1 this is LMTP: LHLO\r\n");
	return g_strdup ("500 5.5.2 unrecognized command\r\n");
}

/* Counts a refused command; past MT_LMTP_MAX_ERRORS, the session ends. */
static char *
count_error (MtLmtpSession *session, char *reply, MtLmtpAction *action)
{
	if (reply[0] != '5' || ++session->errors < MT_LMTP_MAX_ERRORS)
		return reply;
	g_free (reply);
	*action = MT_LMTP_CLOSE;
	return g_strdup ("421 4.7.0 too many errors: closing\r\n");
}

char *
mt_lmtp_session_command (MtLmtpSession *session, const char *line, gsize len, MtLmtpAction *action)
{
	g_autofree char *text = NULL;
	char *space;
	const char *arg = "";

	*action = MT_LMTP_CONTINUE;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr (line, '\0', len) != NULL || len >= MT_LMTP_MAX_LINE)
		return count_error (session, g_strdup ("500 5.5.2 not a command line\r\n"), action);
	text = g_strndup (line, len);
	if ((space = strchr (text, ' ')) != NULL) {
		*space = '\0';
		arg = space + 1;
	}
	return count_error (session, dispatch (session, text, arg, action), action);
}

char *
mt_lmtp_session_too_long (MtLmtpSession *session, MtLmtpAction *action)
{
	*action = MT_LMTP_CONTINUE;
	return count_error (session, g_strdup ("500 5.5.2 line too long\r\n"), action);
}

void
mt_lmtp_data_init (MtLmtpData *data, GByteArray *out, guint64 limit)
{
	memset (data, 0, sizeof *data);
	data->out = out;
	data->limit = limit;
}

static void
emit (MtLmtpData *data, guint8 c)
{
	if (data->size++ < data->limit)
		g_byte_array_append (data->out, &c, 1);
}

/* One byte of a line that is no end: CRLF becomes LF, any other CR stays. */
static void
middle (MtLmtpData *data, guint8 c)
{
	if (data->state == AFTER_CR && c == '\n') {
		emit (data, '\n');
		data->state = LINE_START;
		return;
	}
	if (data->state == AFTER_CR)
		emit (data, '\r');
	if (c == '\r') {
		data->state = AFTER_CR;
		return;
	}
	emit (data, c);
	data->state = MIDDLE;
}

gsize
mt_lmtp_data_feed (MtLmtpData *data, const guint8 *bytes, gsize len, gboolean *done)
{
	*done = FALSE;
	for (gsize i = 0; i < len; i++) {
		guint8 c = bytes[i];

		if (data->state == LINE_START && c == '.')
			data->state = DOT;
		else if (data->state == DOT && c == '\r')
			data->state = DOT_CR;
		else if (data->state == DOT_CR && c == '\n') {
			data->state = END;
			*done = TRUE;
			return i + 1;
		} else {
			/* A leading dot is dropped (RFC 5321 4.5.2), ".\r" without LF included. */
			if (data->state == DOT)
				data->state = MIDDLE;
			else if (data->state == DOT_CR)
				data->state = AFTER_CR;
			middle (data, c);
		}
	}
	return len;
}

GByteArray *
mt_lmtp_data_encode (const GByteArray *raw)
{
	GByteArray *out = g_byte_array_sized_new (raw->len + raw->len / 32 + 8);
	gboolean line_start = TRUE;

	for (guint i = 0; i < raw->len; i++) {
		guint8 c = raw->data[i];

		if (line_start && c == '.')
			g_byte_array_append (out, (const guint8 *) ".", 1);
		if (c == '\n')
			g_byte_array_append (out, (const guint8 *) "\r", 1);
		g_byte_array_append (out, &c, 1);
		line_start = c == '\n';
	}
	if (!line_start)
		g_byte_array_append (out, (const guint8 *) "\r\n", 2);
	g_byte_array_append (out, (const guint8 *) ".\r\n", 3);
	return out;
}

char *
mt_lmtp_xtext_encode (const char *text)
{
	GString *out = g_string_new (NULL);

	for (const guint8 *p = (const guint8 *) text; *p != '\0'; p++) {
		if (*p < 33 || *p > 126 || *p == '+' || *p == '=')
			g_string_append_printf (out, "+%02X", *p);
		else
			g_string_append_c (out, *p);
	}
	return g_string_free (out, FALSE);
}

char *
mt_lmtp_xtext_decode (const char *xtext)
{
	GString *out = g_string_new (NULL);

	for (const char *p = xtext; *p != '\0'; p++) {
		int high, low;

		if (*p != '+') {
			g_string_append_c (out, *p);
			continue;
		}
		high = g_ascii_xdigit_value (p[1]);
		low = high < 0 ? -1 : g_ascii_xdigit_value (p[2]);
		if (low < 0 || (high == 0 && low == 0)) {
			g_string_free (out, TRUE);
			return NULL;
		}
		g_string_append_c (out, (char) (high * 16 + low));
		p += 2;
	}
	return g_string_free (out, FALSE);
}

/* The basic code for an enhanced one of a refusal (RFC 3463). */
static int
refusal_code (const char *status)
{
	if (g_str_has_prefix (status, "5.2.2 ") || g_str_has_prefix (status, "5.2.3 ") ||
	    g_str_has_prefix (status, "5.3.4 "))
		return 552;
	if (g_str_has_prefix (status, "5.1.") || g_str_has_prefix (status, "5.7."))
		return 550;
	return 554;
}

/* TRUE when line starts with "C.S.D " (RFC 3463), C 2, 4 or 5. */
static gboolean
has_status (const char *line)
{
	const char *p = line;

	if (line == NULL || (*p != '2' && *p != '4' && *p != '5'))
		return FALSE;
	for (int part = 0; part < 3; part++) {
		int digits = 0;

		while (g_ascii_isdigit (*p) && digits < 4) {
			p++;
			digits++;
		}
		if (digits == 0 || digits > 3 || *p != (part < 2 ? '.' : ' '))
			return FALSE;
		p++;
	}
	return TRUE;
}

char *
mt_lmtp_reply_for (int exit_code, const char *line)
{
	g_autofree char *text = NULL;
	g_autofree char *status = NULL;
	int code;

	if (line == NULL || *line == '\0')
		line = exit_code == 0 ? "delivered" : "not delivered";
	if (exit_code == 0)
		status = g_strdup ("250 2.0.0 ");
	else if (exit_code == MT_LMTP_DECLINED)
		status = g_strdup ("451 4.3.5 ");
	else if (has_status (line)) {
		code = line[0] == '4' ? 451 : line[0] == '5' ? refusal_code (line) : 451;
		status = g_strdup_printf ("%d ", code);
	} else
		status = g_strdup (exit_code == 75 ? "451 4.3.0 " : "554 5.3.0 ");
	/* One line, of text: a reason may quote what a message held. */
	text = g_strndup (line, 900);
	for (char *p = text; *p != '\0'; p++)
		if ((guint8) *p < 32 || *p == 127)
			*p = '?';
	return g_strconcat (status, text, NULL);
}
