/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	sender.c - drain the outbox over SMTP
 * DESCRIPTION
 *	A pass: claim the due rows in one short transaction (the write lock
 *	of BEGIN IMMEDIATE is what keeps two senders apart), read what each
 *	needs outside any transaction, send them over one session, and
 *	record every message in a transaction of its own as soon as the
 *	server has answered for it, so that a crash in the middle of a batch
 *	resends as little as possible. Mail is delivered at least once,
 *	never lost: a row whose claim was lost is left to its new owner.
 *
 *	Each recorded message logs one line in the manner of Postfix:
 *	outbox=12 ticket=42 kind=reply message-id=<...> from=<...>
 *	to=<...> relay=localhost:25 attempts=1 status=sent (250 2.0.0 Ok)
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailticket/clock.h"
#include "mailticket/error.h"
#include "mailticket/notify.h"
#include "mailticket/sender.h"
#include "mailticket/ticket.h"

#define BACKOFF_FIRST 60
#define BACKOFF_MAX (4 * 3600)

struct _MtSender {
	MtStore *store;
	const MtConfig *config;
	char *password;
	char *claimer;
};

typedef struct {
	MtSender *sender;
	MtSenderStats *stats;
	GPtrArray *unrecorded; /* MtSmtpMessage the database refused, borrowed */
	GError *error;         /* why, the first time */
} Pass;

gint64
mt_sender_backoff (gint64 attempts)
{
	gint64 wait = BACKOFF_FIRST;

	for (gint64 i = 1; i < attempts && wait < BACKOFF_MAX; i++)
		wait *= 2;
	return MIN (wait, BACKOFF_MAX);
}

void
mt_sender_stats_clear (MtSenderStats *stats)
{
	g_free (stats->unreachable);
	memset (stats, 0, sizeof *stats);
}

MtSender *
mt_sender_new (MtStore *store, const MtConfig *config, char *password)
{
	MtSender *sender = g_new0 (MtSender, 1);

	sender->store = store;
	sender->config = config;
	sender->password = password;
	sender->claimer = g_strdup_printf ("%s:%d", g_get_host_name (), (int) getpid ());
	return sender;
}

void
mt_sender_free (MtSender *sender)
{
	if (sender == NULL)
		return;
	if (sender->password != NULL)
		memset (sender->password, 0, strlen (sender->password));
	g_free (sender->password);
	g_free (sender->claimer);
	g_free (sender);
}

void
mt_sender_set_claimer (MtSender *sender, const char *claimer)
{
	g_free (sender->claimer);
	sender->claimer = g_strdup (claimer);
}

char *
mt_sender_read_password (const char *file, gboolean *exposed, GError **error)
{
	g_autofree char *contents = NULL;
	g_autoptr (GError) local = NULL;
	struct stat st;
	char *password;

	if (!g_file_get_contents (file, &contents, NULL, &local)) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "[smtp] password_file: %s", local->message);
		return NULL;
	}
	*exposed = stat (file, &st) == 0 && (st.st_mode & S_IROTH);
	password = g_strndup (contents, strcspn (contents, "\r\n"));
	memset (contents, 0, strlen (contents));
	if (*password == '\0') {
		g_free (password);
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "[smtp] password_file %s holds no password", file);
		return NULL;
	}
	return password;
}

GPtrArray *
mt_sender_claim (MtSender *sender, GError **error)
{
	gint64 now = mt_clock_now ();
	GPtrArray *items;

	if (!mt_store_begin (sender->store, error))
		return NULL;
	items = mt_outbox_claim (sender->store, sender->claimer, now, now + MT_SENDER_CLAIM, MT_SENDER_BATCH, error);
	if (items == NULL || !mt_store_commit (sender->store, error)) {
		mt_store_rollback (sender->store);
		g_clear_pointer (&items, g_ptr_array_unref);
	}
	return items;
}

/* "5d", "12h", "30m" or "90s", for the reason of giving up. */
static char *
format_duration (gint64 seconds)
{
	if (seconds > 0 && seconds % 86400 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT "d", seconds / 86400);
	if (seconds > 0 && seconds % 3600 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT "h", seconds / 3600);
	if (seconds > 0 && seconds % 60 == 0)
		return g_strdup_printf ("%" G_GINT64_FORMAT "m", seconds / 60);
	return g_strdup_printf ("%" G_GINT64_FORMAT "s", seconds);
}

/* A deferred recipient of a row past max_age fails: Postfix's
 * maximal_queue_lifetime, applied after one more attempt. */
static void
give_up_if_old (MtSender *sender, const MtOutboxItem *item, MtSmtpRecipient *r, gint64 now)
{
	g_autofree char *age = NULL;
	char *reply;

	if (r->outcome != MT_SMTP_DEFERRED || now - item->created < sender->config->smtp_max_age)
		return;
	age = format_duration (sender->config->smtp_max_age);
	reply = g_strdup_printf ("gave up after %s: %s", age, r->reply ? r->reply : "no answer");
	g_free (r->reply);
	r->reply = reply;
	r->outcome = MT_SMTP_FAILED;
}

/* The agents hear that a reply did not arrive. A failed notification
 * is only noted: telling of it by more notifications could go on. */
static gboolean
tell_agents (MtSender *sender, const MtOutboxItem *item, gint64 article, const char *text, gint64 now, GError **error)
{
	MtNotifyEvent e = { .ticket = item->ticket,
			    .article = article,
			    .who = "mailticket-send",
			    .text = text,
			    .internal = TRUE,
			    .now = now };
	guint queued;

	if (strcmp (item->kind, "reply") != 0)
		return TRUE;
	return mt_notify_watchers (sender->store, sender->config, &e, &queued, error);
}

static gboolean
note_failure (MtSender *sender, const MtOutboxItem *item, const MtSmtpRecipient *r, gint64 now, GError **error)
{
	g_autofree char *text = g_strdup_printf ("Mail to %s could not be delivered: %s\n\n"
						 "Outbox message %" G_GINT64_FORMAT " (%s), Message-ID <%s>.",
						 r->address, r->reply, item->id, item->kind, item->message_id);
	g_autofree char *what = g_strdup_printf ("failed to %s", r->address);
	MtArticleNew article = { .kind = "system", .internal = TRUE, .text = text, .automatic = TRUE, .now = now };
	gint64 id;

	if (!mt_ticket_add_article (sender->store, item->ticket, &article, &id, error) ||
	    !mt_ticket_add_history (sender->store, item->ticket, "mailticket-send", "delivery", NULL, what, now, error))
		return FALSE;
	return tell_agents (sender, item, id, text, now, error);
}

static MtOutboxState
outbox_state (MtSmtpOutcome outcome)
{
	static const MtOutboxState states[] = { MT_OUTBOX_QUEUED, MT_OUTBOX_SENT, MT_OUTBOX_FAILED };

	return states[outcome];
}

static gboolean
record_recipients (MtSender *sender, MtSmtpMessage *m, gint64 now, GError **error)
{
	const MtOutboxItem *item = m->data;

	for (guint i = 0; i < m->recipients->len; i++) {
		MtSmtpRecipient *r = g_ptr_array_index (m->recipients, i);

		give_up_if_old (sender, item, r, now);
		if (!mt_outbox_set_recipient (sender->store, item->id, r->address, outbox_state (r->outcome), r->reply,
					      error))
			return FALSE;
		if (r->outcome == MT_SMTP_FAILED && item->ticket != 0 && !note_failure (sender, item, r, now, error))
			return FALSE;
	}
	return TRUE;
}

/* Why the row is where it is: a deferral, else a failure, else the
 * server's acceptance; borrowed. */
static const char *
last_reply (MtSmtpMessage *m)
{
	static const MtSmtpOutcome order[] = { MT_SMTP_DEFERRED, MT_SMTP_FAILED, MT_SMTP_SENT };

	for (gsize k = 0; k < G_N_ELEMENTS (order); k++)
		for (guint i = 0; i < m->recipients->len; i++) {
			MtSmtpRecipient *r = g_ptr_array_index (m->recipients, i);

			if (r->outcome == order[k])
				return r->reply;
		}
	return NULL;
}

static void
log_outcome (MtSender *sender, MtSmtpMessage *m, MtOutboxState state)
{
	static const char *const status[] = { "deferred", "sending", "sent", "failed" };
	const MtOutboxItem *item = m->data;
	g_autoptr (GString) to = g_string_new (NULL);
	const char *reply = last_reply (m);

	for (guint i = 0; i < m->recipients->len; i++)
		g_string_append_printf (to, "%s<%s>", i ? "," : "",
					((MtSmtpRecipient *) g_ptr_array_index (m->recipients, i))->address);
	g_message ("outbox=%" G_GINT64_FORMAT " ticket=%" G_GINT64_FORMAT " kind=%s message-id=<%s> from=<%s> to=%s"
		   " relay=%s:%d attempts=%" G_GINT64_FORMAT " status=%s (%s)",
		   item->id, item->ticket, item->kind, item->message_id, item->envelope_from, to->str,
		   sender->config->smtp_host, sender->config->smtp_port, item->attempts + 1, status[state],
		   reply ? reply : "-");
}

static gboolean
record_locked (MtSender *sender, MtSmtpMessage *m, gint64 now, MtOutboxState *state, GError **error)
{
	const MtOutboxItem *item = m->data;
	gboolean held;

	if (!mt_outbox_holds (sender->store, item->id, sender->claimer, &held, error))
		return FALSE;
	if (!held) {
		g_warning ("outbox=%" G_GINT64_FORMAT " message-id=<%s> status=lost (another sender claimed it)",
			   item->id, item->message_id);
		*state = MT_OUTBOX_SENDING;
		return TRUE;
	}
	return record_recipients (sender, m, now, error) &&
	       mt_outbox_settle (sender->store, item->id, last_reply (m), now,
				 now + mt_sender_backoff (item->attempts + 1), state, error) &&
	       mt_outbox_renew (sender->store, sender->claimer, now + MT_SENDER_CLAIM, error);
}

gboolean
mt_sender_record (MtSender *sender, MtSmtpMessage *m, MtOutboxState *state, GError **error)
{
	gint64 now = mt_clock_now ();

	if (!mt_store_begin (sender->store, error))
		return FALSE;
	if (!record_locked (sender, m, now, state, error) || !mt_store_commit (sender->store, error)) {
		mt_store_rollback (sender->store);
		return FALSE;
	}
	if (*state != MT_OUTBOX_SENDING)
		log_outcome (sender, m, *state);
	return TRUE;
}

static void
count (MtSenderStats *stats, MtOutboxState state)
{
	if (state == MT_OUTBOX_SENT)
		stats->sent++;
	else if (state == MT_OUTBOX_FAILED)
		stats->failed++;
	else if (state == MT_OUTBOX_QUEUED)
		stats->deferred++;
}

/* A message the database would not take now (busy past busy_timeout)
 * gets another chance when the session is over. */
static void
on_done (MtSmtpMessage *m, gpointer data)
{
	Pass *p = data;
	g_autoptr (GError) local = NULL;
	MtOutboxState state;

	if (mt_sender_record (p->sender, m, &state, &local)) {
		count (p->stats, state);
		return;
	}
	g_ptr_array_add (p->unrecorded, m);
	if (p->error == NULL)
		p->error = g_steal_pointer (&local);
}

/* The second chance; what still fails waits for its claim to expire and
 * is sent again then. */
static void
record_late (Pass *p)
{
	guint n = p->unrecorded->len;

	g_clear_error (&p->error);
	for (guint i = 0; i < n; i++)
		on_done (g_ptr_array_index (p->unrecorded, i), p);
	g_ptr_array_remove_range (p->unrecorded, 0, n);
}

/* Every pending recipient of a message that cannot be sent fails. */
static void
refuse_all (MtSmtpMessage *m, const char *why)
{
	for (guint i = 0; i < m->recipients->len; i++) {
		MtSmtpRecipient *r = g_ptr_array_index (m->recipients, i);

		r->outcome = MT_SMTP_FAILED;
		g_free (r->reply);
		r->reply = g_strdup_printf ("not sent: %s", why);
	}
}

/* The message of a claimed row; owned. *sendable is FALSE when there is
 * nothing to send: no recipient left, or a message that cannot go out
 * as it is (its recipients fail). NULL for a database error. */
static MtSmtpMessage *
prepare (MtSender *sender, MtOutboxItem *item, gboolean *sendable, GError **error)
{
	g_autoptr (GPtrArray) pending = mt_outbox_pending (sender->store, item->id, error);
	g_autoptr (GBytes) raw = NULL;
	g_autoptr (GError) local = NULL;
	MtSmtpMessage *m;

	if (pending == NULL)
		return NULL;
	raw = mt_store_get_blob (sender->store, item->blob, &local);
	if (raw == NULL && !g_error_matches (local, MT_ERROR, MT_ERROR_NOT_FOUND)) {
		g_propagate_error (error, g_steal_pointer (&local));
		return NULL;
	}
	if (raw == NULL)
		raw = g_bytes_new (NULL, 0);
	m = mt_smtp_message_new (item->envelope_from, raw, pending, item);
	if (local != NULL || !mt_smtp_check (raw, &local))
		refuse_all (m, local->message);
	*sendable = local == NULL && pending->len > 0;
	return m;
}

static void
send_batch (Pass *p, GPtrArray *batch)
{
	const MtConfig *c = p->sender->config;
	MtSmtpServer server = {
		c->smtp_host, c->smtp_port, c->smtp_starttls, c->smtp_helo, c->smtp_user, p->sender->password,
	};
	g_autoptr (GError) local = NULL;

	if (!mt_smtp_send (&server, batch, on_done, p, &local) && p->stats->unreachable == NULL)
		p->stats->unreachable = g_strdup (local->message);
}

gboolean
mt_sender_pass (MtSender *sender, MtSenderStats *stats, GError **error)
{
	g_autoptr (GPtrArray) items = mt_sender_claim (sender, error);
	g_autoptr (GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_smtp_message_free);
	g_autoptr (GPtrArray) batch = g_ptr_array_new ();
	g_autoptr (GPtrArray) unrecorded = g_ptr_array_new ();
	Pass p = { sender, stats, unrecorded, NULL };

	if (items == NULL)
		return FALSE;
	stats->claimed += items->len;
	for (guint i = 0; i < items->len; i++) {
		gboolean sendable;
		MtSmtpMessage *m = prepare (sender, g_ptr_array_index (items, i), &sendable, error);

		if (m == NULL)
			return FALSE;
		g_ptr_array_add (messages, m);
		if (sendable)
			g_ptr_array_add (batch, m);
		else
			on_done (m, &p);
	}
	if (batch->len > 0)
		send_batch (&p, batch);
	if (unrecorded->len > 0)
		record_late (&p);
	if (p.error != NULL) {
		g_propagate_error (error, p.error);
		return FALSE;
	}
	return TRUE;
}
