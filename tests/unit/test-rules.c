/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-rules.c - rules on incoming mail: what matches, in what order,
 * and what the outcome says; the table's positions.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/rules.h"

static const char MESSAGE[] = "From: Anna Kunde <Anna@Customer.Example>\n"
			      "To: Support <support@example.org>, other@example.net\n"
			      "Cc: boss@customer.example\n"
			      "Subject: Invoice 42 is WRONG\n"
			      "X-Spam-Flag: NO\n"
			      "X-Spam-Flag: yes\n"
			      "X-Original-To: billing@example.org\n"
			      "Message-ID: <r1@customer.example>\n"
			      "\n"
			      "Please check the amount on page 2.\n";

typedef struct {
	MtMessage *message;
	GPtrArray *rules;
	MtRuleOutcome *outcome;
	MtRuleInput input;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	g_autoptr (GError) error = NULL;

	g_byte_array_append (raw, (const guint8 *) MESSAGE, sizeof MESSAGE - 1);
	f->message = mt_message_parse (raw, &error);
	g_assert_no_error (error);
	f->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) mt_rule_free);
	f->outcome = mt_rule_outcome_new ();
	f->input = (MtRuleInput){ f->message, "bounces+17@customer.example", NULL };
}

static void
teardown (Fixture *f, gconstpointer data)
{
	mt_rule_outcome_free (f->outcome);
	g_ptr_array_unref (f->rules);
	mt_message_free (f->message);
}

/* Adds a rule with one condition and a tag named after the rule. */
static MtRule *
add (Fixture *f, const char *name, MtRuleField field, const char *pattern, MtRuleMatch match)
{
	MtRule *r = mt_rule_new ();

	r->name = g_strdup (name);
	r->position = (int) f->rules->len + 1;
	r->match = match;
	if (pattern != NULL)
		r->patterns[field] = g_strdup (pattern);
	if (field == MT_RULE_HEADER)
		r->header = g_strdup ("X-Spam-Flag");
	r->tags = g_strsplit (name, " ", -1);
	g_ptr_array_add (f->rules, r);
	return r;
}

/* Compiles the rules and checks the message against them. */
static void
evaluate (Fixture *f)
{
	for (guint i = 0; i < f->rules->len; i++) {
		g_autoptr (GError) error = NULL;
		mt_rule_compile (g_ptr_array_index (f->rules, i), &error);
		g_assert_no_error (error);
	}
	mt_rules_evaluate (f->rules, &f->input, f->outcome);
}

/* The rules that match are these, by name, in order. */
static void
assert_matched (Fixture *f, const char *want)
{
	g_autofree char *names = NULL;

	evaluate (f);
	names = mt_rule_outcome_names (f->outcome);
	g_assert_cmpstr (names, ==, want);
}

static void
test_substring_ignores_case (Fixture *f, gconstpointer data)
{
	add (f, "a", MT_RULE_SUBJECT, "invoice 42 is wrong", MT_RULE_SUBSTRING);
	add (f, "b", MT_RULE_SUBJECT, "refund", MT_RULE_SUBSTRING);
	assert_matched (f, "a");
}

static void
test_substring_case_sensitive (Fixture *f, gconstpointer data)
{
	add (f, "a", MT_RULE_SUBJECT, "wrong", MT_RULE_SUBSTRING)->case_sensitive = TRUE;
	add (f, "b", MT_RULE_SUBJECT, "WRONG", MT_RULE_SUBSTRING)->case_sensitive = TRUE;
	assert_matched (f, "b");
}

static void
test_glob_whole_value (Fixture *f, gconstpointer data)
{
	add (f, "whole", MT_RULE_FROM, "*@customer.example", MT_RULE_GLOB);
	add (f, "part", MT_RULE_FROM, "customer", MT_RULE_GLOB);
	add (f, "display", MT_RULE_FROM, "anna kunde <*>", MT_RULE_GLOB);
	assert_matched (f, "whole,display");
}

static void
test_regex_anywhere (Fixture *f, gconstpointer data)
{
	add (f, "anywhere", MT_RULE_SUBJECT, "invoice [0-9]+", MT_RULE_REGEX);
	add (f, "anchored", MT_RULE_SUBJECT, "^wrong", MT_RULE_REGEX);
	add (f, "end", MT_RULE_SUBJECT, "wrong$", MT_RULE_REGEX);
	assert_matched (f, "anywhere,end");
}

static void
test_regex_case_sensitive (Fixture *f, gconstpointer data)
{
	add (f, "lower", MT_RULE_SUBJECT, "wrong", MT_RULE_REGEX)->case_sensitive = TRUE;
	add (f, "upper", MT_RULE_SUBJECT, "WRONG", MT_RULE_REGEX)->case_sensitive = TRUE;
	assert_matched (f, "upper");
}

static void
test_to_any_recipient (Fixture *f, gconstpointer data)
{
	add (f, "cc", MT_RULE_TO, "boss@customer.example", MT_RULE_GLOB);
	add (f, "to", MT_RULE_TO, "other@*", MT_RULE_GLOB);
	add (f, "from-is-not-to", MT_RULE_TO, "anna@", MT_RULE_SUBSTRING);
	assert_matched (f, "cc,to");
}

static void
test_envelope (Fixture *f, gconstpointer data)
{
	add (f, "sender", MT_RULE_SENDER, "bounces+*", MT_RULE_GLOB);
	add (f, "from-is-not-sender", MT_RULE_SENDER, "anna@", MT_RULE_SUBSTRING);
	f->input.recipient = "sales@example.org";
	add (f, "recipient", MT_RULE_RECIPIENT, "sales@", MT_RULE_SUBSTRING);
	assert_matched (f, "sender,recipient");
}

/* The recipient is the one the delivery found (the envelope's, or a
 * header naming one of our queues): X-Original-To alone is the sender's
 * word, and chooses nothing. */
static void
test_recipient_not_from_header (Fixture *f, gconstpointer data)
{
	add (f, "recorded", MT_RULE_RECIPIENT, "billing@example.org", MT_RULE_GLOB);
	assert_matched (f, "-");
}

static void
test_header_any_occurrence (Fixture *f, gconstpointer data)
{
	add (f, "second", MT_RULE_HEADER, "yes", MT_RULE_GLOB);
	add (f, "missing", MT_RULE_HEADER, "maybe", MT_RULE_SUBSTRING);
	assert_matched (f, "second");
}

static void
test_body (Fixture *f, gconstpointer data)
{
	add (f, "body", MT_RULE_BODY, "CHECK THE AMOUNT", MT_RULE_SUBSTRING);
	add (f, "not-subject", MT_RULE_BODY, "invoice", MT_RULE_SUBSTRING);
	assert_matched (f, "body");
}

static void
test_all_conditions_hold (Fixture *f, gconstpointer data)
{
	MtRule *both = add (f, "both", MT_RULE_SUBJECT, "invoice", MT_RULE_SUBSTRING);
	MtRule *one = add (f, "one", MT_RULE_SUBJECT, "invoice", MT_RULE_SUBSTRING);

	both->patterns[MT_RULE_BODY] = g_strdup ("amount");
	one->patterns[MT_RULE_BODY] = g_strdup ("refund");
	assert_matched (f, "both");
}

static void
test_no_condition_matches_all (Fixture *f, gconstpointer data)
{
	add (f, "everything", MT_RULE_SUBJECT, NULL, MT_RULE_SUBSTRING);
	assert_matched (f, "everything");
}

static void
test_later_setting_wins (Fixture *f, gconstpointer data)
{
	add (f, "first", MT_RULE_SUBJECT, NULL, 0)->queue = g_strdup ("one");
	add (f, "second", MT_RULE_SUBJECT, NULL, 0)->queue = g_strdup ("two");
	evaluate (f);
	g_assert_cmpstr (f->outcome->queue.value, ==, "two");
	g_assert_cmpstr (f->outcome->queue.rule, ==, "second");
}

static void
test_stop_ends_walk (Fixture *f, gconstpointer data)
{
	add (f, "first", MT_RULE_SUBJECT, NULL, 0);
	add (f, "stopper", MT_RULE_SUBJECT, "invoice", 0)->stop = TRUE;
	add (f, "never", MT_RULE_SUBJECT, NULL, 0);
	assert_matched (f, "first,stopper");
}

static void
test_stop_only_when_matched (Fixture *f, gconstpointer data)
{
	add (f, "stopper", MT_RULE_SUBJECT, "refund", 0)->stop = TRUE;
	add (f, "after", MT_RULE_SUBJECT, NULL, 0);
	assert_matched (f, "after");
}

static void
test_tags_add_up_once (Fixture *f, gconstpointer data)
{
	add (f, "a b", MT_RULE_SUBJECT, NULL, 0);
	add (f, "B c", MT_RULE_SUBJECT, NULL, 0);
	evaluate (f);
	g_assert_cmpuint (f->outcome->tags->len, ==, 3);
	g_assert_cmpstr (g_array_index (f->outcome->tags, MtRuleValue, 2).value, ==, "c");
	g_assert_cmpstr (g_array_index (f->outcome->tags, MtRuleValue, 2).rule, ==, "B c");
}

static void
test_refuse_default_status (Fixture *f, gconstpointer data)
{
	MtRule *r = add (f, "no", MT_RULE_SUBJECT, NULL, 0);

	r->refuse_code = 77;
	r->refuse_text = g_strdup ("Not from you");
	add (f, "never", MT_RULE_SUBJECT, NULL, 0);
	assert_matched (f, "no");
	g_assert_cmpint (f->outcome->refuse_code, ==, 77);
	g_assert_cmpstr (f->outcome->refuse_line, ==, "5.7.1 Not from you");
}

static void
test_refuse_own_status (Fixture *f, gconstpointer data)
{
	MtRule *r = add (f, "nouser", MT_RULE_SUBJECT, NULL, 0);

	r->refuse_code = 67;
	r->refuse_text = g_strdup ("5.1.1 No such ticket address");
	evaluate (f);
	g_assert_cmpstr (f->outcome->refuse_line, ==, "5.1.1 No such ticket address");
}

static void
test_spam_ends_walk (Fixture *f, gconstpointer data)
{
	add (f, "spam", MT_RULE_HEADER, "yes", 0)->spam = TRUE;
	add (f, "never", MT_RULE_SUBJECT, NULL, 0);
	assert_matched (f, "spam");
	g_assert_cmpstr (f->outcome->spam.value, ==, "yes");
}

static void
test_bad_regex_refused (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	MtRule *r = add (f, "bad", MT_RULE_SUBJECT, "(unclosed", MT_RULE_REGEX);

	g_assert_false (mt_rule_compile (r, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
}

static void
test_uncompiled_cannot_be_evaluated (Fixture *f, gconstpointer data)
{
	add (f, "uncompiled", MT_RULE_SUBJECT, NULL, 0);
	mt_rules_evaluate (f->rules, &f->input, f->outcome);
	g_assert_cmpuint (f->outcome->matched->len, ==, 0);
	g_assert_cmpuint (f->outcome->errors->len, ==, 1);
}

static void
test_own_limits_refused (Fixture *f, gconstpointer data)
{
	const char *patterns[] = { "(*LIMIT_MATCH=100000000)(a+)+$", "(*NO_JIT)x", "(*UTF)x" };

	for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++) {
		g_autoptr (GError) error = NULL;
		MtRule *r = add (f, "own", MT_RULE_BODY, patterns[i], MT_RULE_REGEX);
		g_assert_false (mt_rule_compile (r, &error));
		g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
		g_assert_nonnull (strstr (error->message, "may not begin with '(*'"));
	}
}

/* The message is now raw; the fixture's is replaced. */
static void
set_message (Fixture *f, const char *raw)
{
	g_autoptr (GByteArray) bytes = g_byte_array_new ();
	g_autoptr (GError) error = NULL;

	g_byte_array_append (bytes, (const guint8 *) raw, strlen (raw));
	mt_message_free (f->message);
	f->message = mt_message_parse (bytes, &error);
	g_assert_no_error (error);
	f->input.message = f->message;
}

/* A message whose body is n times the letter fill, then tail. */
static void
set_body (Fixture *f, char fill, gsize n, const char *tail)
{
	g_autofree char *run = g_strnfill (n, fill);
	g_autofree char *raw = g_strdup_printf ("From: eve@evil.example\nSubject: hello\n\n%s%s\n", run, tail);

	set_message (f, raw);
}

/* A message whose body is a run of n letters "a" and a "!": the pattern
 * (a+)+$ tries 2^n ways at its first position. */
static void
set_catastrophic_body (Fixture *f, int n)
{
	set_body (f, 'a', n, "!");
}

static void
test_limit_is_no_answer (Fixture *f, gconstpointer data)
{
	MtRuleError *e;

	set_catastrophic_body (f, 40);
	add (f, "nested", MT_RULE_BODY, "(a+)+$", MT_RULE_REGEX);
	add (f, "after", MT_RULE_SUBJECT, "hello", MT_RULE_SUBSTRING);
	assert_matched (f, "after");
	g_assert_cmpuint (f->outcome->errors->len, ==, 1);
	e = g_ptr_array_index (f->outcome->errors, 0);
	g_assert_cmpstr (e->rule->name, ==, "nested");
	g_assert_cmpstr (e->message, ==, "--body: backtracking limit reached");
	g_assert_cmpuint (f->outcome->tags->len, ==, 1);
}

static void
test_unknown_refusal_refuses (Fixture *f, gconstpointer data)
{
	MtRule *r;
	g_autofree char *errors = NULL;

	set_catastrophic_body (f, 40);
	r = add (f, "blocked", MT_RULE_BODY, "(a+)+$", MT_RULE_REGEX);
	r->refuse_code = 77;
	r->refuse_text = g_strdup ("No mail from you");
	add (f, "never", MT_RULE_SUBJECT, NULL, 0);
	assert_matched (f, "blocked");
	g_assert_cmpint (f->outcome->refuse_code, ==, 77);
	g_assert_cmpstr (f->outcome->refuse_line, ==,
			 "5.7.1 No mail from you (rule blocked: pattern could not be evaluated)");
	errors = mt_rule_outcome_error_names (f->outcome);
	g_assert_cmpstr (errors, ==, "blocked");
}

static void
test_unknown_spam_is_spam (Fixture *f, gconstpointer data)
{
	set_catastrophic_body (f, 40);
	add (f, "junk", MT_RULE_BODY, "(a+)+$", MT_RULE_REGEX)->spam = TRUE;
	assert_matched (f, "junk");
	g_assert_cmpstr (f->outcome->spam.value, ==, "yes");
	g_assert_cmpuint (f->outcome->errors->len, ==, 1);
}

static void
test_false_condition_decides (Fixture *f, gconstpointer data)
{
	MtRule *r;

	set_catastrophic_body (f, 40);
	r = add (f, "blocked", MT_RULE_BODY, "(a+)+$", MT_RULE_REGEX);
	r->patterns[MT_RULE_SUBJECT] = g_strdup ("^refund");
	r->refuse_code = 77;
	r->refuse_text = g_strdup ("No");
	assert_matched (f, "-");
	g_assert_cmpint (f->outcome->refuse_code, ==, 0);
	g_assert_cmpuint (f->outcome->errors->len, ==, 0);
}

/* One value that matches makes the field true, though others could not
 * be evaluated. */
static void
test_any_value_matches_despite_errors (Fixture *f, gconstpointer data)
{
	set_message (f, "From: eve@evil.example\n"
			"To: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!@example.org, sales@example.org\n\nhi\n");
	add (f, "sales", MT_RULE_TO, "^((a+)+|sales)@example\\.org$", MT_RULE_REGEX);
	assert_matched (f, "sales");
	g_assert_cmpuint (f->outcome->errors->len, ==, 0);
}

static void
test_body_view (Fixture *f, gconstpointer data)
{
	add (f, "substring", MT_RULE_BODY, "needle", MT_RULE_SUBSTRING);
	add (f, "regex", MT_RULE_BODY, "needle", MT_RULE_REGEX);
	set_body (f, 'x', MT_RULE_VIEW_BYTES - 100, "needle");
	assert_matched (f, "substring,regex");
	mt_rule_outcome_free (f->outcome);
	f->outcome = mt_rule_outcome_new ();
	set_body (f, 'x', MT_RULE_VIEW_BYTES, "needle");
	assert_matched (f, "-");
}

/* 100,000 Cc addresses: a rule looks at those that fit its view, so
 * that an address far down is not seen, and the work stays bounded.
 * (The message itself keeps the addresses of the first 8 KB of the
 * field, some 500: message-scan.c.) */
static void
test_to_view (Fixture *f, gconstpointer data)
{
	g_autoptr (GString) raw = g_string_new ("From: eve@evil.example\nCc: ");

	for (int i = 0; i < 100000; i++)
		g_string_append_printf (raw, "a%d@evil.example, ", i);
	g_string_append (raw, "last@evil.example\n\nhi\n");
	set_message (f, raw->str);
	add (f, "first", MT_RULE_TO, "^a0@", MT_RULE_REGEX);
	add (f, "early", MT_RULE_TO, "a100@", MT_RULE_SUBSTRING);
	add (f, "last", MT_RULE_TO, "last@", MT_RULE_SUBSTRING);
	assert_matched (f, "first,early");
}

static void
test_invalid_utf8_envelope (Fixture *f, gconstpointer data)
{
	f->input.sender = "caf\xe9\xff@example.org";
	add (f, "regex", MT_RULE_SENDER, "^caf.*@example", MT_RULE_REGEX);
	add (f, "glob", MT_RULE_SENDER, "caf*@example.org", MT_RULE_GLOB);
	assert_matched (f, "regex,glob");
}

static void
test_describe (Fixture *f, gconstpointer data)
{
	MtRule *r = add (f, "d", MT_RULE_FROM, "*@x", MT_RULE_GLOB);
	g_autofree char *text = NULL;

	r->priority = 7;
	r->stop = TRUE;
	text = mt_rule_describe (r);
	g_assert_cmpstr (text, ==, "from \"*@x\" (glob) => priority=7 tag=d stop");
}

/* ---- the table ---- */

static void
store_add (MtStore *store, const char *name, int position)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtRule) r = mt_rule_new ();

	r->name = g_strdup (name);
	r->position = position;
	r->stop = TRUE;
	mt_rules_add (store, r, 1, &error);
	g_assert_no_error (error);
}

static char *
order (MtStore *store)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (GPtrArray) rules = mt_rules_load (store, &error);
	GString *s = g_string_new (NULL);

	g_assert_no_error (error);
	for (guint i = 0; i < rules->len; i++) {
		MtRule *r = g_ptr_array_index (rules, i);
		g_assert_cmpint (r->position, ==, (int) i + 1);
		g_string_append_printf (s, "%s%s", i ? " " : "", r->name);
	}
	return g_string_free (s, FALSE);
}

static void
test_table_positions (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL, *o4 = NULL;

	g_assert_no_error (error);
	store_add (store, "a", 0);
	store_add (store, "b", 0);
	store_add (store, "c", 1);
	store_add (store, "d", 99);
	o1 = order (store);
	g_assert_cmpstr (o1, ==, "c a b d");
	g_assert_true (mt_rules_move (store, "d", 1, &error));
	o2 = order (store);
	g_assert_cmpstr (o2, ==, "d c a b");
	g_assert_true (mt_rules_move (store, "1", 3, &error));
	o3 = order (store);
	g_assert_cmpstr (o3, ==, "c a d b");
	g_assert_true (mt_rules_remove (store, "a", &error));
	o4 = order (store);
	g_assert_cmpstr (o4, ==, "c d b");
	g_assert_false (mt_rules_remove (store, "9", &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_NOT_FOUND);
}

static void
test_table_name_unique (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtRule) r = mt_rule_new ();

	store_add (store, "a", 0);
	r->name = g_strdup ("a");
	g_assert_false (mt_rules_add (store, r, 1, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
}

/* A rule with every text and number column set, each to a value of its
 * own, and the flags case_sensitive, no_ack and stop. */
static MtRule *
full_rule (void)
{
	MtRule *r = mt_rule_new ();
	const char *patterns[] = { "s@x", "f@x", "t@x", "r@x", "subj", "yes", "body text" };

	r->name = g_strdup ("full");
	r->match = MT_RULE_GLOB;
	r->case_sensitive = r->no_ack = r->stop = TRUE;
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		r->patterns[f] = g_strdup (patterns[f]);
	r->header = g_strdup ("X-Spam-Flag");
	r->queue = g_strdup ("billing");
	r->owner = g_strdup ("bob");
	r->priority = 7;
	r->status = g_strdup ("pending");
	r->tags = g_strsplit ("money urgent", " ", -1);
	r->watchers = g_strsplit ("ops@example.org team", " ", -1);
	r->refuse_code = 77;
	r->refuse_text = g_strdup ("5.7.1 Go away");
	return r;
}

/* A rule with nothing but a name and the flags given. */
static MtRule *
flag_rule (const char *name, gboolean personal, gboolean no_ack, gboolean spam, gboolean stop)
{
	MtRule *r = mt_rule_new ();

	r->name = g_strdup (name);
	r->personal = personal;
	r->no_ack = no_ack;
	r->spam = spam;
	r->stop = stop;
	return r;
}

static void
assert_same_words (char **got, char **want)
{
	g_assert_true ((got == NULL) == (want == NULL));
	g_assert_true (got == NULL || g_strv_equal ((const char *const *) got, (const char *const *) want));
}

static void
assert_same_rule (const MtRule *got, const MtRule *want)
{
	g_assert_cmpint (got->id, >, 0);
	g_assert_cmpstr (got->name, ==, want->name);
	g_assert_cmpint (got->position, ==, want->position);
	g_assert_cmpint (got->match, ==, want->match);
	g_assert_cmpint (got->case_sensitive, ==, want->case_sensitive);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		g_assert_cmpstr (got->patterns[f], ==, want->patterns[f]);
	g_assert_cmpstr (got->header, ==, want->header);
	g_assert_cmpstr (got->queue, ==, want->queue);
	g_assert_cmpstr (got->owner, ==, want->owner);
	g_assert_cmpint (got->priority, ==, want->priority);
	g_assert_cmpstr (got->status, ==, want->status);
	assert_same_words (got->tags, want->tags);
	assert_same_words (got->watchers, want->watchers);
	g_assert_cmpint (got->personal, ==, want->personal);
	g_assert_cmpint (got->no_ack, ==, want->no_ack);
	g_assert_cmpint (got->spam, ==, want->spam);
	g_assert_cmpint (got->refuse_code, ==, want->refuse_code);
	g_assert_cmpstr (got->refuse_text, ==, want->refuse_text);
	g_assert_cmpint (got->stop, ==, want->stop);
}

/* The rules of the test below as `rule list --json` shows them. */
#define RULES_JSON                                                                                              \
	"[{\"position\":1,\"name\":\"full\",\"match\":\"glob\",\"case_sensitive\":true,"                        \
	"\"conditions\":{\"sender\":\"s@x\",\"from\":\"f@x\",\"to\":\"t@x\",\"recipient\":\"r@x\","             \
	"\"subject\":\"subj\",\"header\":\"X-Spam-Flag: yes\",\"body\":\"body text\"},"                         \
	"\"actions\":{\"queue\":\"billing\",\"owner\":\"bob\",\"priority\":7,\"status\":\"pending\","           \
	"\"tags\":[\"money\",\"urgent\"],\"watchers\":[\"ops@example.org\",\"team\"],\"no_ack\":true,"          \
	"\"refuse\":\"77 5.7.1 Go away\",\"stop\":true}},"                                                      \
	"{\"position\":2,\"name\":\"a\",\"match\":\"substring\",\"case_sensitive\":false,\"conditions\":{},"    \
	"\"actions\":{\"personal\":true,\"no_ack\":true}},"                                                     \
	"{\"position\":3,\"name\":\"b\",\"match\":\"substring\",\"case_sensitive\":false,\"conditions\":{},"    \
	"\"actions\":{\"spam\":true,\"stop\":true}},"                                                           \
	"{\"position\":4,\"name\":\"bare\",\"match\":\"substring\",\"case_sensitive\":false,\"conditions\":{}," \
	"\"actions\":{}}]"

/* What mt_rules_add stores, mt_rules_load reads back, column for column;
 * and each column holds its own member, as the JSON (whose query names
 * the columns) shows: every value differs, and each flag is set in a
 * different set of the rules. */
static void
test_table_every_column_round_trips (void)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	MtRule *want[] = { full_rule (), flag_rule ("a", TRUE, TRUE, FALSE, FALSE),
			   flag_rule ("b", FALSE, FALSE, TRUE, TRUE), flag_rule ("bare", FALSE, FALSE, FALSE, FALSE) };
	g_autoptr (GPtrArray) rules = NULL;
	g_autofree char *json = NULL;

	g_assert_no_error (error);
	for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
		g_assert_true (mt_rules_add (store, want[i], 1, &error));
	rules = mt_rules_load (store, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (rules->len, ==, G_N_ELEMENTS (want));
	for (gsize i = 0; i < G_N_ELEMENTS (want); i++) {
		assert_same_rule (g_ptr_array_index (rules, i), want[i]);
		mt_rule_free (want[i]);
	}
	json = mt_rules_json (store, &error);
	g_assert_no_error (error);
	g_assert_cmpstr (json, ==, RULES_JSON);
}

/* A rule that could not be evaluated is counted on its row, with what
 * went wrong and when; the load and the JSON show it. */
static void
test_table_counts_errors (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtStore) store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);
	g_autoptr (MtRule) r = mt_rule_new ();
	g_autoptr (GPtrArray) rules = NULL;
	g_autofree char *json = NULL;
	MtRule *loaded;

	r->name = g_strdup ("nested");
	r->match = MT_RULE_REGEX;
	r->patterns[MT_RULE_BODY] = g_strdup ("(a+)+$");
	r->tags = g_strsplit ("x", " ", -1);
	g_assert_true (mt_rules_add (store, r, 1, &error));
	rules = mt_rules_load (store, &error);
	g_assert_no_error (error);
	set_catastrophic_body (f, 40);
	for (int i = 0; i < 2; i++) {
		MtRuleOutcome *o = mt_rule_outcome_new ();
		mt_rules_evaluate (rules, &f->input, o);
		g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, "rule nested: pattern could not be evaluated*");
		g_assert_true (mt_rules_count_errors (store, o, 86400 * (i + 1), &error));
		g_test_assert_expected_messages ();
		mt_rule_outcome_free (o);
	}
	g_clear_pointer (&rules, g_ptr_array_unref);
	rules = mt_rules_load (store, &error);
	loaded = g_ptr_array_index (rules, 0);
	g_assert_cmpint (loaded->errors, ==, 2);
	g_assert_cmpint (loaded->last_error_at, ==, 2 * 86400);
	g_assert_cmpstr (loaded->last_error, ==, "--body: backtracking limit reached");
	json = mt_rules_json (store, &error);
	g_assert_nonnull (strstr (json, ",\"errors\":{\"count\":2,\"last\":\"--body: backtracking limit reached\","
					"\"at\":\"1970-01-03T00:00:00Z\"}}]"));
}

#define ADD(path, fn) g_test_add ("/rules/" path, Fixture, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	mt_message_init ();
	ADD ("substring/ignores-case-by-default", test_substring_ignores_case);
	ADD ("substring/case-sensitive", test_substring_case_sensitive);
	ADD ("glob/matches-whole-value", test_glob_whole_value);
	ADD ("regex/matches-anywhere-unless-anchored", test_regex_anywhere);
	ADD ("regex/case-sensitive", test_regex_case_sensitive);
	ADD ("to/any-to-or-cc-address", test_to_any_recipient);
	ADD ("envelope/sender-and-recipient", test_envelope);
	ADD ("recipient/not-taken-from-x-original-to", test_recipient_not_from_header);
	ADD ("header/any-occurrence", test_header_any_occurrence);
	ADD ("body/text-not-subject", test_body);
	ADD ("conditions/all-must-hold", test_all_conditions_hold);
	ADD ("conditions/none-matches-every-message", test_no_condition_matches_all);
	ADD ("order/later-setting-wins", test_later_setting_wins);
	ADD ("order/stop-ends-the-walk", test_stop_ends_walk);
	ADD ("order/stop-only-when-matched", test_stop_only_when_matched);
	ADD ("tags/add-up-once", test_tags_add_up_once);
	ADD ("refuse/default-status-5.7.1", test_refuse_default_status);
	ADD ("refuse/own-enhanced-status", test_refuse_own_status);
	ADD ("spam/ends-the-walk", test_spam_ends_walk);
	ADD ("compile/bad-regex-is-usage-error", test_bad_regex_refused);
	ADD ("compile/uncompiled-cannot-be-evaluated", test_uncompiled_cannot_be_evaluated);
	ADD ("compile/own-pcre2-settings-refused", test_own_limits_refused);
	ADD ("limits/limit-reached-is-no-answer", test_limit_is_no_answer);
	ADD ("limits/refusing-rule-not-evaluated-refuses", test_unknown_refusal_refuses);
	ADD ("limits/spam-rule-not-evaluated-files-spam", test_unknown_spam_is_spam);
	ADD ("limits/a-false-condition-decides", test_false_condition_decides);
	ADD ("limits/any-value-matches-despite-errors", test_any_value_matches_despite_errors);
	ADD ("view/body-first-64-kib", test_body_view);
	ADD ("view/to-as-far-as-64-kib", test_to_view);
	ADD ("envelope/invalid-utf-8-matched-safely", test_invalid_utf8_envelope);
	ADD ("describe/one-line", test_describe);
	g_test_add_func ("/rules/table/positions-add-move-rm", test_table_positions);
	g_test_add_func ("/rules/table/name-unique", test_table_name_unique);
	g_test_add_func ("/rules/table/every-column-round-trips", test_table_every_column_round_trips);
	ADD ("table/counts-errors", test_table_counts_errors);
	return g_test_run ();
}
