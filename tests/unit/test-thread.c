/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-thread.c - the threading decision, driven by tables instead of a
 * database: each test states which ids and tickets are known and checks
 * the ticket a message lands in and the rule that put it there.
 */
#include <string.h>
#include <sys/resource.h>

#include "budget.h"
#include "mailticket/thread.h"

#define DAY (24 * 60 * 60)
#define NOW (1800000000)

typedef struct {
	GHashTable *ids;          /* message id -> ticket */
	GHashTable *referenced;   /* message ids known only as references */
	GHashTable *tickets;      /* ticket -> MtThreadTicket */
	GHashTable *participants; /* "ticket:address" */
} World;

static World *
world_new (void)
{
	World *w = g_new0 (World, 1);

	w->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	w->referenced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	w->tickets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
	w->participants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
	return w;
}

static void
world_free (World *w)
{
	g_hash_table_destroy (w->ids);
	g_hash_table_destroy (w->referenced);
	g_hash_table_destroy (w->tickets);
	g_hash_table_destroy (w->participants);
	g_free (w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (World, world_free)

static MtThreadTicket *
add_ticket (World *w, gint64 id)
{
	gint64 *key = g_new (gint64, 1);
	MtThreadTicket *t = g_new0 (MtThreadTicket, 1);

	*key = id;
	t->grace_days = 30;
	g_hash_table_insert (w->tickets, key, t);
	return t;
}

static void
add_id (World *w, const char *id, gint64 ticket)
{
	g_hash_table_insert (w->ids, g_strdup (id), GINT_TO_POINTER ((int) ticket));
}

/* An id that a message of ticket referenced, of no message stored. */
static void
add_reference (World *w, const char *id, gint64 ticket)
{
	add_id (w, id, ticket);
	g_hash_table_add (w->referenced, g_strdup (id));
}

static void
add_participant (World *w, gint64 ticket, const char *address)
{
	g_hash_table_add (w->participants, g_strdup_printf ("%" G_GINT64_FORMAT ":%s", ticket, address));
}

static gboolean
lookup_id (gpointer data, const char *id, gint64 *ticket, gboolean *referenced, GError **error)
{
	World *w = data;

	*ticket = GPOINTER_TO_INT (g_hash_table_lookup (w->ids, id));
	*referenced = g_hash_table_contains (w->referenced, id);
	return TRUE;
}

static gboolean
lookup_ticket (gpointer data, gint64 id, gboolean *found, MtThreadTicket *out, GError **error)
{
	World *w = data;
	MtThreadTicket *t = g_hash_table_lookup (w->tickets, &id);

	*found = t != NULL;
	if (t != NULL)
		*out = *t;
	return TRUE;
}

static gboolean
lookup_participant (gpointer data, gint64 ticket, const char *address, gboolean *yes, GError **error)
{
	World *w = data;
	g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT ":%s", ticket, address);

	*yes = g_hash_table_contains (w->participants, key);
	return TRUE;
}

static GPtrArray *
ids (const char *first, ...)
{
	GPtrArray *a = g_ptr_array_new ();
	va_list ap;

	va_start (ap, first);
	for (const char *s = first; s != NULL; s = va_arg (ap, const char *))
		g_ptr_array_add (a, (gpointer) s);
	va_end (ap);
	return a;
}

static MtThreadInput
input (void)
{
	MtThreadInput in = { 0 };

	in.sender = "anna@customer.example";
	in.now = NOW;
	return in;
}

static void
decide (World *w, const MtThreadInput *in, MtThreadDecision *d)
{
	MtThreadLookup lookup = { lookup_id, lookup_ticket, lookup_participant, w };
	g_autoptr (GError) error = NULL;

	memset (d, 0, sizeof *d);
	g_assert_true (mt_thread_decide (in, &lookup, d, &error));
	g_assert_no_error (error);
}

static void
test_new_when_nothing_matches (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	in.message_id = "fresh@x";
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_NEW);
	g_assert_cmpint (d.via, ==, MT_VIA_NEW);
	g_assert_cmpint (d.ticket, ==, 0);
	mt_thread_decision_clear (&d);
}

static void
test_in_reply_to (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("parent@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 7);
	add_id (w, "parent@x", 7);
	in.in_reply_to = irt;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	g_assert_cmpint (d.ticket, ==, 7);
	g_assert_cmpint (d.via, ==, MT_VIA_IN_REPLY_TO);
	g_assert_cmpstr (d.matched, ==, "<parent@x>");
	mt_thread_decision_clear (&d);
}

static void
test_references_newest_first (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) refs = ids ("root@x", "middle@x", "unknown@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1);
	add_ticket (w, 2);
	add_id (w, "root@x", 1);
	add_id (w, "middle@x", 2);
	add_participant (w, 1, in.sender);
	add_participant (w, 2, in.sender);
	in.references = refs;
	decide (w, &in, &d);
	/* found first by the newest id it knows; the message bridges the
	 * two tickets and joins the older */
	g_assert_cmpstr (d.matched, ==, "<middle@x>");
	g_assert_cmpint (d.via, ==, MT_VIA_REFERENCES);
	g_assert_cmpint (d.ticket, ==, 1);
	mt_thread_decision_clear (&d);
}

static void
test_in_reply_to_beats_references (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	g_autoptr (GPtrArray) refs = ids ("b@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1);
	add_ticket (w, 2);
	add_id (w, "a@x", 1);
	add_id (w, "b@x", 2);
	in.in_reply_to = irt;
	in.references = refs;
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 1);
	mt_thread_decision_clear (&d);
}

static void
test_token_beats_headers (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1);
	add_ticket (w, 5);
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	in.token_ticket = 5;
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 5);
	g_assert_cmpint (d.via, ==, MT_VIA_TOKEN);
	mt_thread_decision_clear (&d);
}

static void
test_token_for_missing_ticket_falls_through (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1);
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	in.token_ticket = 99;
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 1);
	g_assert_cmpint (d.via, ==, MT_VIA_IN_REPLY_TO);
	mt_thread_decision_clear (&d);
}

static void
test_own_id_referenced_before (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	/* A child arrived first and named this message as its parent. */
	add_ticket (w, 3);
	add_id (w, "late-parent@x", 3);
	in.message_id = "late-parent@x";
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	g_assert_cmpint (d.ticket, ==, 3);
	g_assert_cmpint (d.via, ==, MT_VIA_MESSAGE_ID);
	mt_thread_decision_clear (&d);
}

/* An id that earlier mail only referenced may have been claimed in
 * advance: a stranger's mail with it joins, flagged and foreign. */
static void
test_referenced_id_stranger_joins_flagged (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 3);
	add_participant (w, 3, "mallory@evil.example");
	add_reference (w, "future@victim.example", 3);
	in.message_id = "future@victim.example";
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	g_assert_cmpint (d.ticket, ==, 3);
	g_assert_cmpint (d.via, ==, MT_VIA_MESSAGE_ID);
	g_assert_true (d.referenced_only);
	g_assert_true (d.foreign);
	g_assert_true (d.flagged);
	mt_thread_decision_clear (&d);
}

static void
test_referenced_id_participant_joins (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 3);
	add_participant (w, 3, "anna@customer.example");
	add_reference (w, "late-parent@x", 3);
	in.message_id = "late-parent@x";
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 3);
	g_assert_true (d.referenced_only);
	g_assert_false (d.foreign);
	g_assert_false (d.flagged);
	mt_thread_decision_clear (&d);
}

/* A referenced id matched first, but an older reference is a stored
 * message of the same ticket: the sender holds a mail of it. */
static void
test_referenced_id_with_a_real_one (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) refs = ids ("root@x", "middle@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 3);
	add_id (w, "root@x", 3);
	add_reference (w, "middle@x", 3);
	in.references = refs;
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 3);
	g_assert_cmpint (d.via, ==, MT_VIA_REFERENCES);
	g_assert_cmpstr (d.matched, ==, "<middle@x>");
	g_assert_false (d.referenced_only);
	g_assert_false (d.foreign);
	mt_thread_decision_clear (&d);
}

static void
test_subject_token_participant_joins (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 4);
	add_participant (w, 4, "anna@customer.example");
	in.subject_ticket = 4;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	g_assert_cmpint (d.ticket, ==, 4);
	g_assert_cmpint (d.via, ==, MT_VIA_SUBJECT);
	g_assert_false (d.foreign);
	mt_thread_decision_clear (&d);
}

static void
test_subject_token_stranger_opens_linked (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 4);
	add_participant (w, 4, "anna@customer.example");
	in.sender = "mallory@evil.example";
	in.subject_ticket = 4;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_NEW_LINKED);
	g_assert_cmpint (d.ticket, ==, 4);
	g_assert_true (d.foreign);
	g_assert_false (d.flagged);
	mt_thread_decision_clear (&d);
}

static void
test_subject_token_stranger_joins_flagged (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 4);
	in.sender = "mallory@evil.example";
	in.subject_ticket = 4;
	in.foreign_subject_joins = TRUE;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	g_assert_true (d.flagged);
	mt_thread_decision_clear (&d);
}

static void
test_subject_token_unknown_ticket (void)
{
	g_autoptr (World) w = world_new ();
	MtThreadInput in = input ();
	MtThreadDecision d;

	in.subject_ticket = 12345;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_NEW);
	g_assert_cmpint (d.ticket, ==, 0);
	mt_thread_decision_clear (&d);
}

static void
test_ids_beat_subject (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1);
	add_ticket (w, 2);
	add_participant (w, 2, "anna@customer.example");
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	in.subject_ticket = 2;
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 1);
	mt_thread_decision_clear (&d);
}

static void
test_merged_forwards (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1)->merged_into = 2;
	add_ticket (w, 2)->merged_into = 3;
	add_ticket (w, 3);
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	decide (w, &in, &d);
	g_assert_cmpint (d.ticket, ==, 3);
	g_assert_cmpint (d.merged_from, ==, 1);
	mt_thread_decision_clear (&d);
}

static void
test_merge_loop_is_an_error (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GError) error = NULL;
	MtThreadLookup lookup = { lookup_id, lookup_ticket, lookup_participant, w };
	MtThreadInput in = input ();
	MtThreadDecision d = { 0 };

	add_ticket (w, 1)->merged_into = 2;
	add_ticket (w, 2)->merged_into = 1;
	in.token_ticket = 1;
	g_assert_false (mt_thread_decide (&in, &lookup, &d, &error));
	g_assert_nonnull (error);
	mt_thread_decision_clear (&d);
}

static void
test_closed_within_grace_appends (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;
	MtThreadTicket *t = add_ticket (w, 1);

	t->closed = TRUE;
	t->closed_at = NOW - 29 * DAY;
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	mt_thread_decision_clear (&d);
}

static void
test_closed_past_grace_opens_linked (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;
	MtThreadTicket *t = add_ticket (w, 1);

	t->closed = TRUE;
	t->closed_at = NOW - 31 * DAY;
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_NEW_LINKED);
	g_assert_cmpint (d.ticket, ==, 1);
	g_assert_true (d.grace_expired);
	mt_thread_decision_clear (&d);
}

static void
test_closed_past_grace_reopens_by_policy (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("a@x", NULL);
	MtThreadInput in = input ();
	MtThreadDecision d;
	MtThreadTicket *t = add_ticket (w, 1);

	t->closed = TRUE;
	t->closed_at = NOW - 400 * DAY;
	t->reopen_closed = TRUE;
	add_id (w, "a@x", 1);
	in.in_reply_to = irt;
	decide (w, &in, &d);
	g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
	mt_thread_decision_clear (&d);
}

static void
test_strip_prefixes (void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Re: Printer", "Printer" },
		{ "RE: AW: WG: Fwd: Printer", "Printer" },
		{ "SV: VS: Antw: RIF: Odp: RV: TR: Printer", "Printer" },
		{ "Re[2]: Printer", "Printer" },
		{ "回复: 打印机", "打印机" },
		{ "Re: [Ticket#42] Printer", "Printer" },
		{ "[ticket # 42] Re: Printer", "Printer" },
		{ "Printer: Re: broken", "Printer: Re: broken" },
		{ "Remote access", "Remote access" },
		{ "[URGENT] Printer", "[URGENT] Printer" },
		{ "", "" },
	};

	for (gsize i = 0; i < G_N_ELEMENTS (cases); i++) {
		g_autofree char *got = mt_thread_strip_prefixes (cases[i].in, "Ticket");
		g_assert_cmpstr (got, ==, cases[i].out);
	}
}

/* The peak memory of this process so far, in MB. */
static long
peak_mb (void)
{
	struct rusage usage;

	getrusage (RUSAGE_SELF, &usage);
	return usage.ru_maxrss / 1024;
}

/* Regression: one pattern repeating a group took 370 MB for 250,000
 * prefixes; the prefixes are now taken one at a time. */
static void
test_strip_250000_prefixes (void)
{
	g_autoptr (GString) subject = g_string_new (NULL);
	g_autoptr (GTimer) timer = NULL;
	g_autofree char *got = NULL;
	long before = peak_mb ();

	for (int i = 0; i < 250000; i++)
		g_string_append (subject, i % 3 ? "Re: " : "回复: [Ticket#7] ");
	g_string_append (subject, "Printer");
	timer = g_timer_new ();
	got = mt_thread_strip_prefixes (subject->str, "Ticket");
	assert_within_budget (timer, 5);
	g_assert_cmpint (peak_mb () - before, <, budget_mb (100));
	g_assert_cmpstr (got, ==, "Printer");
}

/* Prefixes are looked for in a window: characters cut by it, and a
 * prefix longer than it, are left as they are. */
static void
test_strip_prefixes_window (void)
{
	g_autoptr (GString) umlauts = g_string_new (NULL);
	g_autofree char *spaces = g_strnfill (300, ' ');
	g_autofree char *long_prefix = g_strdup_printf ("Re%s: Printer", spaces);
	g_autofree char *got = NULL;
	g_autofree char *kept = NULL;

	for (int i = 0; i < 200; i++)
		g_string_append (umlauts, "ä");
	g_string_prepend (umlauts, "AW: ");
	got = mt_thread_strip_prefixes (umlauts->str, "Ticket");
	g_assert_cmpstr (got, ==, umlauts->str + 4);
	kept = mt_thread_strip_prefixes (long_prefix, "Ticket");
	g_assert_cmpstr (kept, ==, long_prefix);
}

static void
test_describe_names_the_rule (void)
{
	MtThreadDecision d = { MT_THREAD_APPEND, 9, MT_VIA_REFERENCES, g_strdup ("<a@x>") };
	g_autofree char *text = mt_thread_describe (&d);

	g_assert_nonnull (strstr (text, "ticket 9"));
	g_assert_nonnull (strstr (text, "references <a@x>"));
	mt_thread_decision_clear (&d);
}

/* The tickets a bridge merges and links, as "merge:2,3 link:4". */
static char *
bridged (const MtThreadDecision *d)
{
	GString *s = g_string_new ("merge:");
	for (guint i = 0; d->merge && i < d->merge->len; i++)
		g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (d->merge, gint64, i));
	g_string_append (s, " link:");
	for (guint i = 0; d->link && i < d->link->len; i++)
		g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? "," : "", g_array_index (d->link, gint64, i));
	return g_string_free (s, FALSE);
}

typedef struct {
	const char *name;
	const char *irt, *refs, *own; /* one id each, or NULL */
	gboolean worked[4];           /* of tickets 1..3 */
	gboolean own_referenced;      /* own id only referenced by ticket 3 */
	gboolean participant3;        /* the sender takes part in ticket 3 */
	gint64 ticket;
	const char *bridge;
} BridgeCase;

static const BridgeCase bridge_cases[] = {
	{ "one ticket: no bridge", "m1@x", NULL, NULL, { 0 }, FALSE, TRUE, 1, "merge: link:" },
	{ "two unworked: newer merged", "m2@x", "m1@x", NULL, { 0 }, FALSE, TRUE, 1, "merge:2 link:" },
	{ "newer worked: linked", "m2@x", "m1@x", NULL, { 0, 0, 1 }, FALSE, TRUE, 1, "merge: link:2" },
	{ "older worked: newer still merged", "m2@x", "m1@x", NULL, { 0, 1 }, FALSE, TRUE, 1, "merge:2 link:" },
	{ "chain of three by one message", "m1@x", "m3@x", "m2@x", { 0 }, FALSE, TRUE, 1, "merge:3,2 link:" },
	{ "chain, the middle worked", "m1@x", "m3@x", "m2@x", { 0, 0, 1 }, FALSE, TRUE, 1, "merge:3 link:2" },
	{ "a ticket of which the sender is no participant: linked",
	  "m1@x",
	  "m3@x",
	  NULL,
	  { 0 },
	  FALSE,
	  FALSE,
	  1,
	  "merge: link:3" },
	{ "own id referenced by a stranger's ticket: linked",
	  "m1@x",
	  NULL,
	  "claim@x",
	  { 0 },
	  TRUE,
	  FALSE,
	  1,
	  "merge: link:3" },
	{ "own id referenced, sender takes part: merged",
	  "m1@x",
	  NULL,
	  "claim@x",
	  { 0 },
	  TRUE,
	  TRUE,
	  1,
	  "merge:3 link:" },
};

static void
test_bridge_table (void)
{
	for (guint c = 0; c < G_N_ELEMENTS (bridge_cases); c++) {
		const BridgeCase *bc = &bridge_cases[c];
		g_autoptr (World) w = world_new ();
		g_autoptr (GPtrArray) irt = bc->irt ? ids (bc->irt, NULL) : NULL;
		g_autoptr (GPtrArray) refs = bc->refs ? ids (bc->refs, NULL) : NULL;
		g_autofree char *got = NULL;
		MtThreadInput in = input ();
		MtThreadDecision d;

		for (gint64 t = 1; t <= 3; t++)
			add_ticket (w, t)->worked = bc->worked[t];
		add_id (w, "m1@x", 1);
		add_id (w, "m2@x", 2);
		add_id (w, "m3@x", 3);
		if (bc->own_referenced)
			add_reference (w, "claim@x", 3);
		add_participant (w, 1, in.sender);
		add_participant (w, 2, in.sender);
		if (bc->participant3)
			add_participant (w, 3, in.sender);
		in.in_reply_to = irt;
		in.references = refs;
		in.message_id = bc->own;
		decide (w, &in, &d);
		got = bridged (&d);
		g_test_message ("%s: ticket %" G_GINT64_FORMAT ", %s", bc->name, d.ticket, got);
		g_assert_cmpint (d.action, ==, MT_THREAD_APPEND);
		g_assert_cmpint (d.ticket, ==, bc->ticket);
		g_assert_cmpstr (got, ==, bc->bridge);
		mt_thread_decision_clear (&d);
	}
}

/* A ticket already merged is reached as the one it went into: no bridge
 * of a ticket with itself. */
static void
test_bridge_follows_merges (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("m1@x", NULL);
	g_autoptr (GPtrArray) refs = ids ("m2@x", NULL);
	g_autofree char *got = NULL;
	MtThreadInput in = input ();
	MtThreadDecision d;

	add_ticket (w, 1);
	add_ticket (w, 2)->merged_into = 1;
	add_id (w, "m1@x", 1);
	add_id (w, "m2@x", 2);
	in.in_reply_to = irt;
	in.references = refs;
	decide (w, &in, &d);
	got = bridged (&d);
	g_assert_cmpint (d.ticket, ==, 1);
	g_assert_cmpstr (got, ==, "merge: link:");
	mt_thread_decision_clear (&d);
}

/* Tickets 2 and 1 were taken apart: 2 split from 1. */
static gboolean
lookup_apart (gpointer data, gint64 ticket, gint64 other, gboolean *yes, GError **error)
{
	*yes = MIN (ticket, other) == 1 && MAX (ticket, other) == 2;
	return TRUE;
}

/* A reply to an article split off names the old conversation in its
 * References too: it stays in the ticket its In-Reply-To found, which
 * is no longer merged into the older one nor the older one's. */
static void
test_bridge_not_apart (void)
{
	g_autoptr (World) w = world_new ();
	g_autoptr (GPtrArray) irt = ids ("m2@x", NULL);
	g_autoptr (GPtrArray) refs = ids ("m1@x", "m2@x", "m3@x", NULL);
	MtThreadLookup lookup = { lookup_id, lookup_ticket, lookup_participant, w, NULL, lookup_apart };
	g_autoptr (GError) error = NULL;
	g_autofree char *got = NULL;
	MtThreadInput in = input ();
	MtThreadDecision d = { 0 };

	for (gint64 t = 1; t <= 3; t++) {
		g_autofree char *id = g_strdup_printf ("m%" G_GINT64_FORMAT "@x", t);

		add_ticket (w, t);
		add_participant (w, t, in.sender);
		add_id (w, id, t);
	}
	in.in_reply_to = irt;
	in.references = refs;
	g_assert_true (mt_thread_decide (&in, &lookup, &d, &error));
	got = bridged (&d);
	g_assert_cmpint (d.ticket, ==, 2);
	g_assert_cmpstr (got, ==, "merge:3 link:");
	mt_thread_decision_clear (&d);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/thread/new/nothing-matches", test_new_when_nothing_matches);
	g_test_add_func ("/thread/in-reply-to/joins", test_in_reply_to);
	g_test_add_func ("/thread/references/newest-first", test_references_newest_first);
	g_test_add_func ("/thread/in-reply-to/beats-references", test_in_reply_to_beats_references);
	g_test_add_func ("/thread/token/beats-headers", test_token_beats_headers);
	g_test_add_func ("/thread/token/missing-ticket-falls-through", test_token_for_missing_ticket_falls_through);
	g_test_add_func ("/thread/message-id/parent-after-child", test_own_id_referenced_before);
	g_test_add_func ("/thread/referenced-id/stranger-joins-flagged", test_referenced_id_stranger_joins_flagged);
	g_test_add_func ("/thread/referenced-id/participant-joins", test_referenced_id_participant_joins);
	g_test_add_func ("/thread/referenced-id/a-real-id-vouches", test_referenced_id_with_a_real_one);
	g_test_add_func ("/thread/subject-token/participant-joins", test_subject_token_participant_joins);
	g_test_add_func ("/thread/subject-token/stranger-opens-linked", test_subject_token_stranger_opens_linked);
	g_test_add_func ("/thread/subject-token/stranger-joins-flagged", test_subject_token_stranger_joins_flagged);
	g_test_add_func ("/thread/subject-token/ignores-unknown-ticket", test_subject_token_unknown_ticket);
	g_test_add_func ("/thread/subject-token/ids-win", test_ids_beat_subject);
	g_test_add_func ("/thread/merge/forwards", test_merged_forwards);
	g_test_add_func ("/thread/merge/loop-is-an-error", test_merge_loop_is_an_error);
	g_test_add_func ("/thread/grace/within-appends", test_closed_within_grace_appends);
	g_test_add_func ("/thread/grace/past-opens-linked", test_closed_past_grace_opens_linked);
	g_test_add_func ("/thread/grace/policy-reopens", test_closed_past_grace_reopens_by_policy);
	g_test_add_func ("/thread/subject/strip-prefixes", test_strip_prefixes);
	g_test_add_func ("/thread/subject/strip-250000-prefixes", test_strip_250000_prefixes);
	g_test_add_func ("/thread/subject/strip-prefixes-window", test_strip_prefixes_window);
	g_test_add_func ("/thread/describe/names-the-rule", test_describe_names_the_rule);
	g_test_add_func ("/thread/bridge/table", test_bridge_table);
	g_test_add_func ("/thread/bridge/follows-merges", test_bridge_follows_merges);
	g_test_add_func ("/thread/bridge/not-apart", test_bridge_not_apart);
	return g_test_run ();
}
