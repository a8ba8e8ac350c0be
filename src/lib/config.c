/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	config.c - mailticket.conf
 * DESCRIPTION
 *	Reads the GKeyFile named by -c, $MAILTICKET_CONF or the default path,
 *	fills in the built-in defaults, and reads the secret file. Any file
 *	that was named (or the default file, when it exists) and cannot be
 *	read or holds a bad value is an MT_ERROR_CONFIG: the filter answers
 *	the MTA with a temporary failure so no mail is lost while an admin
 *	fixes it.
 *
 *	Each key is read through its row of the table (config-keys.c): its
 *	default, and its type's check. A bad value is noted with the file
 *	and line that hold it and the key keeps its default, so that
 *	mailticket config check can list them all; mt_config_load fails
 *	with the first. A section or key the table has not is no error but
 *	a warning in config->warnings, with its line, for the program to
 *	tell. Every value read is kept with where it came from, for config
 *	show.
 *
 *	The [smtp] password file is only named here: mailticket-send reads
 *	it, so that no other program holds the password nor fails for it.
 */
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "config-private.h"
#include "mailticket/error.h"

/* The file being read, and what is made of it. */
typedef struct {
	GKeyFile *kf;
	const char *file; /* NULL: no file, the defaults */
	char **lines;     /* the file's text, to find where a key is */
	MtConfig *config;
	GPtrArray *problems; /* "FILE:LINE: ..." of the bad values */
} Reader;

static void G_GNUC_PRINTF (4, 5) problem (Reader *r, const char *section, const char *key, const char *format, ...)
{
	g_autofree char *where = config_where (r->file ? r->file : "(no file)", r->lines, section, key);
	g_autofree char *what = NULL;
	va_list ap;

	va_start (ap, format);
	what = g_strdup_vprintf (format, ap);
	va_end (ap);
	g_ptr_array_add (r->problems, g_strdup_printf ("%s: [%s] %s: %s", where, section, key, what));
}

static void
value_free (gpointer data)
{
	MtConfigValue *v = data;

	g_free (v->section);
	g_free (v->value);
	g_free (v->origin);
	g_free (v);
}

static void
record (Reader *r, const MtConfigKey *row, const char *section, const char *value, const char *origin)
{
	MtConfigValue *v = g_new0 (MtConfigValue, 1);

	v->row = row;
	v->section = g_strdup (section);
	v->value = g_strdup (value);
	v->origin = g_strdup (origin);
	g_ptr_array_add (r->config->values, v);
}

/* The text of key in section, checked against its row's type; fallback
 * (which origin gave) when the file does not set it or sets it wrong.
 * Owned, or NULL. */
static char *
get_or (Reader *r, const char *section, const char *key, const char *fallback, const char *origin)
{
	const MtConfigKey *row = mt_config_key_find (section, key);
	g_autofree char *value = NULL;
	g_autofree char *where = NULL;

	g_return_val_if_fail (row != NULL, g_strdup (fallback));
	/* Asked only when there: GKeyFile formats an error message for each
	 * key or group it lacks, and most keys are left at their defaults. */
	if (g_key_file_has_group (r->kf, section) && g_key_file_has_key (r->kf, section, key, NULL))
		value = g_key_file_get_string (r->kf, section, key, NULL);
	if (value != NULL && *g_strstrip (value) == '\0')
		g_clear_pointer (&value, g_free);
	if (value != NULL && !mt_config_key_accepts (row, value)) {
		g_autofree char *expects = mt_config_key_expects (row);

		problem (r, section, key, "%s: %s", expects, value);
		g_clear_pointer (&value, g_free);
	}
	if (value == NULL) {
		record (r, row, section, fallback, origin);
		return g_strdup (fallback);
	}
	where = config_where (r->file, r->lines, section, key);
	record (r, row, section, value, where);
	return g_steal_pointer (&value);
}

/* get_or with the row's default. */
static char *
get (Reader *r, const char *section, const char *key)
{
	const MtConfigKey *row = mt_config_key_find (section, key);

	return get_or (r, section, key, row ? row->fallback : NULL, "default");
}

static gboolean
is_yes (const char *text)
{
	return g_ascii_strcasecmp (text, "yes") == 0;
}

/* A number key, checked already. */
static guint64
get_number (Reader *r, const char *section, const char *key)
{
	g_autofree char *text = get (r, section, key);

	return g_ascii_strtoull (text, NULL, 10);
}

/* The index of a choice key's value in its row's choices. */
static guint
get_choice (Reader *r, const char *section, const char *key)
{
	g_autofree char *text = get (r, section, key);
	g_auto (GStrv) choices = g_strsplit (mt_config_key_find (section, key)->choices, "|", -1);

	for (guint i = 0; choices[i]; i++)
		if (strcmp (choices[i], text) == 0)
			return i;
	return 0;
}

static void
read_secret (Reader *r)
{
	MtConfig *config = r->config;
	g_autofree char *contents = NULL;
	g_autoptr (GError) local = NULL;
	struct stat st;

	if (config->secret_file == NULL)
		return;
	if (!g_file_get_contents (config->secret_file, &contents, NULL, &local)) {
		problem (r, "mail", "secret_file", "%s", local->message);
		return;
	}
	g_strstrip (contents);
	if (*contents == '\0') {
		problem (r, "mail", "secret_file", "%s is empty", config->secret_file);
		return;
	}
	if (stat (config->secret_file, &st) == 0 && (st.st_mode & S_IROTH))
		g_warning ("secret_file %s is readable by every user; chmod o-rwx it", config->secret_file);
	config->secret = g_steal_pointer (&contents);
}

/* Acknowledgements: on or off, how many per sender and hour, and what
 * each queue promises ([queue NAME] response_time, else [mail]'s). */
static void
apply_reply_keys (Reader *r, const char *const *sections)
{
	MtConfig *config = r->config;
	g_autofree char *ack = get (r, "mail", "acknowledge");

	config->acknowledge = is_yes (ack);
	config->ack_limit = (int) get_number (r, "mail", "ack_limit");
	config->from_name = get (r, "mail", "name");
	config->response_time = get (r, "mail", "response_time");
	config->queue_response_time = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	config->queue_lang = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	config->templates_dir = get (r, "templates", "dir");
	config->lang = get (r, "mail", "lang");
	for (int i = 0; sections[i]; i++) {
		const char *name = mt_config_section_queue (sections[i]);
		char *text = name ? get_or (r, sections[i], "response_time", config->response_time, "[mail]") : NULL;
		char *lang = name ? get_or (r, sections[i], "lang", config->lang, "[mail]") : NULL;

		if (text != NULL)
			g_hash_table_replace (config->queue_response_time, g_strdup (name), text);
		if (lang != NULL)
			g_hash_table_replace (config->queue_lang, g_strdup (name), lang);
	}
}

static const struct {
	const char *key;
	gsize offset;
} notify_flags[] = {
	{ "new_ticket", G_STRUCT_OFFSET (MtNotifyPolicy, new_ticket) },
	{ "owner", G_STRUCT_OFFSET (MtNotifyPolicy, owner) },
	{ "task", G_STRUCT_OFFSET (MtNotifyPolicy, task) },
	{ "approval", G_STRUCT_OFFSET (MtNotifyPolicy, approval) },
	{ "reply_takes", G_STRUCT_OFFSET (MtNotifyPolicy, reply_takes) },
	{ "requester_resolved", G_STRUCT_OFFSET (MtNotifyPolicy, requester_resolved) },
	{ "requester_pending", G_STRUCT_OFFSET (MtNotifyPolicy, requester_pending) },
	{ "bounce", G_STRUCT_OFFSET (MtNotifyPolicy, bounce) },
};

/* The keys of [notify] (base NULL: the defaults), or of [queue NAME] over base. */
static void
read_notify (Reader *r, const char *section, const MtNotifyPolicy *base, MtNotifyPolicy *policy)
{
	for (gsize i = 0; i < G_N_ELEMENTS (notify_flags); i++) {
		gboolean *flag = G_STRUCT_MEMBER_P (policy, notify_flags[i].offset);
		const char *key = notify_flags[i].key;
		g_autofree char *value = NULL;

		if (base != NULL)
			value = get_or (r, section, key,
					G_STRUCT_MEMBER (gboolean, base, notify_flags[i].offset) ? "yes" : "no",
					"[notify]");
		else
			value = get (r, section, key);
		*flag = is_yes (value);
	}
}

static void
apply_notify_keys (Reader *r, const char *const *sections)
{
	MtConfig *config = r->config;

	config->max_reply_recipients = (int) get_number (r, "mail", "max_reply_recipients");
	config->trust_authserv_id = get (r, "mail", "trust_authserv_id");
	read_notify (r, "notify", NULL, &config->notify);
	config->queue_notify = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (int i = 0; sections[i]; i++) {
		const char *name = mt_config_section_queue (sections[i]);
		MtNotifyPolicy *policy;

		if (name == NULL)
			continue;
		policy = g_new0 (MtNotifyPolicy, 1);
		g_hash_table_replace (config->queue_notify, g_strdup (name), policy);
		read_notify (r, sections[i], &config->notify, policy);
	}
}

static void
apply_smtp_keys (Reader *r)
{
	MtConfig *config = r->config;
	g_autofree char *max_age = get (r, "smtp", "max_age");

	config->smtp_host = get (r, "smtp", "host");
	config->smtp_port = (int) get_number (r, "smtp", "port");
	config->smtp_starttls = (MtStarttls) get_choice (r, "smtp", "starttls");
	config->smtp_user = get (r, "smtp", "user");
	config->smtp_password_file = get (r, "smtp", "password_file");
	if ((config->smtp_user == NULL) != (config->smtp_password_file == NULL))
		problem (r, "smtp", config->smtp_user ? "user" : "password_file", "user and password_file go together");
	config->smtp_helo = get_or (r, "smtp", "helo", config->domain, "[mail] domain");
	mt_config_parse_duration (max_age, &config->smtp_max_age);
}

/* [mail] max_parts and max_depth, the parts of a message listed; GMime
 * nests at most 1024 deep. [retention]: how long closed tickets stay. */
static void
apply_limit_keys (Reader *r)
{
	MtConfig *config = r->config;
	g_autofree char *purge = get (r, "retention", "purge_closed_after");

	config->max_parts = (guint) get_number (r, "mail", "max_parts");
	config->max_depth = (guint) get_number (r, "mail", "max_depth");
	if (purge != NULL)
		mt_config_parse_duration (purge, &config->purge_closed_after);
}

/* The mail domain when [mail] domain is not set: the first line of
 * /etc/mailname, as Debian's MTAs take it, else the host name. Owned;
 * *origin borrowed. MAILTICKET_MAILNAME names another file, for tests. */
static char *
default_domain (const char **origin)
{
	const char *file = g_getenv ("MAILTICKET_MAILNAME");
	g_autofree char *text = NULL;

	*origin = file && *file ? file : "/etc/mailname";
	if (g_file_get_contents (*origin, &text, NULL, NULL)) {
		text[strcspn (text, "\r\n")] = '\0';
		if (*g_strstrip (text) != '\0')
			return g_steal_pointer (&text);
	}
	*origin = "host name";
	return g_strdup (g_get_host_name ());
}

/* The database: --db, else $MAILTICKET_DB, else [database] path. */
static void
apply_database_keys (Reader *r, const char *db)
{
	MtConfig *config = r->config;
	const char *env = g_getenv ("MAILTICKET_DB");
	const MtConfigKey *row = mt_config_key_find ("database", "path");

	if (db != NULL)
		record (r, row, "database", db, "--db");
	else if (env != NULL && *env != '\0')
		record (r, row, "database", env, "$MAILTICKET_DB");
	config->db_path = db ? g_strdup (db) : env && *env ? g_strdup (env) : get (r, "database", "path");
	config->busy_timeout = (int) get_number (r, "database", "busy_timeout");
}

static void
apply_mail_keys (Reader *r)
{
	MtConfig *config = r->config;
	g_autofree char *size = get (r, "mail", "max_message_size");
	g_autofree char *default_address = NULL;
	const char *origin = NULL;
	g_autofree char *domain = default_domain (&origin);

	config->domain = get_or (r, "mail", "domain", domain, origin);
	default_address = g_strdup_printf ("support@%s", config->domain);
	config->address = get_or (r, "mail", "address", default_address, "support@ [mail] domain");
	config->queue = get (r, "mail", "queue");
	config->tag = get (r, "mail", "tag");
	config->secret_file = get (r, "mail", "secret_file");
	config->deliver_socket = get (r, "deliver", "socket");
	mt_config_parse_size (size, &config->max_message_size);
	/* A set of characters, as Postfix's: an extension starts at the first one. */
	config->delimiters = get (r, "mail", "recipient_delimiter");
	if (strchr (config->delimiters, '@') != NULL) {
		problem (r, "mail", "recipient_delimiter", "one or more characters but @: %s", config->delimiters);
		g_free (config->delimiters);
		config->delimiters = g_strdup (mt_config_key_find ("mail", "recipient_delimiter")->fallback);
	}
	config->delimiter = config->delimiters[0];
	config->foreign_subject = (MtForeignSubject) get_choice (r, "thread", "foreign_subject");
}

/* Values in the table's order, each queue's after the rest. */
static gint
value_order (gconstpointer a, gconstpointer b)
{
	const MtConfigValue *x = *(MtConfigValue *const *) a, *y = *(MtConfigValue *const *) b;
	const char *qx = mt_config_section_queue (x->section), *qy = mt_config_section_queue (y->section);
	int queue = g_strcmp0 (qx, qy);

	return queue != 0 ? queue : (x->row > y->row) - (x->row < y->row);
}

/* [mail] fallback_charsets: charsets that iconv knows, separated by
 * commas or blanks; unset, the message module's default. */
static void
apply_charset_keys (Reader *r)
{
	g_autofree char *value = get (r, "mail", "fallback_charsets");
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
	g_auto (GStrv) words = value ? g_strsplit_set (value, ", \t", -1) : NULL;

	for (guint i = 0; words != NULL && words[i] != NULL; i++) {
		GIConv cd;

		if (*words[i] == '\0')
			continue;
		if ((cd = g_iconv_open ("UTF-8", words[i])) == (GIConv) -1) {
			problem (r, "mail", "fallback_charsets", "a charset that iconv does not know: %s", words[i]);
			return;
		}
		g_iconv_close (cd);
		g_ptr_array_add (list, g_strdup (words[i]));
	}
	if (list->len > 0) {
		g_ptr_array_add (list, NULL);
		r->config->fallback_charsets = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
	}
}

/* [queue NAME] auto_close_after. */
static void
apply_auto_close_keys (Reader *r, const char *const *sections)
{
	MtConfig *config = r->config;

	config->queue_auto_close = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (int i = 0; sections[i]; i++) {
		const char *name = mt_config_section_queue (sections[i]);
		g_autofree char *after = name ? get_or (r, sections[i], "auto_close_after", NULL, "default") : NULL;
		gint64 seconds = 0;

		if (after == NULL || !mt_config_parse_duration (after, &seconds))
			continue;
		if (seconds <= 0)
			problem (r, sections[i], "auto_close_after", "a duration longer than 0: %s", after);
		else
			g_hash_table_replace (config->queue_auto_close, g_strdup (name),
					      g_memdup2 (&seconds, sizeof seconds));
	}
}

/* The delivery server's: where it listens, whom it serves, its limits. */
static void
apply_server_keys (Reader *r)
{
	MtConfig *config = r->config;
	g_autofree char *idle = get (r, "deliver", "idle_timeout");
	g_autofree char *session = get (r, "deliver", "session_timeout");

	config->deliver_listen = get (r, "deliver", "listen");
	config->deliver_allow = get (r, "deliver", "allow");
	config->deliver_users = get (r, "deliver", "users");
	config->deliver_max_connections = (guint) get_number (r, "deliver", "max_connections");
	config->deliver_max_per_peer = (guint) get_number (r, "deliver", "max_per_peer");
	mt_config_parse_duration (idle, &config->deliver_idle_timeout);
	mt_config_parse_duration (session, &config->deliver_session_timeout);
}

static void
apply_keys (Reader *r, const char *db)
{
	g_auto (GStrv) sections = g_key_file_get_groups (r->kf, NULL);

	apply_database_keys (r, db);
	apply_mail_keys (r);
	apply_limit_keys (r);
	apply_reply_keys (r, (const char *const *) sections);
	apply_notify_keys (r, (const char *const *) sections);
	apply_smtp_keys (r);
	apply_charset_keys (r);
	apply_auto_close_keys (r, (const char *const *) sections);
	apply_server_keys (r);
	read_secret (r);
	g_ptr_array_sort (r->config->values, value_order);
}

/* The file to read, and whether its absence is an error. */
static const char *
config_file (const char *path, gboolean *required, const char **origin)
{
	const char *env = g_getenv ("MAILTICKET_CONF");

	*required = TRUE;
	*origin = "-c";
	if (path != NULL)
		return path;
	*origin = "$MAILTICKET_CONF";
	if (env != NULL && *env != '\0')
		return env;
	*required = FALSE;
	*origin = "default";
	return MT_CONFIG_DEFAULT_FILE;
}

/* Reads file into r; a file GKeyFile cannot parse is an error that
 * names the first line it cannot take. */
static gboolean
load_file (Reader *r, const char *file, GError **error)
{
	g_autoptr (GError) local = NULL;
	g_autofree char *text = NULL;
	gsize len = 0;
	guint bad;

	if (!g_file_get_contents (file, &text, &len, &local) &&
	    g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_ACCES))
		return mt_error_permission (error, MT_ERROR_CONFIG, file);
	if (local != NULL) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "cannot read config %s: %s", file, local->message);
		return FALSE;
	}
	r->lines = g_strsplit (text, "\n", -1);
	if (g_key_file_load_from_data (r->kf, text, len, G_KEY_FILE_NONE, &local))
		return TRUE;
	bad = config_bad_line (r->lines);
	if (bad > 0)
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "%s:%u: %s", file, bad, local->message);
	else
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "cannot read config %s: %s", file, local->message);
	return FALSE;
}

/* Problems "FILE:LINE: ..." by LINE. */
static gint
by_line (gconstpointer a, gconstpointer b, gpointer file)
{
	gsize skip = file ? strlen (file) + 1 : 0;
	const char *x = *(char *const *) a, *y = *(char *const *) b;
	guint64 lx = strlen (x) > skip ? g_ascii_strtoull (x + skip, NULL, 10) : 0;
	guint64 ly = strlen (y) > skip ? g_ascii_strtoull (y + skip, NULL, 10) : 0;

	return (lx > ly) - (lx < ly);
}

static MtConfig *
read_config (const char *path, const char *db, GPtrArray *problems, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (MtConfig) config = g_new0 (MtConfig, 1);
	Reader r = { kf, NULL, NULL, config, problems };
	gboolean required;
	const char *origin;
	const char *file = config_file (path, &required, &origin);
	gboolean ok = TRUE;

	config->warnings = g_ptr_array_new_with_free_func (g_free);
	config->values = g_ptr_array_new_with_free_func (value_free);
	if (required || g_file_test (file, G_FILE_TEST_EXISTS)) {
		config->file = g_strdup (file);
		config->file_origin = g_strdup (origin);
		r.file = config->file;
		if ((ok = load_file (&r, file, error)))
			config_unknown (kf, file, r.lines, config->warnings);
	}
	if (ok)
		apply_keys (&r, db);
	g_ptr_array_sort_with_data (problems, by_line, config->file);
	g_strfreev (r.lines);
	return ok ? g_steal_pointer (&config) : NULL;
}

MtConfig *
mt_config_load (const char *path, const char *db, GError **error)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (MtConfig) config = read_config (path, db, problems, error);

	if (config == NULL)
		return NULL;
	if (problems->len == 1)
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "%s", (char *) problems->pdata[0]);
	else if (problems->len > 1)
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "%s (and %u more: mailticket config check)",
			     (char *) problems->pdata[0], problems->len - 1);
	return problems->len ? NULL : g_steal_pointer (&config);
}

MtConfig *
mt_config_check (const char *path, const char *db, GPtrArray *problems, GError **error)
{
	g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
	MtConfig *config = read_config (path, db, errors, error);

	if (config == NULL)
		return NULL;
	for (guint i = 0; i < config->warnings->len; i++)
		g_ptr_array_add (problems, g_strdup (config->warnings->pdata[i]));
	for (guint i = 0; i < errors->len; i++)
		g_ptr_array_add (problems, g_strdup (errors->pdata[i]));
	g_ptr_array_sort_with_data (problems, by_line, config->file);
	return config;
}
