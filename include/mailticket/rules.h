/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	rules.h - rules on incoming mail: what to do with a message before
 *	it is threaded
 * DESCRIPTION
 *	A rule has conditions on the envelope sender, From, To/Cc, the
 *	envelope recipient, Subject, one named header and the body text,
 *	and actions: set queue, owner, priority, status, add tags and
 *	watchers, mark the ticket personal, skip the acknowledgement, file
 *	the message as spam, or refuse it with a sysexits code. The rules
 *	are kept in order (positions 1, 2, ...); a message is checked
 *	against each in turn, and a rule with stop, spam or refuse ends the
 *	walk. Conditions of one rule must all hold; a rule without any
 *	condition matches every message.
 *
 *	Patterns are substrings (the default), globs (GPatternSpec, the
 *	whole value must match) or regular expressions (GRegex, found
 *	anywhere unless anchored), without regard to case unless the rule
 *	says otherwise. A field with several values (From: its address and
 *	its display form; To/Cc: every address and both display forms; a
 *	header that occurs several times) matches when any value does.
 *
 *	A rule sees a bounded view of the message: of each field, at most
 *	MT_RULE_VIEW_BYTES (the first 64 KiB of the body text; of a field
 *	with several values, its values in order until they fill 64 KiB,
 *	each counting one byte more than its length). A regular expression
 *	runs with PCRE2's JIT and a limit of MT_RULE_MATCH_LIMIT steps at
 *	each position of the text it tries (and depth and heap limits where
 *	the JIT is not available), so that one rule's work on one message
 *	is bounded by the view times that limit, whatever the message.
 *
 *	Rules fail closed. A pattern that cannot be evaluated on a message
 *	(a limit reached, or a pattern that no longer compiles) makes its
 *	condition neither true nor false: a rule with a condition known
 *	false does not match; otherwise, with such a condition, the rule
 *	could not be evaluated. A rule that refuses or files as spam is
 *	then taken as matched, so that hostile mail never slips past it by
 *	breaking its pattern; any other rule is not applied. Either way the
 *	outcome lists the error, and the delivery logs and counts it
 *	(mt_rules_count_errors()).
 *
 *	mt_rules_evaluate() is pure: it reads the rules and the message and
 *	says what would be done, so that `mailticket rule test` and a
 *	delivery share it. mt_rules_apply() then does it to a ticket.
 */
#ifndef MT_RULES_H
#define MT_RULES_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/message.h"
#include "mailticket/store.h"

typedef enum {
	MT_RULE_SUBSTRING,
	MT_RULE_GLOB,
	MT_RULE_REGEX,
} MtRuleMatch;

/* The fields a condition looks at; indexes of MtRule.patterns. */
typedef enum {
	MT_RULE_SENDER, /* the envelope sender */
	MT_RULE_FROM,
	MT_RULE_TO,        /* To and Cc */
	MT_RULE_RECIPIENT, /* the envelope recipient */
	MT_RULE_SUBJECT,
	MT_RULE_HEADER, /* the header named MtRule.header */
	MT_RULE_BODY,
	MT_RULE_FIELDS
} MtRuleField;

typedef struct {
	gint64 id;
	int position; /* from 1 */
	char *name;
	MtRuleMatch match;
	gboolean case_sensitive;
	char *patterns[MT_RULE_FIELDS]; /* NULL: no condition on the field */
	char *header;                   /* the header's name, with MT_RULE_HEADER */
	char *queue, *owner, *status;   /* or NULL */
	int priority;                   /* 1-9, or 0 */
	char **tags, **watchers;        /* NULL-terminated, or NULL */
	gboolean personal, no_ack, spam, stop;
	int refuse_code;      /* a sysexits code, or 0 */
	char *refuse_text;    /* one line, with refuse_code */
	gint64 errors;        /* messages it could not be evaluated on, as loaded */
	gint64 last_error_at; /* when the last was, or 0 */
	char *last_error;     /* what went wrong then, or NULL */
	gpointer compiled;    /* the patterns ready to match; private */
} MtRule;

/* The most of each field a rule looks at, in bytes. */
#define MT_RULE_VIEW_BYTES 65536
/* The steps a regular expression may take at one position of the text. */
#define MT_RULE_MATCH_LIMIT 10000
/* The longest pattern `rule add` takes, in bytes. */
#define MT_RULE_PATTERN_MAX 1000

MtRule *mt_rule_new (void);
void mt_rule_free (MtRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtRule, mt_rule_free)

/* Names a field as the options and the list do: "sender", "from" ... */
const char *mt_rule_field_name (MtRuleField field);
/* "substring", "glob", "regex" */
const char *mt_rule_match_name (MtRuleMatch match);

/* Compiles the patterns; MT_ERROR_USAGE for a regular expression that
 * does not compile, or that begins with a PCRE2 setting such as
 * (*LIMIT_MATCH=N), which would undo the limits. Done by
 * mt_rules_load() and mt_rules_check(). */
gboolean mt_rule_compile (MtRule *rule, GError **error);

/* The rule's conditions and actions in one line, as `rule list` shows
 * them; owned. */
char *mt_rule_describe (const MtRule *rule);

/* Every rule in order, compiled: an owned array of MtRule. A rule
 * whose pattern no longer compiles is kept, and cannot be evaluated on
 * any message. */
GPtrArray *mt_rules_load (MtStore *store, GError **error);

/* What a message and its envelope are checked against. */
typedef struct {
	MtMessage *message;
	const char *sender;    /* envelope sender, or NULL */
	const char *recipient; /* envelope recipient, or NULL */
} MtRuleInput;

/* One setting of the outcome and the rule that made it. */
typedef struct {
	char *value; /* NULL: not set */
	char *rule;  /* the rule's name */
} MtRuleValue;

/* A rule that could not be evaluated on the message. */
typedef struct {
	MtRule *rule;  /* borrowed from MtRuleOutcome.rules */
	char *message; /* "--body: backtracking limit reached" */
} MtRuleError;

/* What the rules say to do. A later rule's queue, owner, priority and
 * status replace an earlier one's; tags and watchers add up. */
typedef struct {
	GPtrArray *rules;   /* a reference to the rules evaluated, which matched borrows from */
	GPtrArray *matched; /* the MtRule that matched (or was taken as matched), in order */
	GPtrArray *errors;  /* MtRuleError: the rules that could not be evaluated, in order */
	char *message_id;   /* the message's, for the log, or NULL */
	MtRuleValue queue, owner, priority, status;
	MtRuleValue personal, no_ack, spam; /* value "yes" when set */
	GArray *tags, *watchers;            /* MtRuleValue */
	int refuse_code;                    /* 0: not refused */
	char *refuse_line;                  /* "5.7.1 text", or the rule's own enhanced code */
	char *refuse_rule;
} MtRuleOutcome;

MtRuleOutcome *mt_rule_outcome_new (void);
void mt_rule_outcome_free (MtRuleOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtRuleOutcome, mt_rule_outcome_free)

/* Checks input against rules (as loaded) in order; never fails. The
 * outcome keeps a reference to rules. */
void mt_rules_evaluate (GPtrArray *rules, const MtRuleInput *input, MtRuleOutcome *outcome);

/* The names of the rules that matched, joined by commas ("-" for
 * none); owned. */
char *mt_rule_outcome_names (const MtRuleOutcome *outcome);
/* The same for the rules that could not be evaluated. */
char *mt_rule_outcome_error_names (const MtRuleOutcome *outcome);

/* Logs each rule the outcome could not evaluate, and counts it on the
 * rule (the errors `rule list` shows). Does nothing when there are
 * none. A delivery calls it once per message: mt_rules_apply() does for
 * a message it stores, the delivery itself for one a rule refused. */
gboolean mt_rules_count_errors (MtStore *store, const MtRuleOutcome *outcome, gint64 now, GError **error);

/* Does what outcome says to ticket, which the message opened (created)
 * or joined; each change has a history line by "rule:NAME", and so
 * does each rule that could not be evaluated, which is also counted
 * (mt_rules_count_errors()). Queue, owner, priority, status and
 * personal only for a new ticket; spam moves it to the queue "spam",
 * made on first use. */
gboolean mt_rules_apply (MtStore *store, const MtConfig *config, const MtRuleOutcome *outcome, gint64 ticket,
			 gboolean created, gint64 now, GError **error);

/* Checks a rule before it is added: patterns are at most
 * MT_RULE_PATTERN_MAX bytes and compile, queue, owner and watchers
 * exist, priority, status, tags and refusal are valid, and it does
 * something. MT_ERROR_USAGE or MT_ERROR_NOT_FOUND saying what is
 * wrong. */
gboolean mt_rules_check (MtStore *store, const MtConfig *config, MtRule *rule, GError **error);

/* Inserts rule at its position (0 or past the end: last); the rules
 * after it move down. MT_ERROR_USAGE when the name is taken. */
gboolean mt_rules_add (MtStore *store, MtRule *rule, gint64 now, GError **error);

/* The position of the rule called, or at, key (a name or a number);
 * MT_ERROR_NOT_FOUND when there is none. */
gboolean mt_rules_find (MtStore *store, const char *key, int *position, GError **error);

gboolean mt_rules_remove (MtStore *store, const char *key, GError **error);
/* Moves a rule to position (past the end: last). */
gboolean mt_rules_move (MtStore *store, const char *key, int position, GError **error);

/* Every rule as a JSON array, in order; owned. */
char *mt_rules_json (MtStore *store, GError **error);

const char *const *mt_rules_queries (void);

#endif
