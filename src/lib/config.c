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
 *	The [smtp] password file is only named here: mailticket-send reads
 *	it, so that no other program holds the password nor fails for it.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

#include "mailticket/config.h"
#include "mailticket/error.h"

#define DEFAULT_MAX_SIZE (50 * 1024 * 1024)
#define DEFAULT_MAX_AGE (5 * 24 * 3600)

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

static gboolean G_GNUC_PRINTF (2, 3) config_error (GError **error, const char *format, ...)
{
	va_list ap;

	va_start (ap, format);
	g_propagate_error (error, g_error_new_valist (MT_ERROR, MT_ERROR_CONFIG, format, ap));
	va_end (ap);
	return FALSE;
}

static char *
get_string (GKeyFile *kf, const char *group, const char *key, const char *fallback)
{
	g_autofree char *value = NULL;

	/* Asked only when there: GKeyFile formats an error message for each
	 * key or group it lacks, and most keys are left at their defaults. */
	if (g_key_file_has_group (kf, group) && g_key_file_has_key (kf, group, key, NULL))
		value = g_key_file_get_string (kf, group, key, NULL);
	if (value != NULL)
		g_strstrip (value);
	if (value == NULL || *value == '\0')
		return g_strdup (fallback);
	return g_steal_pointer (&value);
}

static gboolean
read_secret (MtConfig *config, GError **error)
{
	g_autofree char *contents = NULL;
	g_autoptr (GError) local = NULL;
	struct stat st;

	if (config->secret_file == NULL)
		return TRUE;
	if (!g_file_get_contents (config->secret_file, &contents, NULL, &local)) {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "secret_file: %s", local->message);
		return FALSE;
	}
	g_strstrip (contents);
	if (*contents == '\0') {
		g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "secret_file %s is empty", config->secret_file);
		return FALSE;
	}
	if (stat (config->secret_file, &st) == 0 && (st.st_mode & S_IROTH))
		g_warning ("secret_file %s is readable by every user; chmod o-rwx it", config->secret_file);
	config->secret = g_steal_pointer (&contents);
	return TRUE;
}

/* Acknowledgements: on or off, how many per sender and hour, and what
 * each queue promises ([queue NAME] response_time, else [mail]'s). */
static gboolean
apply_reply_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_autofree char *ack = get_string (kf, "mail", "acknowledge", "yes");
	g_autofree char *limit = get_string (kf, "mail", "ack_limit", "5");
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	guint64 n = 0;

	if (g_ascii_strcasecmp (ack, "yes") != 0 && g_ascii_strcasecmp (ack, "no") != 0)
		return config_error (error, "acknowledge: yes or no: %s", ack);
	config->acknowledge = g_ascii_strcasecmp (ack, "yes") == 0;
	if (!g_ascii_string_to_unsigned (limit, 10, 0, 100000, &n, NULL))
		return config_error (error, "ack_limit: not a number: %s", limit);
	config->ack_limit = (int) n;
	config->from_name = get_string (kf, "mail", "name", NULL);
	config->response_time = get_string (kf, "mail", "response_time", NULL);
	config->queue_response_time = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	config->queue_lang = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	config->templates_dir = get_string (kf, "templates", "dir", "/etc/mailticket/templates");
	config->lang = get_string (kf, "mail", "lang", "en");
	for (int i = 0; groups[i]; i++) {
		const char *name = g_str_has_prefix (groups[i], "queue ") ? groups[i] + 6 : NULL;
		char *text = name ? get_string (kf, groups[i], "response_time", NULL) : NULL;
		char *lang = name ? get_string (kf, groups[i], "lang", NULL) : NULL;

		if (text != NULL)
			g_hash_table_replace (config->queue_response_time, g_strstrip (g_strdup (name)), text);
		if (lang != NULL)
			g_hash_table_replace (config->queue_lang, g_strstrip (g_strdup (name)), lang);
	}
	return TRUE;
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

/* The keys of [notify], or of [queue NAME] over base. */
static gboolean
read_notify (GKeyFile *kf, const char *group, const MtNotifyPolicy *base, MtNotifyPolicy *policy, GError **error)
{
	*policy = *base;
	for (gsize i = 0; i < G_N_ELEMENTS (notify_flags); i++) {
		gboolean *flag = G_STRUCT_MEMBER_P (policy, notify_flags[i].offset);
		g_autofree char *value = get_string (kf, group, notify_flags[i].key, *flag ? "yes" : "no");

		if (g_ascii_strcasecmp (value, "yes") != 0 && g_ascii_strcasecmp (value, "no") != 0)
			return config_error (error, "[%s] %s: yes or no: %s", group, notify_flags[i].key, value);
		*flag = g_ascii_strcasecmp (value, "yes") == 0;
	}
	return TRUE;
}

static gboolean
apply_notify_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	static const MtNotifyPolicy defaults = { TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE };
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);
	g_autofree char *max = get_string (kf, "mail", "max_reply_recipients", "50");
	guint64 n = 0;

	if (!g_ascii_string_to_unsigned (max, 10, 1, 100000, &n, NULL))
		return config_error (error, "max_reply_recipients: a number from 1 on: %s", max);
	config->max_reply_recipients = (int) n;
	config->trust_authserv_id = get_string (kf, "mail", "trust_authserv_id", NULL);
	if (!read_notify (kf, "notify", &defaults, &config->notify, error))
		return FALSE;
	config->queue_notify = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (int i = 0; groups[i]; i++) {
		MtNotifyPolicy *policy;

		if (!g_str_has_prefix (groups[i], "queue "))
			continue;
		policy = g_new0 (MtNotifyPolicy, 1);
		g_hash_table_replace (config->queue_notify, g_strstrip (g_strdup (groups[i] + 6)), policy);
		if (!read_notify (kf, groups[i], &config->notify, policy, error))
			return FALSE;
	}
	return TRUE;
}

const MtNotifyPolicy *
mt_config_notify (const MtConfig *config, const char *queue)
{
	const MtNotifyPolicy *policy = NULL;

	if (queue != NULL && config->queue_notify != NULL)
		policy = g_hash_table_lookup (config->queue_notify, queue);
	return policy ? policy : &config->notify;
}

static gboolean
parse_starttls (const char *text, MtStarttls *starttls)
{
	static const char *const names[] = { "no", "yes", "required" };

	for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
		if (strcmp (text, names[i]) == 0) {
			*starttls = (MtStarttls) i;
			return TRUE;
		}
	return FALSE;
}

static gboolean
apply_smtp_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_autofree char *port = get_string (kf, "smtp", "port", "25");
	g_autofree char *starttls = get_string (kf, "smtp", "starttls", "no");
	g_autofree char *max_age = get_string (kf, "smtp", "max_age", NULL);
	guint64 number = 0;

	config->smtp_host = get_string (kf, "smtp", "host", "localhost");
	if (!g_ascii_string_to_unsigned (port, 10, 1, 65535, &number, NULL))
		return config_error (error, "[smtp] port: not a port number: %s", port);
	config->smtp_port = (int) number;
	if (!parse_starttls (starttls, &config->smtp_starttls))
		return config_error (error, "[smtp] starttls: no, yes or required: %s", starttls);
	config->smtp_user = get_string (kf, "smtp", "user", NULL);
	config->smtp_password_file = get_string (kf, "smtp", "password_file", NULL);
	if ((config->smtp_user == NULL) != (config->smtp_password_file == NULL))
		return config_error (error, "[smtp] user and password_file go together");
	config->smtp_helo = get_string (kf, "smtp", "helo", config->domain);
	config->smtp_max_age = DEFAULT_MAX_AGE;
	if (max_age != NULL && !mt_config_parse_duration (max_age, &config->smtp_max_age))
		return config_error (error, "[smtp] max_age: not a duration such as 5d, 12h, 30m, 90s: %s", max_age);
	return TRUE;
}

/* [mail] max_parts and max_depth, the parts of a message listed; 0,
 * when not set, is the message module's default. GMime nests at most
 * 1024 deep. */
static gboolean
apply_limit_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_autofree char *parts = get_string (kf, "mail", "max_parts", NULL);
	g_autofree char *depth = get_string (kf, "mail", "max_depth", NULL);
	guint64 n = 0;

	if (parts != NULL && !g_ascii_string_to_unsigned (parts, 10, 1, 1000000, &n, NULL))
		return config_error (error, "max_parts: a number from 1 to 1000000: %s", parts);
	config->max_parts = (guint) n;
	n = 0;
	if (depth != NULL && !g_ascii_string_to_unsigned (depth, 10, 1, 1000, &n, NULL))
		return config_error (error, "max_depth: a number from 1 to 1000: %s", depth);
	config->max_depth = (guint) n;
	return TRUE;
}

/* [mail] fallback_charsets: charsets that iconv knows, separated by
 * commas or blanks; unset, the message module's default. */
static gboolean
apply_charset_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_autofree char *value = get_string (kf, "mail", "fallback_charsets", NULL);
	g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
	g_auto (GStrv) words = value ? g_strsplit_set (value, ", \t", -1) : NULL;

	for (guint i = 0; words != NULL && words[i] != NULL; i++) {
		GIConv cd;

		if (*words[i] == '\0')
			continue;
		if ((cd = g_iconv_open ("UTF-8", words[i])) == (GIConv) -1)
			return config_error (error, "[mail] fallback_charsets: a charset that iconv does not know: %s",
					     words[i]);
		g_iconv_close (cd);
		g_ptr_array_add (list, g_strdup (words[i]));
	}
	if (list->len > 0) {
		g_ptr_array_add (list, NULL);
		/* The strings go with the array's segment, not freed. */
		config->fallback_charsets = (char **) g_ptr_array_free (g_steal_pointer (&list), FALSE);
	}
	return TRUE;
}

static gboolean
apply_retention_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_autofree char *purge = get_string (kf, "retention", "purge_closed_after", NULL);

	if (purge != NULL && !mt_config_parse_duration (purge, &config->purge_closed_after))
		return config_error (error, "[retention] purge_closed_after: not a duration such as 3y, 26w, 90d: %s",
				     purge);
	return TRUE;
}

/* [queue NAME] auto_close_after. */
static gboolean
apply_auto_close_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

	config->queue_auto_close = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
	for (int i = 0; groups[i]; i++) {
		g_autofree char *after = g_str_has_prefix (groups[i], "queue ")
						 ? get_string (kf, groups[i], "auto_close_after", NULL)
						 : NULL;
		gint64 seconds = 0;

		if (after == NULL)
			continue;
		if (!mt_config_parse_duration (after, &seconds) || seconds <= 0)
			return config_error (error, "[%s] auto_close_after: not a duration such as 7d, 48h: %s",
					     groups[i], after);
		g_hash_table_replace (config->queue_auto_close, g_strstrip (g_strdup (groups[i] + 6)),
				      g_memdup2 (&seconds, sizeof seconds));
	}
	return TRUE;
}

/* A count of [deliver] that must be 1 at least. */
static gboolean
get_count (GKeyFile *kf, const char *key, const char *fallback, guint *count, GError **error)
{
	g_autofree char *text = get_string (kf, "deliver", key, fallback);
	guint64 n;

	if (!g_ascii_string_to_unsigned (text, 10, 1, 100000, &n, NULL))
		return config_error (error, "%s: not a number from 1: %s", key, text);
	*count = (guint) n;
	return TRUE;
}

static gboolean
get_seconds (GKeyFile *kf, const char *key, const char *fallback, gint64 *seconds, GError **error)
{
	g_autofree char *text = get_string (kf, "deliver", key, fallback);

	if (!mt_config_parse_duration (text, seconds) || *seconds <= 0)
		return config_error (error, "%s: not a duration: %s", key, text);
	return TRUE;
}

/* The delivery server's: where it listens, whom it serves, its limits. */
static gboolean
apply_server_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	config->deliver_socket = get_string (kf, "deliver", "socket", NULL);
	config->deliver_listen = get_string (kf, "deliver", "listen", NULL);
	config->deliver_allow = get_string (kf, "deliver", "allow", NULL);
	config->deliver_users = get_string (kf, "deliver", "users", NULL);
	return get_count (kf, "max_connections", "64", &config->deliver_max_connections, error) &&
	       get_count (kf, "max_per_peer", "32", &config->deliver_max_per_peer, error) &&
	       get_seconds (kf, "idle_timeout", "5m", &config->deliver_idle_timeout, error) &&
	       get_seconds (kf, "session_timeout", "1h", &config->deliver_session_timeout, error);
}

static gboolean
apply_keys (MtConfig *config, GKeyFile *kf, GError **error)
{
	g_autofree char *size = get_string (kf, "mail", "max_message_size", NULL);
	g_autofree char *delimiter = get_string (kf, "mail", "recipient_delimiter", "+");
	g_autofree char *foreign = get_string (kf, "thread", "foreign_subject", "link");
	g_autofree char *timeout = get_string (kf, "database", "busy_timeout", "30000");
	g_autofree char *default_address = NULL;
	guint64 ms = 0;

	config->db_path = get_string (kf, "database", "path", MT_CONFIG_DEFAULT_DB);
	if (!g_ascii_string_to_unsigned (timeout, 10, 0, G_MAXINT, &ms, NULL))
		return config_error (error, "busy_timeout: not a number of ms: %s", timeout);
	config->busy_timeout = (int) ms;
	config->domain = get_string (kf, "mail", "domain", g_get_host_name ());
	default_address = g_strdup_printf ("support@%s", config->domain);
	config->address = get_string (kf, "mail", "address", default_address);
	config->queue = get_string (kf, "mail", "queue", "support");
	config->tag = get_string (kf, "mail", "tag", "Ticket");
	config->secret_file = get_string (kf, "mail", "secret_file", NULL);
	config->max_message_size = DEFAULT_MAX_SIZE;
	if (size != NULL && !mt_config_parse_size (size, &config->max_message_size))
		return config_error (error, "max_message_size: not a size: %s", size);
	/* A set of characters, as Postfix's: an extension starts at the first one. */
	if (*delimiter == '\0' || strchr (delimiter, '@') != NULL)
		return config_error (error, "recipient_delimiter: one or more characters but @: %s", delimiter);
	config->delimiter = delimiter[0];
	config->delimiters = g_steal_pointer (&delimiter);
	if (strcmp (foreign, "link") == 0)
		config->foreign_subject = MT_FOREIGN_SUBJECT_LINK;
	else if (strcmp (foreign, "join") == 0)
		config->foreign_subject = MT_FOREIGN_SUBJECT_JOIN;
	else
		return config_error (error, "foreign_subject: link or join: %s", foreign);
	return apply_limit_keys (config, kf, error) && apply_charset_keys (config, kf, error) &&
	       apply_server_keys (config, kf, error) && apply_reply_keys (config, kf, error) &&
	       apply_notify_keys (config, kf, error) && apply_smtp_keys (config, kf, error) &&
	       apply_retention_keys (config, kf, error) && apply_auto_close_keys (config, kf, error) &&
	       read_secret (config, error);
}

/* The file to read, and whether its absence is an error. */
static const char *
config_file (const char *path, gboolean *required)
{
	const char *env = g_getenv ("MAILTICKET_CONF");

	*required = TRUE;
	if (path != NULL)
		return path;
	if (env != NULL && *env != '\0')
		return env;
	*required = FALSE;
	return MT_CONFIG_DEFAULT_FILE;
}

static gboolean
load_file (GKeyFile *kf, const char *file, gboolean required, GError **error)
{
	g_autoptr (GError) local = NULL;

	if (!required && !g_file_test (file, G_FILE_TEST_EXISTS))
		return TRUE;
	if (g_key_file_load_from_file (kf, file, G_KEY_FILE_NONE, &local))
		return TRUE;
	g_set_error (error, MT_ERROR, MT_ERROR_CONFIG, "cannot read config %s: %s", file, local->message);
	return FALSE;
}

MtConfig *
mt_config_load (const char *path, const char *db, GError **error)
{
	g_autoptr (GKeyFile) kf = g_key_file_new ();
	g_autoptr (MtConfig) config = g_new0 (MtConfig, 1);
	gboolean required;
	const char *file = config_file (path, &required);
	const char *env_db = g_getenv ("MAILTICKET_DB");

	if (!load_file (kf, file, required, error))
		return NULL;
	if (required || g_file_test (file, G_FILE_TEST_EXISTS))
		config->file = g_strdup (file);
	if (!apply_keys (config, kf, error))
		return NULL;
	if (db == NULL && env_db != NULL && *env_db != '\0')
		db = env_db;
	if (db != NULL) {
		g_free (config->db_path);
		config->db_path = g_strdup (db);
	}
	return g_steal_pointer (&config);
}

void
mt_config_free (MtConfig *config)
{
	if (config == NULL)
		return;
	g_free (config->file);
	g_free (config->db_path);
	g_free (config->domain);
	g_free (config->address);
	g_free (config->queue);
	g_free (config->tag);
	g_free (config->secret_file);
	g_free (config->deliver_socket);
	g_free (config->deliver_listen);
	g_free (config->deliver_allow);
	g_free (config->deliver_users);
	g_free (config->delimiters);
	g_strfreev (config->fallback_charsets);
	g_free (config->from_name);
	g_free (config->response_time);
	if (config->queue_response_time != NULL)
		g_hash_table_unref (config->queue_response_time);
	if (config->queue_notify != NULL)
		g_hash_table_unref (config->queue_notify);
	if (config->queue_lang != NULL)
		g_hash_table_unref (config->queue_lang);
	if (config->queue_auto_close != NULL)
		g_hash_table_unref (config->queue_auto_close);
	g_free (config->templates_dir);
	g_free (config->lang);
	g_free (config->trust_authserv_id);
	g_free (config->smtp_host);
	g_free (config->smtp_user);
	g_free (config->smtp_password_file);
	g_free (config->smtp_helo);
	if (config->secret != NULL)
		memset (config->secret, 0, strlen (config->secret));
	g_free (config->secret);
	g_free (config);
}

const char *
mt_config_response_time (const MtConfig *config, const char *queue)
{
	const char *text = NULL;

	if (queue != NULL && config->queue_response_time != NULL)
		text = g_hash_table_lookup (config->queue_response_time, queue);
	return text ? text : config->response_time;
}

const char *
mt_config_lang (const MtConfig *config, const char *queue)
{
	const char *lang = NULL;

	if (queue != NULL && config->queue_lang != NULL)
		lang = g_hash_table_lookup (config->queue_lang, queue);
	return lang ? lang : config->lang ? config->lang : "en";
}

gint64
mt_config_auto_close_after (const MtConfig *config, const char *queue)
{
	const gint64 *after =
		queue && config->queue_auto_close ? g_hash_table_lookup (config->queue_auto_close, queue) : NULL;

	return after ? *after : 0;
}
