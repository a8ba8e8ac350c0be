/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	template.c - reading, checking and expanding templates
 * DESCRIPTION
 *	A template is checked line by line, so that every problem has a
 *	line to point at, and expanded the same way: the header block,
 *	with folded lines joined, and the body, where a line that holds
 *	only {{#if VAR}} or {{/if}} opens or closes a block kept when VAR
 *	is not empty ({{#unless VAR}} ... {{/unless}}: when it is). The variables each template may use are listed once,
 *	here; mailticket-templates(5) describes them.
 */
#include <string.h>

#include "mailticket/template.h"

/* What every template of mail about a ticket may use. */
#define COMMON                                                                                           \
	"ticket.id ticket.subject ticket.token ticket.status ticket.priority ticket.queue ticket.owner " \
	"ticket.requester ticket.due ticket.response_due queue.name queue.address queue.response_time "  \
	"requester.name requester.address date "
/* What a mail to agents may use besides. */
#define AGENTS COMMON "recipient.agent comment.address "
#define REPLY COMMON "article.text article.quote agent.name agent.login signature"

static const struct {
	const char *name, *variables;
	gboolean body_only;
} known[] = {
	{ "ack", COMMON "ticket.joined" },
	{ "reply", REPLY },
	{ "signature", COMMON "agent.name agent.login agent.address", TRUE },
	{ "notify-new", AGENTS "author article.text" },
	{ "notify-article", AGENTS "author article.text article.internal" },
	{ "notify-status", AGENTS "by status.old status status.name" },
	{ "notify-owner", AGENTS "by" },
	{ "notify-task", AGENTS "by task" },
	{ "notify-approval", AGENTS "by note" },
	{ "notify-bounce", AGENTS "reason" },
	{ "notify-link", AGENTS "linked.id linked.subject linked.token bridge.from bridge.subject bridge.message_id "
				"merge.command" },
	{ "requester-status", COMMON "status status.name note" },
	{ "alarm", AGENTS "alarm.for alarm.due alarm.by alarm.text" },
	{ "escalation", AGENTS "escalation.pending escalation.response escalation.resolution escalation.due "
			       "escalation.minutes" },
	{ "answers/", REPLY, TRUE },
};

/* Headers that mailticket writes itself: a template may not set them. */
static const char *const reserved[] = { "from",
					"to",
					"cc",
					"bcc",
					"reply-to",
					"date",
					"message-id",
					"in-reply-to",
					"references",
					"mime-version",
					"x-loop",
					"auto-submitted",
					"content-type",
					"content-transfer-encoding",
					"content-language",
					NULL };

static int
known_index (const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS (known); i++)
		if (g_str_has_suffix (known[i].name, "/")
			    ? g_str_has_prefix (name, known[i].name) && name[strlen (known[i].name)]
			    : strcmp (name, known[i].name) == 0)
			return (int) i;
	return -1;
}

const char *const *
mt_template_names (void)
{
	static const char *names[G_N_ELEMENTS (known)];

	for (guint i = 0; i + 1 < G_N_ELEMENTS (known); i++)
		names[i] = known[i].name;
	return names;
}

const char *const *
mt_template_variables (const char *name)
{
	static GStrv lists[G_N_ELEMENTS (known)];
	int i = known_index (name);

	if (i < 0)
		return NULL;
	if (lists[i] == NULL)
		lists[i] = g_strsplit (known[i].variables, " ", -1);
	return (const char *const *) lists[i];
}

static gboolean
body_only (const char *name)
{
	int i = known_index (name);

	return i >= 0 && known[i].body_only;
}

/* Only the CR of a CRLF: a signature's "-- " keeps its space. */
static void
drop_cr (char *line)
{
	size_t n = strlen (line);

	if (n > 0 && line[n - 1] == '\r')
		line[n - 1] = '\0';
}

typedef struct {
	const char *name, *where;
	GPtrArray *problems;
	int line;
	int depth;
	GArray *opened; /* line numbers of the open blocks */
} Check;

static void G_GNUC_PRINTF (2, 3) problem (Check *c, const char *format, ...)
{
	va_list ap;
	g_autofree char *what = NULL;

	va_start (ap, format);
	what = g_strdup_vprintf (format, ap);
	va_end (ap);
	g_ptr_array_add (c->problems, g_strdup_printf ("%s:%d: %s", c->where, c->line, what));
}

static gboolean
variable_known (const char *name, const char *variable)
{
	const char *const *list = mt_template_variables (name);

	return list != NULL && *variable && g_strv_contains (list, variable);
}

/* The block a line opens ({{#if VAR}}: VAR, {{#unless VAR}}: !VAR;
 * owned) or closes ("/"), or NULL for a line of text. */
static char *
block_line (const char *line)
{
	g_autofree char *s = g_strstrip (g_strdup (line));
	size_t n = strlen (s);

	if (n < 4 || !g_str_has_prefix (s, "{{") || !g_str_has_suffix (s, "}}") || strstr (s + 2, "{{"))
		return NULL;
	s[n - 2] = '\0';
	g_strstrip (s + 2);
	if (strcmp (s + 2, "/if") == 0 || strcmp (s + 2, "/unless") == 0)
		return g_strdup ("/");
	if (g_str_has_prefix (s + 2, "#if ") || g_str_has_prefix (s + 2, "#if\t"))
		return g_strstrip (g_strdup (s + 5));
	if (g_str_has_prefix (s + 2, "#unless ") || g_str_has_prefix (s + 2, "#unless\t"))
		return g_strconcat ("!", g_strstrip (s + 10), NULL);
	return NULL;
}

/* Checks the {{...}} of one line of text. */
static void
check_variables (Check *c, const char *line)
{
	const char *p = line;

	while ((p = strstr (p, "{{")) != NULL) {
		const char *end = strstr (p + 2, "}}");
		g_autofree char *var = NULL;

		if (end == NULL) {
			problem (c, "{{ without }}");
			return;
		}
		var = g_strstrip (g_strndup (p + 2, end - p - 2));
		if (var[0] == '#' || var[0] == '/')
			problem (c, "{{%s}} must stand alone on its line", var);
		else if (!variable_known (c->name, var))
			problem (c, "unknown variable {{%s}}", var);
		p = end + 2;
	}
}

static void
check_body_line (Check *c, const char *line)
{
	g_autofree char *block = block_line (line);

	if (block == NULL) {
		check_variables (c, line);
	} else if (strcmp (block, "/") == 0) {
		if (c->opened->len == 0)
			problem (c, "{{/if}} without {{#if}} or {{#unless}}");
		else
			g_array_set_size (c->opened, c->opened->len - 1);
	} else {
		const char *var = block[0] == '!' ? block + 1 : block;

		if (!variable_known (c->name, var))
			problem (c, "unknown variable {{%s %s}}", block[0] == '!' ? "#unless" : "#if", var);
		g_array_append_val (c->opened, c->line);
	}
}

static gboolean
header_name_ok (const char *line, size_t n)
{
	if (n == 0)
		return FALSE;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum (line[i]) && line[i] != '-')
			return FALSE;
	return TRUE;
}

/* Checks a header line; sets *subject when it is the Subject. */
static void
check_header_line (Check *c, const char *line, gboolean first, gboolean *subject)
{
	const char *colon = strchr (line, ':');
	g_autofree char *name = NULL;

	if (line[0] == ' ' || line[0] == '\t') {
		if (first)
			problem (c, "a folded line before any header");
		check_variables (c, line);
		return;
	}
	if (colon == NULL || !header_name_ok (line, colon - line)) {
		problem (c, "not a header line (a blank line ends the headers)");
		return;
	}
	name = g_ascii_strdown (line, colon - line);
	if (g_strv_contains (reserved, name))
		problem (c, "%.*s is written by mailticket, not by a template", (int) (colon - line), line);
	*subject = *subject || strcmp (name, "subject") == 0;
	check_variables (c, colon + 1);
}

gboolean
mt_template_check (const char *name, const char *where, const char *text, GPtrArray *problems)
{
	g_auto (GStrv) lines = NULL;
	g_autoptr (GArray) opened = g_array_new (FALSE, FALSE, sizeof (int));
	Check c = { name, where, problems, 1, 0, opened };
	guint before = problems->len;
	gboolean head = !body_only (name), subject = FALSE;
	int i = 0;

	if (known_index (name) < 0) {
		problem (&c, "no template is called %s", name);
		return FALSE;
	}
	if (!g_utf8_validate (text, -1, NULL)) {
		problem (&c, "not UTF-8");
		return FALSE;
	}
	lines = g_strsplit (text, "\n", -1);
	for (int k = 0; lines[k]; k++)
		drop_cr (lines[k]);
	for (; head && lines[i]; i++, c.line++) {
		if (lines[i][0] == '\0')
			break;
		check_header_line (&c, lines[i], i == 0, &subject);
	}
	/* The empty string after the last newline is no blank line. */
	if (head && (lines[i] == NULL || lines[i + 1] == NULL))
		problem (&c, "no blank line after the headers");
	else if (head && !subject)
		c.line = 1, problem (&c, "no Subject: header");
	if (head && lines[i] != NULL)
		i++, c.line = i + 1;
	for (; lines[i]; i++, c.line++)
		check_body_line (&c, lines[i]);
	for (guint k = 0; k < opened->len; k++)
		c.line = g_array_index (opened, int, k), problem (&c, "{{#if}} or {{#unless}} without its end");
	return problems->len == before;
}

/* Appends line to out with its variables replaced. */
static void
expand_line (GString *out, const char *line, GHashTable *vars)
{
	const char *p = line, *start;

	while ((start = strstr (p, "{{")) != NULL) {
		const char *end = strstr (start + 2, "}}");
		g_autofree char *var = NULL;
		const char *value;

		if (end == NULL)
			break;
		g_string_append_len (out, p, start - p);
		var = g_strstrip (g_strndup (start + 2, end - start - 2));
		if ((value = g_hash_table_lookup (vars, var)) != NULL)
			g_string_append (out, value);
		p = end + 2;
	}
	g_string_append (out, p);
}

static const char *
lookup (GHashTable *vars, const char *name)
{
	const char *value = g_hash_table_lookup (vars, name);

	return value ? value : "";
}

static char *
expand_body (char **lines, GHashTable *vars)
{
	GString *out = g_string_new (NULL);
	g_autoptr (GArray) kept = g_array_new (FALSE, FALSE, sizeof (gboolean));
	gboolean on = TRUE;

	for (int i = 0; lines[i]; i++) {
		g_autofree char *block = block_line (lines[i]);

		if (block && strcmp (block, "/") == 0 && kept->len > 0) {
			on = g_array_index (kept, gboolean, kept->len - 1);
			g_array_set_size (kept, kept->len - 1);
		} else if (block && strcmp (block, "/") != 0) {
			gboolean set = block[0] == '!' ? !*lookup (vars, block + 1) : *lookup (vars, block) != '\0';

			g_array_append_val (kept, on);
			on = on && set;
		} else if (on) {
			expand_line (out, lines[i], vars);
			if (lines[i + 1])
				g_string_append_c (out, '\n');
		}
	}
	return g_string_free (out, FALSE);
}

/* Adds the header lines (folded ones joined) to t. */
static void
expand_head (MtTemplateText *t, char **lines, int n, GHashTable *vars)
{
	for (int i = 0; i < n; i++) {
		g_autoptr (GString) value = g_string_new (NULL);
		const char *colon = strchr (lines[i], ':');
		g_autofree char *name = colon ? g_strndup (lines[i], colon - lines[i]) : NULL;

		if (name == NULL)
			continue;
		expand_line (value, colon + 1, vars);
		while (i + 1 < n && (lines[i + 1][0] == ' ' || lines[i + 1][0] == '\t'))
			i++, g_string_append_c (value, ' '),
				expand_line (value, lines[i] + strspn (lines[i], " \t"), vars);
		g_strstrip (value->str);
		if (g_ascii_strcasecmp (name, "Subject") == 0) {
			g_free (t->subject);
			t->subject = g_strdup (value->str);
		} else {
			g_ptr_array_add (t->head, g_steal_pointer (&name));
			g_ptr_array_add (t->head, g_strdup (value->str));
		}
	}
}

MtTemplateText *
mt_template_expand (const char *name, const char *text, GHashTable *vars)
{
	g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
	MtTemplateText *t = g_new0 (MtTemplateText, 1);
	int n = 0;

	t->head = g_ptr_array_new_with_free_func (g_free);
	for (int i = 0; lines[i]; i++)
		drop_cr (lines[i]);
	if (!body_only (name)) {
		while (lines[n] && lines[n][0] != '\0')
			n++;
		expand_head (t, lines, n, vars);
		n += lines[n] ? 1 : 0;
	}
	t->body = expand_body (lines + n, vars);
	return t;
}

void
mt_template_text_free (MtTemplateText *t)
{
	if (t == NULL)
		return;
	g_free (t->lang);
	g_free (t->source);
	g_free (t->subject);
	g_ptr_array_unref (t->head);
	g_free (t->body);
	g_free (t);
}

GHashTable *
mt_template_vars_new (void)
{
	return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
mt_template_set (GHashTable *vars, const char *name, const char *value)
{
	g_hash_table_replace (vars, g_strdup (name), g_strdup (value ? value : ""));
}
