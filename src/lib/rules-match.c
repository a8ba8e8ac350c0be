/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	rules-match.c - a rule in memory: made, compiled, matched
 * DESCRIPTION
 *	A rule's patterns are compiled once, when the rules are loaded, and
 *	evaluated against the parsed message without touching the database.
 *	The values of a field are gathered (and case-folded) once per
 *	message, not once per rule, and no further than a rule looks
 *	(MT_RULE_VIEW_BYTES): the body may be megabytes, and the Cc 100,000
 *	addresses. The outcome says what the rules that matched would do;
 *	rules-apply.c does it.
 *
 *	A regular expression is compiled behind PCRE2's own limits (LIMITS)
 *	and with its JIT: PCRE2 counts its steps at each position of the
 *	text, so the view times the limit bounds one condition's work on a
 *	message. A match that reaches a limit is an error, never a no: a
 *	condition is true, false, or could not be evaluated, and so is a
 *	rule (see rules.h for what becomes of it).
 *
 *	Invalid UTF-8 in an envelope address or header is made valid before
 *	matching, so that no input reaches GRegex in a form it refuses.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/rules.h"

/* In front of every regular expression: the steps it may take at one
 * position of the text, and, where PCRE2 runs it without the JIT, how
 * deep it may nest and how much heap (KiB) it may take. The last
 * setting of a limit wins, so a pattern may not begin with settings of
 * its own (compile_regex()). */
#define LIMITS "(*LIMIT_MATCH=" G_STRINGIFY (MT_RULE_MATCH_LIMIT) ")(*LIMIT_DEPTH=10000)(*LIMIT_HEAP=4096)"

/* A rule's patterns, ready: one of the three per field that has one. */
typedef struct {
	GRegex *regex[MT_RULE_FIELDS];
	GPatternSpec *glob[MT_RULE_FIELDS];
	char *needle[MT_RULE_FIELDS];
} Compiled;

static void
compiled_free (Compiled *c)
{
	if (c == NULL)
		return;
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		g_clear_pointer (&c->regex[f], g_regex_unref);
		g_clear_pointer (&c->glob[f], g_pattern_spec_free);
		g_free (c->needle[f]);
	}
	g_free (c);
}

/* Here rather than in rules.c: freeing a rule frees its compiled
 * patterns, which only this file knows. */
MtRule *
mt_rule_new (void)
{
	return g_new0 (MtRule, 1);
}

void
mt_rule_free (MtRule *rule)
{
	if (rule == NULL)
		return;
	g_free (rule->name);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		g_free (rule->patterns[f]);
	g_free (rule->header);
	g_free (rule->queue);
	g_free (rule->owner);
	g_free (rule->status);
	g_strfreev (rule->tags);
	g_strfreev (rule->watchers);
	g_free (rule->refuse_text);
	g_free (rule->last_error);
	compiled_free (rule->compiled);
	g_free (rule);
}

/* At most len bytes of text as matched: valid UTF-8, case-folded
 * unless case matters; owned. */
static char *
prepare_text (const char *text, gssize len, gboolean fold)
{
	g_autofree char *valid = g_utf8_make_valid (text ? text : "", text ? len : 0);

	return fold ? g_utf8_casefold (valid, -1) : g_steal_pointer (&valid);
}

static gboolean
compile_error (const MtRule *rule, int f, const char *message, GError **error)
{
	g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "rule %s: --%s: %s", rule->name ? rule->name : "",
		     mt_rule_field_name (f), message);
	return FALSE;
}

/* The pattern behind LIMITS, with the JIT. */
static GRegex *
compile_regex (const MtRule *rule, int f, GError **error)
{
	GRegexCompileFlags flags = rule->case_sensitive ? 0 : G_REGEX_CASELESS;
	const char *pattern = rule->patterns[f];
	g_autofree char *limited = g_strconcat (LIMITS, pattern, NULL);
	g_autoptr (GError) local = NULL;
	g_autoptr (GRegex) bare = NULL;
	GRegex *regex;

	if (g_str_has_prefix (pattern, "(*")) {
		compile_error (rule, f,
			       "a pattern may not begin with '(*': PCRE2 settings such as (*LIMIT_MATCH=N) are"
			       " mailticket's to make",
			       error);
		return NULL;
	}
	regex = g_regex_new (limited, flags | G_REGEX_OPTIMIZE, 0, NULL);
	if (regex == NULL) {
		/* What is wrong with the pattern as given, not with LIMITS and it. */
		bare = g_regex_new (pattern, flags, 0, &local);
		compile_error (rule, f, local ? local->message : "the pattern does not compile", error);
	}
	return regex;
}

static gboolean
compile_field (MtRule *rule, Compiled *c, int f, GError **error)
{
	const char *pattern = rule->patterns[f];
	gboolean fold = !rule->case_sensitive;

	if (rule->match == MT_RULE_REGEX) {
		c->regex[f] = compile_regex (rule, f, error);
		return c->regex[f] != NULL;
	}
	if (rule->match == MT_RULE_GLOB) {
		g_autofree char *text = prepare_text (pattern, -1, fold);
		c->glob[f] = g_pattern_spec_new (text);
	} else {
		c->needle[f] = prepare_text (pattern, -1, fold);
	}
	return TRUE;
}

gboolean
mt_rule_compile (MtRule *rule, GError **error)
{
	Compiled *c = g_new0 (Compiled, 1);

	g_clear_pointer (&rule->compiled, compiled_free);
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		if (rule->patterns[f] != NULL && !compile_field (rule, c, f, error)) {
			compiled_free (c);
			return FALSE;
		}
	rule->compiled = c;
	return TRUE;
}

/* ---- the values of a message's fields ---- */

/* The values of each field, gathered once per message: as they are,
 * and case-folded. The header field differs by rule and is gathered
 * each time. */
typedef struct {
	const MtRuleInput *input;
	GPtrArray *plain[MT_RULE_FIELDS];
	GPtrArray *folded[MT_RULE_FIELDS];
} Values;

/* Where the values of one field go, and how much of the view is left. */
typedef struct {
	GPtrArray *out;
	gboolean fold;
	gsize left; /* bytes */
} Gathering;

static void
values_clear (Values *v)
{
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		g_clear_pointer (&v->plain[f], g_ptr_array_unref);
		g_clear_pointer (&v->folded[f], g_ptr_array_unref);
	}
}

/* Adds as much of text as the view has room for; a value takes one
 * byte more than its length, so that no number of empty ones is
 * free. */
static void
add_value (Gathering *g, const char *text)
{
	gsize len;

	if (text == NULL || g->left == 0)
		return;
	len = MIN (strlen (text), g->left - 1);
	g->left -= len + 1;
	g_ptr_array_add (g->out, prepare_text (text, (gssize) len, g->fold));
}

static void
add_headers (Gathering *g, MtMessage *m, const char *name)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (m->mime));
	int n = list ? g_mime_header_list_get_count (list) : 0;

	for (int i = 0; i < n && g->left > 0; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (list, i);
		if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) == 0)
			add_value (g, g_mime_header_get_value (h));
	}
}

static void
gather (const MtRuleInput *in, int f, const char *header, Gathering *g)
{
	MtMessage *m = in->message;

	switch (f) {
	case MT_RULE_SENDER:
		add_value (g, in->sender ? in->sender : "");
		break;
	case MT_RULE_FROM:
		add_value (g, m->from_addr);
		add_value (g, m->from);
		break;
	case MT_RULE_TO:
		for (guint i = 0; i < m->recipients->len && g->left > 0; i++)
			add_value (g, g_ptr_array_index (m->recipients, i));
		add_value (g, m->to);
		add_value (g, m->cc);
		break;
	case MT_RULE_RECIPIENT:
		add_value (g, in->recipient ? in->recipient : "");
		break;
	case MT_RULE_SUBJECT:
		add_value (g, m->subject);
		break;
	case MT_RULE_HEADER:
		add_headers (g, m, header);
		break;
	default:
		add_value (g, m->text);
	}
}

/* The values of field f as rule matches them; borrowed from v. */
static GPtrArray *
values_for (Values *v, const MtRule *rule, int f)
{
	gboolean fold = !rule->case_sensitive && rule->match != MT_RULE_REGEX;
	GPtrArray **slot = fold ? &v->folded[f] : &v->plain[f];

	if (f == MT_RULE_HEADER)
		g_clear_pointer (slot, g_ptr_array_unref);
	if (*slot == NULL) {
		Gathering g = { g_ptr_array_new_with_free_func (g_free), fold, MT_RULE_VIEW_BYTES };
		gather (v->input, f, rule->header, &g);
		*slot = g.out;
	}
	return *slot;
}

/* ---- evaluation ---- */

/* What a condition, or a rule, comes to. */
typedef enum { NO, YES, UNKNOWN } Verdict;

/* Whether value matches; UNKNOWN, with why in *why, when the pattern
 * could not be evaluated on it. */
static Verdict
value_matches (const MtRule *rule, int f, const char *value, char **why)
{
	const Compiled *c = rule->compiled;
	g_autoptr (GError) error = NULL;
	const char *reason;

	if (rule->match == MT_RULE_GLOB)
		return g_pattern_spec_match_string (c->glob[f], value) ? YES : NO;
	if (rule->match != MT_RULE_REGEX)
		return strstr (value, c->needle[f]) != NULL ? YES : NO;
	if (g_regex_match_full (c->regex[f], value, -1, 0, 0, NULL, &error))
		return YES;
	if (error == NULL)
		return NO;
	/* "Error while matching regular expression PATTERN: REASON" */
	reason = g_strrstr (error->message, ": ");
	g_free (*why);
	*why = g_strdup_printf ("--%s: %s", mt_rule_field_name (f), reason ? reason + 2 : error->message);
	return UNKNOWN;
}

/* Any value that matches makes the field true; failing that, one that
 * could not be evaluated leaves it unknown. */
static Verdict
field_matches (const MtRule *rule, int f, Values *v, char **why)
{
	GPtrArray *values = values_for (v, rule, f);
	Verdict verdict = NO;

	for (guint i = 0; i < values->len; i++) {
		Verdict one = value_matches (rule, f, g_ptr_array_index (values, i), why);
		if (one == YES)
			return YES;
		if (one == UNKNOWN)
			verdict = UNKNOWN;
	}
	return verdict;
}

/* A condition known false makes the rule false, whatever the others;
 * failing that, one that could not be evaluated leaves it unknown. */
static Verdict
rule_matches (const MtRule *rule, Values *v, char **why)
{
	Verdict verdict = YES;

	if (rule->compiled == NULL) {
		*why = g_strdup ("its pattern does not compile");
		return UNKNOWN;
	}
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		Verdict one = rule->patterns[f] != NULL ? field_matches (rule, f, v, why) : YES;
		if (one == NO)
			return NO;
		if (one == UNKNOWN)
			verdict = UNKNOWN;
	}
	return verdict;
}

static void
value_clear (MtRuleValue *v)
{
	g_clear_pointer (&v->value, g_free);
	g_clear_pointer (&v->rule, g_free);
}

static void
set_value (MtRuleValue *v, const char *value, const char *rule)
{
	value_clear (v);
	v->value = g_strdup (value);
	v->rule = g_strdup (rule);
}

static void
rule_error_free (MtRuleError *e)
{
	g_free (e->message);
	g_free (e);
}

MtRuleOutcome *
mt_rule_outcome_new (void)
{
	MtRuleOutcome *o = g_new0 (MtRuleOutcome, 1);

	o->matched = g_ptr_array_new ();
	o->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_error_free);
	o->tags = g_array_new (FALSE, TRUE, sizeof (MtRuleValue));
	o->watchers = g_array_new (FALSE, TRUE, sizeof (MtRuleValue));
	g_array_set_clear_func (o->tags, (GDestroyNotify) value_clear);
	g_array_set_clear_func (o->watchers, (GDestroyNotify) value_clear);
	return o;
}

void
mt_rule_outcome_free (MtRuleOutcome *o)
{
	MtRuleValue *singles[] = { &o->queue, &o->owner, &o->priority, &o->status, &o->personal, &o->no_ack, &o->spam };

	for (gsize i = 0; i < G_N_ELEMENTS (singles); i++)
		value_clear (singles[i]);
	g_ptr_array_unref (o->matched);
	g_ptr_array_unref (o->errors);
	g_free (o->message_id);
	if (o->rules)
		g_ptr_array_unref (o->rules);
	g_array_unref (o->tags);
	g_array_unref (o->watchers);
	g_free (o->refuse_line);
	g_free (o->refuse_rule);
	g_free (o);
}

/* Adds each of words to list once, for rule. */
static void
add_words (GArray *list, char **words, const char *rule)
{
	for (int i = 0; words && words[i]; i++) {
		gboolean seen = FALSE;
		for (guint j = 0; j < list->len && !seen; j++)
			seen = g_ascii_strcasecmp (g_array_index (list, MtRuleValue, j).value, words[i]) == 0;
		if (!seen) {
			MtRuleValue v = { g_strdup (words[i]), g_strdup (rule) };
			g_array_append_val (list, v);
		}
	}
}

/* A refusal's line: its text if that starts with an enhanced status
 * code, else 5.7.1 (delivery not authorized) and the text; owned. */
static char *
refusal_line (const char *text)
{
	if (g_regex_match_simple ("^5\\.[0-9]{1,3}\\.[0-9]{1,3} ", text, 0, 0))
		return g_strdup (text);
	return g_strdup_printf ("5.7.1 %s", text);
}

/* Does what rule says; unknown: it could not be evaluated, and is
 * taken as matched because it refuses or files as spam. */
static void
take_actions (const MtRule *r, gboolean unknown, MtRuleOutcome *o)
{
	g_autofree char *priority = r->priority ? g_strdup_printf ("%d", r->priority) : NULL;
	g_autofree char *line = NULL;

	if (r->queue)
		set_value (&o->queue, r->queue, r->name);
	if (r->owner)
		set_value (&o->owner, r->owner, r->name);
	if (priority)
		set_value (&o->priority, priority, r->name);
	if (r->status)
		set_value (&o->status, r->status, r->name);
	add_words (o->tags, r->tags, r->name);
	add_words (o->watchers, r->watchers, r->name);
	if (r->personal)
		set_value (&o->personal, "yes", r->name);
	if (r->no_ack)
		set_value (&o->no_ack, "yes", r->name);
	if (r->spam)
		set_value (&o->spam, "yes", r->name);
	if (r->refuse_code != 0) {
		line = refusal_line (r->refuse_text ? r->refuse_text : "refused");
		o->refuse_code = r->refuse_code;
		o->refuse_line =
			unknown ? g_strdup_printf ("%s (rule %s: pattern could not be evaluated)", line, r->name)
				: g_steal_pointer (&line);
		o->refuse_rule = g_strdup (r->name);
	}
}

/* Whether rule ends the walk when it matches. */
static gboolean
final (const MtRule *rule)
{
	return rule->stop || rule->spam || rule->refuse_code != 0;
}

/* Lists rule among those that could not be evaluated, and says whether
 * it is taken as matched: it is when it refuses or files as spam, so
 * that breaking its pattern is no way past it. */
static gboolean
unknown_rule (MtRule *rule, char *why, MtRuleOutcome *o)
{
	MtRuleError *e = g_new0 (MtRuleError, 1);

	e->rule = rule;
	e->message = why;
	g_ptr_array_add (o->errors, e);
	return rule->spam || rule->refuse_code != 0;
}

void
mt_rules_evaluate (GPtrArray *rules, const MtRuleInput *input, MtRuleOutcome *outcome)
{
	Values v = { input };

	if (outcome->rules == NULL && rules != NULL)
		outcome->rules = g_ptr_array_ref (rules);
	if (outcome->message_id == NULL && input->message != NULL)
		outcome->message_id = g_strdup (input->message->message_id);
	for (guint i = 0; rules && i < rules->len; i++) {
		MtRule *rule = g_ptr_array_index (rules, i);
		char *why = NULL;
		Verdict verdict = rule_matches (rule, &v, &why);
		if (verdict == UNKNOWN && !unknown_rule (rule, g_steal_pointer (&why), outcome))
			continue;
		g_free (why);
		if (verdict == NO)
			continue;
		g_ptr_array_add (outcome->matched, rule);
		take_actions (rule, verdict == UNKNOWN, outcome);
		if (final (rule))
			break;
	}
	values_clear (&v);
}

/* The names of the rules of list, each got from its item by rule_of,
 * joined by commas; "-" for none; owned. */
static char *
names (GPtrArray *list, MtRule *(*rule_of) (gpointer item))
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < list->len; i++)
		g_string_append_printf (s, "%s%s", i ? "," : "", rule_of (g_ptr_array_index (list, i))->name);
	if (s->len == 0)
		g_string_append (s, "-");
	return g_string_free (s, FALSE);
}

static MtRule *
itself (gpointer rule)
{
	return rule;
}

static MtRule *
erring (gpointer error)
{
	return ((MtRuleError *) error)->rule;
}

char *
mt_rule_outcome_names (const MtRuleOutcome *o)
{
	return names (o->matched, itself);
}

char *
mt_rule_outcome_error_names (const MtRuleOutcome *o)
{
	return names (o->errors, erring);
}
