/*
 * NAME
 *	rules-match.c - a rule in memory: made, compiled, matched
 * DESCRIPTION
 *	A rule's patterns are compiled once, when the rules are loaded, and
 *	evaluated against the parsed message without touching the database.
 *	The values of a field are gathered (and case-folded) once per
 *	message, not once per rule: the body may be megabytes. The outcome
 *	says what the rules that matched would do; rules-apply.c does it.
 *
 *	Invalid UTF-8 in an envelope address or header is made valid before
 *	matching, so that no input reaches GRegex in a form it refuses.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/rules.h"

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
	compiled_free (rule->compiled);
	g_free (rule);
}

/* text as matched: valid UTF-8, case-folded unless case matters; owned. */
static char *
prepare_text (const char *text, gboolean fold)
{
	g_autofree char *valid = g_utf8_make_valid (text ? text : "", -1);

	return fold ? g_utf8_casefold (valid, -1) : g_steal_pointer (&valid);
}

static gboolean
compile_field (MtRule *rule, Compiled *c, int f, GError **error)
{
	g_autoptr (GError) local = NULL;
	const char *pattern = rule->patterns[f];
	gboolean fold = !rule->case_sensitive;

	if (rule->match == MT_RULE_REGEX) {
		c->regex[f] = g_regex_new (pattern, fold ? G_REGEX_CASELESS : 0, 0, &local);
		if (c->regex[f] == NULL) {
			g_set_error (error, MT_ERROR, MT_ERROR_USAGE, "rule %s: --%s: %s", rule->name ? rule->name : "",
				     mt_rule_field_name (f), local->message);
			return FALSE;
		}
	} else if (rule->match == MT_RULE_GLOB) {
		g_autofree char *text = prepare_text (pattern, fold);
		c->glob[f] = g_pattern_spec_new (text);
	} else {
		c->needle[f] = prepare_text (pattern, fold);
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

static void
values_clear (Values *v)
{
	for (int f = 0; f < MT_RULE_FIELDS; f++) {
		g_clear_pointer (&v->plain[f], g_ptr_array_unref);
		g_clear_pointer (&v->folded[f], g_ptr_array_unref);
	}
}

static void
add_value (GPtrArray *out, const char *text, gboolean fold)
{
	if (text != NULL)
		g_ptr_array_add (out, prepare_text (text, fold));
}

static void
add_headers (GPtrArray *out, MtMessage *m, const char *name, gboolean fold)
{
	GMimeHeaderList *list = g_mime_object_get_header_list (GMIME_OBJECT (m->mime));
	int n = list ? g_mime_header_list_get_count (list) : 0;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at (list, i);
		if (g_ascii_strcasecmp (g_mime_header_get_name (h), name) == 0)
			add_value (out, g_mime_header_get_value (h), fold);
	}
}

static void
gather (const MtRuleInput *in, int f, const char *header, gboolean fold, GPtrArray *out)
{
	MtMessage *m = in->message;

	switch (f) {
	case MT_RULE_SENDER:
		add_value (out, in->sender ? in->sender : "", fold);
		break;
	case MT_RULE_FROM:
		add_value (out, m->from_addr, fold);
		add_value (out, m->from, fold);
		break;
	case MT_RULE_TO:
		for (guint i = 0; i < m->recipients->len; i++)
			add_value (out, g_ptr_array_index (m->recipients, i), fold);
		add_value (out, m->to, fold);
		add_value (out, m->cc, fold);
		break;
	case MT_RULE_RECIPIENT:
		add_value (out, in->recipient ? in->recipient : "", fold);
		break;
	case MT_RULE_SUBJECT:
		add_value (out, m->subject, fold);
		break;
	case MT_RULE_HEADER:
		add_headers (out, m, header, fold);
		break;
	default:
		add_value (out, m->text, fold);
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
		*slot = g_ptr_array_new_with_free_func (g_free);
		gather (v->input, f, rule->header, fold, *slot);
	}
	return *slot;
}

/* ---- evaluation ---- */

static gboolean
value_matches (const MtRule *rule, int f, const char *value)
{
	const Compiled *c = rule->compiled;

	if (rule->match == MT_RULE_REGEX)
		return g_regex_match (c->regex[f], value, 0, NULL);
	if (rule->match == MT_RULE_GLOB)
		return g_pattern_spec_match_string (c->glob[f], value);
	return strstr (value, c->needle[f]) != NULL;
}

static gboolean
field_matches (const MtRule *rule, int f, Values *v)
{
	GPtrArray *values = values_for (v, rule, f);

	for (guint i = 0; i < values->len; i++)
		if (value_matches (rule, f, g_ptr_array_index (values, i)))
			return TRUE;
	return FALSE;
}

static gboolean
rule_matches (const MtRule *rule, Values *v)
{
	if (rule->compiled == NULL)
		return FALSE;
	for (int f = 0; f < MT_RULE_FIELDS; f++)
		if (rule->patterns[f] != NULL && !field_matches (rule, f, v))
			return FALSE;
	return TRUE;
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

MtRuleOutcome *
mt_rule_outcome_new (void)
{
	MtRuleOutcome *o = g_new0 (MtRuleOutcome, 1);

	o->matched = g_ptr_array_new ();
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

static void
take_actions (const MtRule *r, MtRuleOutcome *o)
{
	g_autofree char *priority = r->priority ? g_strdup_printf ("%d", r->priority) : NULL;

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
		o->refuse_code = r->refuse_code;
		o->refuse_line = refusal_line (r->refuse_text ? r->refuse_text : "refused");
		o->refuse_rule = g_strdup (r->name);
	}
}

void
mt_rules_evaluate (GPtrArray *rules, const MtRuleInput *input, MtRuleOutcome *outcome)
{
	Values v = { input };

	if (outcome->rules == NULL && rules != NULL)
		outcome->rules = g_ptr_array_ref (rules);
	for (guint i = 0; rules && i < rules->len; i++) {
		MtRule *rule = g_ptr_array_index (rules, i);
		if (!rule_matches (rule, &v))
			continue;
		g_ptr_array_add (outcome->matched, rule);
		take_actions (rule, outcome);
		if (rule->stop || rule->spam || rule->refuse_code != 0)
			break;
	}
	values_clear (&v);
}

char *
mt_rule_outcome_names (const MtRuleOutcome *o)
{
	GString *s = g_string_new (NULL);

	for (guint i = 0; i < o->matched->len; i++)
		g_string_append_printf (s, "%s%s", i ? "," : "", ((MtRule *) g_ptr_array_index (o->matched, i))->name);
	if (s->len == 0)
		g_string_append (s, "-");
	return g_string_free (s, FALSE);
}
