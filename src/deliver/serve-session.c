/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve-session.c - one LMTP client of the delivery server
 * DESCRIPTION
 *	Reads the client's commands, as many as it pipelines, answers
 *	them (lib/lmtp.c says what), and after DATA delivers the message
 *	once for each recipient it accepted, through the store's batches
 *	(serve-batch.c), and answers once for each: the reply mapped from
 *	the exit code that pipe(8) would have seen (mt_lmtp_reply_for()).
 *	A message for two queues is filed for each: the Return-Path and
 *	Delivered-To it gets for each recipient make them two messages.
 *
 *	Every wait for the client is bounded: idle_timeout for the next
 *	command or the next bytes of a message, session_timeout in all.
 *	When the server stops, a session waiting for a command is told
 *	421 and closed; one reading a message finishes it first.
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sysexits.h>

#include "mailticket/error.h"
#include "serve.h"

/* After a message this large, hand the memory back to the system. */
#define TRIM_AFTER (1024 * 1024)
#define BUFFER (64 * 1024)

typedef struct {
	Server *s;
	int fd;
	gboolean tcp;
	gint64 deadline; /* monotonic, µs: the end of session_timeout */
	guint8 *in;
	gsize in_len;
	gboolean skipping; /* in a command line too long, until its end */
	GString *out;      /* replies not yet sent */
	MtLmtpSession lmtp;
} Session;

static gboolean
flush (Session *c)
{
	gsize done = 0;

	while (done < c->out->len) {
		ssize_t n = send (c->fd, c->out->str + done, c->out->len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			g_debug ("a client did not take its replies: %s", g_strerror (errno));
			return FALSE;
		}
		done += n;
	}
	g_string_truncate (c->out, 0);
	return TRUE;
}

typedef enum { GOT, ENDED, SILENT, STOPPING } Got;

/* More bytes from the client into c->in: ENDED when it hung up or
 * broke, SILENT when it kept silent too long or its session's time is
 * up; STOPPING when the server stops and wake_on_stop. */
static Got
read_more (Session *c, gboolean wake_on_stop)
{
	for (;;) {
		struct pollfd p[2] = { { c->fd, POLLIN, 0 }, { c->s->wake[0], POLLIN, 0 } };
		gint64 left = (c->deadline - g_get_monotonic_time ()) / 1000;
		int ms = (int) MIN (left, c->s->idle_ms);
		ssize_t n;

		if (left <= 0)
			return SILENT;
		if ((n = poll (p, wake_on_stop ? 2 : 1, ms)) < 0 && errno == EINTR)
			continue;
		if (n == 0) {
			g_message ("a client kept silent for %d s: closed", ms / 1000);
			return SILENT;
		}
		if (n > 0 && wake_on_stop && (p[1].revents & POLLIN))
			return STOPPING;
		n = read (c->fd, c->in + c->in_len, BUFFER - c->in_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ENDED;
		c->in_len += n;
		return GOT;
	}
}

static void
consume (Session *c, gsize n)
{
	memmove (c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
}

static const char *
none_if_unreadable (const char *address)
{
	return address != NULL && g_utf8_validate (address, -1, NULL) ? address : NULL;
}

/* The message as stored for one recipient: for the MTA's, with the
 * trace pipe(8) would add (flags=DR); mailticket-deliver's as sent. */
static GByteArray *
message_for (Session *c, GByteArray *data, const char *recipient)
{
	GByteArray *raw;
	g_autofree char *trace = NULL;

	if (c->lmtp.db != NULL)
		return g_byte_array_ref (data);
	trace = g_strdup_printf ("Return-Path: <%s>\nDelivered-To: %s\n", c->lmtp.sender, recipient);
	raw = g_byte_array_sized_new (strlen (trace) + data->len);
	g_byte_array_append (raw, (const guint8 *) trace, strlen (trace));
	g_byte_array_append (raw, data->data, data->len);
	return raw;
}

/* Delivers data for one recipient; the exit code, and the line or log line in *line. */
static int
deliver_for (Session *c, GByteArray *data, guint64 size, const char *recipient, char **line)
{
	const MtLmtpSession *l = &c->lmtp;
	Envelope e = { l->db,
		       l->config,
		       l->no_sender ? NULL : none_if_unreadable (l->sender),
		       *recipient ? none_if_unreadable (recipient) : NULL,
		       l->queue_id,
		       l->fixed,
		       l->now };
	g_autoptr (GByteArray) raw = NULL;
	g_autoptr (GError) error = NULL;
	MtDeliverInput input = { 0 };
	Turn turn = { &e, &input };
	int code = EX_TEMPFAIL;

	if (size > c->lmtp.max_size) {
		mt_deliver_refuse_size (&error, size, c->lmtp.max_size);
		return filter_fail (error, NULL, line);
	}
	if (!serve_admit (c->s, &e, &code, line))
		return code;
	raw = message_for (c, data, recipient);
	mt_deliver_prepare (&input, raw, c->lmtp.max_size + 4096);
	serve_store_in_turn (c->s, &turn);
	mt_deliver_input_clear (&input);
	if (turn.code == EX_OK) {
		g_free (turn.line);
		*line = turn.log_line;
	} else {
		g_free (turn.log_line);
		*line = turn.line;
	}
	return turn.code;
}

/* The replies to DATA, one for each recipient. */
static void
deliver (Session *c, GByteArray *data, guint64 size)
{
	GPtrArray *recipients = c->lmtp.recipients;

	for (guint i = 0; i < recipients->len; i++) {
		g_autofree char *line = NULL;
		int code = deliver_for (c, data, size, recipients->pdata[i], &line);
		g_autofree char *reply = mt_lmtp_reply_for (code, line);

		if (c->lmtp.db != NULL)
			g_string_append_printf (c->out, "%.3s-exit=%d\r\n", reply, code);
		g_string_append_printf (c->out, "%s\r\n", reply);
	}
}

/* After 354: the message, then its replies. FALSE when the client broke off. */
static gboolean
take_message (Session *c)
{
	g_autoptr (GByteArray) data = g_byte_array_new ();
	MtLmtpData d;
	gboolean done = FALSE;

	if (!flush (c))
		return FALSE;
	/* A session idle between transactions (Postfix caches them) keeps
	 * no one from tidying up; one sending a message does. */
	g_atomic_int_inc (&c->s->clients);
	mt_lmtp_data_init (&d, data, c->lmtp.max_size);
	for (;;) {
		gsize used = mt_lmtp_data_feed (&d, c->in, c->in_len, &done);

		consume (c, used);
		if (done)
			break;
		if (read_more (c, FALSE) != GOT) {
			g_atomic_int_add (&c->s->clients, -1);
			return FALSE;
		}
	}
	deliver (c, data, d.size);
	mt_lmtp_session_reset (&c->lmtp);
	/* The answers first: the tidying after them is no client's wait. */
	flush (c);
	g_atomic_int_add (&c->s->clients, -1);
	serve_answered (c->s);
	if (data->len >= TRIM_AFTER) {
		g_clear_pointer (&data, g_byte_array_unref);
		malloc_trim (0);
	}
	return TRUE;
}

/* Before each MAIL FROM: the size limit of the config as it is now.
 * The store's lock, which a delivery may hold for as long as the
 * database is locked, is waited for only when the file changed. */
static void
update_limit (Session *c)
{
	g_autoptr (GError) error = NULL;

	if (serve_config_changed (c->s)) {
		g_mutex_lock (&c->s->store_lock);
		if (!serve_refresh (c->s, &error))
			g_debug ("reading the config again: %s", error->message);
		g_mutex_unlock (&c->s->store_lock);
	}
	g_mutex_lock (&c->s->state);
	c->lmtp.max_size = c->s->config->max_message_size;
	g_mutex_unlock (&c->s->state);
}

/* MAIL FROM of mailticket-deliver is declined at once when it names
 * another database or config: the message then never comes. */
static char *
check_mail (Session *c, char *reply)
{
	Envelope e = { c->lmtp.db, c->lmtp.config };
	g_autofree char *line = NULL;
	int code;

	if (c->lmtp.state != MT_LMTP_MAIL || c->lmtp.db == NULL || serve_admit (c->s, &e, &code, &line))
		return reply;
	g_free (reply);
	mt_lmtp_session_reset (&c->lmtp);
	return mt_lmtp_reply_for (code, line);
}

/* The next command line, answered. FALSE when the session is over. */
static gboolean
command (Session *c)
{
	guint8 *lf;
	g_autofree char *reply = NULL;
	MtLmtpAction action;
	gboolean mail;

	while ((lf = memchr (c->in, '\n', c->in_len)) == NULL) {
		Got got;

		if (c->in_len >= MT_LMTP_MAX_LINE) {
			c->skipping = TRUE;
			c->in_len = 0;
		}
		if (!flush (c))
			return FALSE;
		if ((got = read_more (c, TRUE)) == STOPPING)
			g_string_append (c->out, "421 4.3.2 the server is stopping\r\n");
		else if (got == SILENT)
			g_string_append (c->out, "421 4.4.2 no command for too long: closing\r\n");
		if (got != GOT)
			return FALSE;
	}
	if (c->skipping)
		reply = mt_lmtp_session_too_long (&c->lmtp, &action);
	else {
		mail = c->in_len >= 4 && g_ascii_strncasecmp ((char *) c->in, "MAIL", 4) == 0;
		if (mail)
			update_limit (c);
		reply = mt_lmtp_session_command (&c->lmtp, (char *) c->in, lf - c->in, &action);
		if (mail && reply[0] == '2')
			reply = check_mail (c, g_steal_pointer (&reply));
	}
	c->skipping = FALSE;
	consume (c, lf - c->in + 1);
	g_string_append (c->out, reply);
	if (reply[strlen (reply) - 1] != '\n')
		g_string_append (c->out, "\r\n");
	if (action == MT_LMTP_DATA)
		return take_message (c);
	return action == MT_LMTP_CONTINUE;
}

void
serve_session (Server *s, int fd, gboolean tcp)
{
	Session c = { s, fd, tcp };
	g_autofree char *greeting = NULL;

	c.deadline = g_get_monotonic_time () + s->session_ms * 1000;
	c.in = g_malloc (BUFFER);
	c.out = g_string_new (NULL);
	mt_lmtp_session_init (&c.lmtp, s->hostname, 0, !tcp);
	greeting = mt_lmtp_greeting (&c.lmtp);
	g_string_append_printf (c.out, "%s\r\n", greeting);
	while (command (&c))
		;
	flush (&c);
	mt_lmtp_session_clear (&c.lmtp);
	g_string_free (c.out, TRUE);
	g_free (c.in);
}
