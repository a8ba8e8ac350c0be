/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	config-keys.c - every section and key of mailticket.conf, and where
 *	in the file each one is
 * DESCRIPTION
 *	The one table of the keys the programs read: config.c reads each
 *	through it (its default, its type's check), mailticket config show
 *	lists it, and a key or section of the file that is not in it is a
 *	warning. GKeyFile knows no line numbers: the file's text is scanned
 *	line by line to find the one a section or key is on, only to tell
 *	the admin where to look; GKeyFile's reading stays the one that
 *	counts. The parsers of sizes and durations are here too: they
 *	are two of the types a key may have.
 */
#include <errno.h>
#include <string.h>

#include "config-private.h"

#define NUMBER(lo, hi) .min = (lo), .max = (hi)

/* clang-format off */
static const MtConfigKey keys[] = {
	{ "database", "path", MT_CONFIG_PATH, MT_CONFIG_DEFAULT_DB, "the SQLite database" },
	{ "database", "busy_timeout", MT_CONFIG_NUMBER, "30000", "milliseconds to wait for another process's lock",
	  NUMBER (0, G_MAXINT) },
	{ "mail", "domain", MT_CONFIG_TEXT, NULL, "the helpdesk's mail domain; default: /etc/mailname, else the host name" },
	{ "mail", "address", MT_CONFIG_TEXT, NULL, "the default queue's address and our From; default: support@DOMAIN" },
	{ "mail", "queue", MT_CONFIG_TEXT, "support", "the default queue's name" },
	{ "mail", "tag", MT_CONFIG_TEXT, "Ticket", "the tag of subject tokens, [TAG#ID]" },
	{ "mail", "secret_file", MT_CONFIG_PATH, NULL, "the secret of reply tokens, else the database's own" },
	{ "mail", "recipient_delimiter", MT_CONFIG_TEXT, "+", "the characters that start an address extension, as Postfix's" },
	{ "mail", "max_message_size", MT_CONFIG_SIZE, "50M", "the largest message accepted" },
	{ "mail", "max_parts", MT_CONFIG_NUMBER, "500", "how many MIME parts of a message are listed", NUMBER (1, 1000000) },
	{ "mail", "max_depth", MT_CONFIG_NUMBER, "20", "how deep in multiparts a part is listed", NUMBER (1, 1000) },
	{ "mail", "fallback_charsets", MT_CONFIG_TEXT, NULL,
	  "charsets tried in order for 8-bit text without a label; default: windows-1252" },
	{ "mail", "acknowledge", MT_CONFIG_YES_NO, "yes", "acknowledge a new ticket to its sender" },
	{ "mail", "ack_limit", MT_CONFIG_NUMBER, "5", "acknowledgements an hour to one address", NUMBER (0, 100000) },
	{ "mail", "name", MT_CONFIG_TEXT, NULL, "the display name of our From" },
	{ "mail", "response_time", MT_CONFIG_TEXT, NULL, "what an acknowledgement promises", .per_queue = TRUE },
	{ "mail", "lang", MT_CONFIG_TEXT, "en", "the language of mail when nothing else names one", .per_queue = TRUE },
	{ "mail", "max_reply_recipients", MT_CONFIG_NUMBER, "50", "a reply to more addresses is refused",
	  NUMBER (1, 100000) },
	{ "mail", "trust_authserv_id", MT_CONFIG_TEXT, NULL, "the Authentication-Results host an agent's mail needs" },
	{ "notify", "new_ticket", MT_CONFIG_YES_NO, "yes", "a new ticket is told to the queue's group", .per_queue = TRUE },
	{ "notify", "owner", MT_CONFIG_YES_NO, "yes", "a new owner is told", .per_queue = TRUE },
	{ "notify", "task", MT_CONFIG_YES_NO, "yes", "an agent given a task is told", .per_queue = TRUE },
	{ "notify", "approval", MT_CONFIG_YES_NO, "yes", "an approver is told", .per_queue = TRUE },
	{ "notify", "reply_takes", MT_CONFIG_YES_NO, "yes", "an agent who replies becomes owner or watcher",
	  .per_queue = TRUE },
	{ "notify", "requester_resolved", MT_CONFIG_YES_NO, "yes", "the requester is told of resolved",
	  .per_queue = TRUE },
	{ "notify", "requester_pending", MT_CONFIG_YES_NO, "yes", "the requester is told of pending with a note",
	  .per_queue = TRUE },
	{ "notify", "bounce", MT_CONFIG_YES_NO, "yes", "a bounced reply is told to its author", .per_queue = TRUE },
	{ "templates", "dir", MT_CONFIG_PATH, "/etc/mailticket/templates", "the admin's templates" },
	{ "thread", "foreign_subject", MT_CONFIG_CHOICE, "link", "a stranger's subject token: link a new ticket, or join",
	  .choices = "link|join" },
	{ "deliver", "socket", MT_CONFIG_PATH, NULL, "the socket of mailticket-deliver --serve" },
	{ "deliver", "listen", MT_CONFIG_TEXT, NULL, "HOST:PORT where --serve also speaks LMTP over TCP" },
	{ "deliver", "allow", MT_CONFIG_TEXT, NULL, "the addresses and networks served over TCP; default: none" },
	{ "deliver", "users", MT_CONFIG_TEXT, NULL, "the users served on the socket besides root and our own" },
	{ "deliver", "max_connections", MT_CONFIG_NUMBER, "64", "connections --serve takes at once",
	  NUMBER (1, 100000) },
	{ "deliver", "max_per_peer", MT_CONFIG_NUMBER, "32", "connections of one user or address at once",
	  NUMBER (1, 100000) },
	{ "deliver", "idle_timeout", MT_CONFIG_DURATION, "5m", "a silent LMTP client is let go after this" },
	{ "deliver", "session_timeout", MT_CONFIG_DURATION, "1h", "the longest an LMTP connection lasts" },
	{ "smtp", "host", MT_CONFIG_TEXT, "localhost", "where mailticket-send delivers" },
	{ "smtp", "port", MT_CONFIG_NUMBER, "25", "its TCP port", NUMBER (1, 65535) },
	{ "smtp", "starttls", MT_CONFIG_CHOICE, "no", "encrypt with STARTTLS", .choices = "no|yes|required" },
	{ "smtp", "user", MT_CONFIG_TEXT, NULL, "the SMTP AUTH user; with password_file" },
	{ "smtp", "password_file", MT_CONFIG_PATH, NULL, "the file of user's password; read by mailticket-send only" },
	{ "smtp", "helo", MT_CONFIG_TEXT, NULL, "the EHLO name; default: [mail] domain" },
	{ "smtp", "max_age", MT_CONFIG_DURATION, "5d", "how long a message may wait in the outbox" },
	{ "retention", "purge_closed_after", MT_CONFIG_DURATION, NULL, "closed tickets older are erased, else kept for ever" },
	{ "queue", "auto_close_after", MT_CONFIG_DURATION, NULL,
	  "resolved tickets of the queue are closed after this; only in [queue NAME]", .per_queue = TRUE },
	{ NULL },
};
/* clang-format on */

const MtConfigKey *
mt_config_keys (void)
{
	return keys;
}

const char *
mt_config_section_queue (const char *section)
{
	gsize n = strlen (MT_CONFIG_QUEUE_SECTION);

	if (strncmp (section, MT_CONFIG_QUEUE_SECTION, n) != 0 || section[n] != ' ')
		return NULL;
	for (section += n; *section == ' '; section++)
		;
	return *section ? section : NULL;
}

const MtConfigKey *
mt_config_key_find (const char *section, const char *key)
{
	gboolean queue = mt_config_section_queue (section) != NULL;

	for (const MtConfigKey *k = keys; k->key; k++)
		if (strcmp (k->key, key) == 0 && (queue ? k->per_queue : strcmp (k->section, section) == 0))
			return k;
	return NULL;
}

gboolean
mt_config_section_known (const char *section)
{
	if (mt_config_section_queue (section) != NULL)
		return TRUE;
	/* "queue" rows are keys of [queue NAME] only. */
	for (const MtConfigKey *k = keys; k->key; k++)
		if (strcmp (k->section, section) == 0 && strcmp (section, MT_CONFIG_QUEUE_SECTION) != 0)
			return TRUE;
	return FALSE;
}

/* The section a line opens ("[mail]": "mail"), or NULL. Owned. */
static char *
line_section (const char *line)
{
	const char *end;

	while (g_ascii_isspace (*line))
		line++;
	if (*line != '[' || !(end = strrchr (line, ']')))
		return NULL;
	return g_strndup (line + 1, end - line - 1);
}

/* Whether line sets key: "key = value", "key=value". */
static gboolean
line_key (const char *line, const char *key)
{
	gsize n = strlen (key);

	while (g_ascii_isspace (*line))
		line++;
	if (strncmp (line, key, n) != 0)
		return FALSE;
	for (line += n; *line == ' ' || *line == '\t'; line++)
		;
	return *line == '=';
}

guint
config_line (char **lines, const char *section, const char *key)
{
	g_autofree char *current = NULL;
	guint found = 0;

	for (guint i = 0; lines && lines[i]; i++) {
		char *opened = line_section (lines[i]);

		if (opened != NULL) {
			g_free (current);
			current = opened;
			if (key == NULL && strcmp (current, section) == 0 && found == 0)
				found = i + 1;
		} else if (key != NULL && g_strcmp0 (current, section) == 0 && line_key (lines[i], key)) {
			/* GKeyFile keeps the last of a key set twice. */
			found = i + 1;
		}
	}
	return found;
}

char *
config_where (const char *file, char **lines, const char *section, const char *key)
{
	guint line = config_line (lines, section, key);

	if (line == 0)
		line = config_line (lines, section, NULL);
	return line ? g_strdup_printf ("%s:%u", file, line) : g_strdup (file);
}

/* How many edits make a into b, up to 3 (more is 3): a typo's distance. */
static guint
distance (const char *a, const char *b)
{
	gsize la = strlen (a), lb = strlen (b);
	g_autofree guint *row = g_new (guint, lb + 1);

	if (la > lb + 3 || lb > la + 3)
		return 3;
	for (gsize j = 0; j <= lb; j++)
		row[j] = j;
	for (gsize i = 1; i <= la; i++) {
		guint diagonal = row[0];

		row[0] = i;
		for (gsize j = 1; j <= lb; j++) {
			guint above = row[j];

			row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] != b[j - 1]));
			diagonal = above;
		}
	}
	return MIN (row[lb], 3);
}

/* "; did you mean NAME?" for the known name nearest to name, or "". */
static const char *
suggestion (const char *name, const char *section, char *buf, gsize size)
{
	const char *best = NULL;
	guint best_distance = 3;

	for (const MtConfigKey *k = keys; k->key; k++) {
		const char *candidate = section ? k->key : k->section;
		guint d;

		if (section != NULL &&
		    !(mt_config_section_queue (section) ? k->per_queue : strcmp (k->section, section) == 0))
			continue;
		if ((d = distance (name, candidate)) < best_distance)
			best = candidate, best_distance = d;
	}
	if (best == NULL)
		return "";
	g_snprintf (buf, size, section ? "; did you mean %s?" : "; did you mean [%s]?", best);
	return buf;
}

void
config_unknown (GKeyFile *kf, const char *file, char **lines, GPtrArray *warnings)
{
	g_auto (GStrv) sections = g_key_file_get_groups (kf, NULL);
	char hint[128];

	for (int i = 0; sections[i]; i++) {
		g_auto (GStrv) names = NULL;

		if (!mt_config_section_known (sections[i])) {
			g_autofree char *where = config_where (file, lines, sections[i], NULL);

			g_ptr_array_add (warnings, g_strdup_printf ("%s: unknown section [%s]%s", where, sections[i],
								    suggestion (sections[i], NULL, hint, sizeof hint)));
			continue;
		}
		names = g_key_file_get_keys (kf, sections[i], NULL, NULL);
		for (int j = 0; names && names[j]; j++) {
			g_autofree char *where = NULL;

			if (mt_config_key_find (sections[i], names[j]) != NULL)
				continue;
			where = config_where (file, lines, sections[i], names[j]);
			g_ptr_array_add (warnings,
					 g_strdup_printf ("%s: unknown key %s in [%s]%s", where, names[j], sections[i],
							  suggestion (names[j], sections[i], hint, sizeof hint)));
		}
	}
}

gboolean
mt_config_parse_size (const char *text, guint64 *size)
{
	char *end = NULL;
	guint64 value, unit = 1;

	if (text == NULL || !g_ascii_isdigit (*text))
		return FALSE;
	errno = 0;
	value = g_ascii_strtoull (text, &end, 10);
	if (errno == ERANGE)
		return FALSE;
	switch (g_ascii_toupper (*end)) {
	case 'K':
		unit = 1024;
		end++;
		break;
	case 'M':
		unit = 1024 * 1024;
		end++;
		break;
	case 'G':
		unit = 1024 * 1024 * 1024;
		end++;
		break;
	}
	if (g_ascii_toupper (*end) == 'B')
		end++;
	if (*end != '\0' || value > G_MAXUINT64 / unit)
		return FALSE;
	*size = value * unit;
	return TRUE;
}

gboolean
mt_config_parse_duration (const char *text, gint64 *seconds)
{
	char *end = NULL;
	guint64 value, unit = 1;

	if (text == NULL || !g_ascii_isdigit (*text))
		return FALSE;
	errno = 0;
	value = g_ascii_strtoull (text, &end, 10);
	if (errno == ERANGE)
		return FALSE;
	switch (*end) {
	case 'y':
		unit = 365 * 24 * 3600;
		end++;
		break;
	case 'w':
		unit = 7 * 24 * 3600;
		end++;
		break;
	case 'd':
		unit = 24 * 3600;
		end++;
		break;
	case 'h':
		unit = 3600;
		end++;
		break;
	case 'm':
		unit = 60;
		end++;
		break;
	case 's':
		end++;
		break;
	}
	if (*end != '\0' || value > G_MAXINT64 / unit)
		return FALSE;
	*seconds = (gint64) (value * unit);
	return TRUE;
}

gboolean
mt_config_key_accepts (const MtConfigKey *row, const char *text)
{
	guint64 n = 0;
	gint64 seconds = 0;
	g_auto (GStrv) choices = NULL;

	switch (row->type) {
	case MT_CONFIG_YES_NO:
		return g_ascii_strcasecmp (text, "yes") == 0 || g_ascii_strcasecmp (text, "no") == 0;
	case MT_CONFIG_NUMBER:
		return g_ascii_string_to_unsigned (text, 10, row->min, row->max, &n, NULL);
	case MT_CONFIG_SIZE:
		return mt_config_parse_size (text, &n);
	case MT_CONFIG_DURATION:
		return mt_config_parse_duration (text, &seconds);
	case MT_CONFIG_CHOICE:
		choices = g_strsplit (row->choices, "|", -1);
		return g_strv_contains ((const char *const *) choices, text);
	case MT_CONFIG_TEXT:
	case MT_CONFIG_PATH:
	default:
		return TRUE;
	}
}

char *
mt_config_key_expects (const MtConfigKey *row)
{
	g_auto (GStrv) choices = NULL;
	g_autofree char *last = NULL;
	g_autofree char *rest = NULL;
	guint n;

	switch (row->type) {
	case MT_CONFIG_YES_NO:
		return g_strdup ("yes or no");
	case MT_CONFIG_NUMBER:
		return g_strdup_printf ("a number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT, row->min,
					row->max);
	case MT_CONFIG_SIZE:
		return g_strdup ("a size such as 512K, 50M, 1G");
	case MT_CONFIG_DURATION:
		return g_strdup ("a duration such as 3y, 26w, 5d, 12h, 30m, 90s");
	case MT_CONFIG_CHOICE:
		choices = g_strsplit (row->choices, "|", -1);
		n = g_strv_length (choices);
		last = g_steal_pointer (&choices[n - 1]);
		rest = g_strjoinv (", ", choices);
		return g_strdup_printf ("%s or %s", rest, last);
	case MT_CONFIG_PATH:
		return g_strdup ("a path");
	case MT_CONFIG_TEXT:
	default:
		return g_strdup ("text");
	}
}

guint
config_bad_line (char **lines)
{
	gboolean in_section = FALSE;

	for (guint i = 0; lines && lines[i]; i++) {
		const char *line = lines[i];
		g_autofree char *section = line_section (line);

		while (g_ascii_isspace (*line))
			line++;
		if (*line == '\0' || *line == '#')
			continue;
		if (section != NULL)
			in_section = TRUE;
		else if (!in_section || strchr (line, '=') == NULL)
			return i + 1;
	}
	return 0;
}
