/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-config.c - which file is read, what each key becomes, the
 * defaults, and which mistakes are an MT_ERROR_CONFIG. Each test gets a
 * fresh temporary directory and an environment without MAILTICKET_CONF
 * and MAILTICKET_DB.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mailticket/config.h"
#include "mailticket/error.h"
#include "mailticket/message.h"

typedef struct {
	char *dir;
	GPtrArray *files; /* written, removed at teardown */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->dir = g_dir_make_tmp ("test-config-XXXXXX", &error);
	g_assert_no_error (error);
	f->files = g_ptr_array_new_with_free_func (g_free);
	g_unsetenv ("MAILTICKET_CONF");
	g_unsetenv ("MAILTICKET_DB");
	/* The host's /etc/mailname is not this test's: none, so the host name. */
	g_setenv ("MAILTICKET_MAILNAME", "/nonexistent/mailname", TRUE);
}

static void
teardown (Fixture *f, gconstpointer data)
{
	for (guint i = 0; i < f->files->len; i++)
		g_remove (g_ptr_array_index (f->files, i));
	g_rmdir (f->dir);
	g_ptr_array_unref (f->files);
	g_free (f->dir);
	g_unsetenv ("MAILTICKET_CONF");
	g_unsetenv ("MAILTICKET_DB");
}

/* Writes contents to name in the test's directory, readable by its
 * owner only, as a secret must be; the path, borrowed. */
static const char *
write_file (Fixture *f, const char *name, const char *contents)
{
	g_autoptr (GError) error = NULL;
	char *path = g_build_filename (f->dir, name, NULL);

	g_file_set_contents (path, contents, -1, &error);
	g_assert_no_error (error);
	g_assert_cmpint (g_chmod (path, 0600), ==, 0);
	g_ptr_array_add (f->files, path);
	return path;
}

static MtConfig *
load_ok (const char *path, const char *db)
{
	g_autoptr (GError) error = NULL;
	MtConfig *config = mt_config_load (path, db, &error);

	g_assert_no_error (error);
	g_assert_nonnull (config);
	return config;
}

static void
assert_config_error (const char *path, const char *db)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = mt_config_load (path, db, &error);

	g_assert_null (config);
	g_assert_error (error, MT_ERROR, MT_ERROR_CONFIG);
	g_assert_nonnull (error->message);
}

/* --- sizes --- */

static void
check_size (const char *text, guint64 want)
{
	guint64 size = 0;

	g_assert_true (mt_config_parse_size (text, &size));
	g_assert_cmpuint (size, ==, want);
}

static void
test_size_units (void)
{
	check_size ("50M", G_GUINT64_CONSTANT (52428800));
	check_size ("512K", G_GUINT64_CONSTANT (524288));
	check_size ("1G", G_GUINT64_CONSTANT (1073741824));
	check_size ("1000", G_GUINT64_CONSTANT (1000));
	check_size ("10MB", G_GUINT64_CONSTANT (10485760));
	check_size ("2k", G_GUINT64_CONSTANT (2048));
	check_size ("0", G_GUINT64_CONSTANT (0));
	check_size ("16000000000G", G_GUINT64_CONSTANT (16000000000) << 30);
}

static void
test_size_rejects (void)
{
	const char *bad[] = { "", "M", "-1", "5X", "1.5M", " 5M", "5M ", "5 M", "5MBB", "+5", "20000000000G" };
	guint64 size = 7;

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
		g_assert_false (mt_config_parse_size (bad[i], &size));
	g_assert_false (mt_config_parse_size (NULL, &size));
	g_assert_cmpuint (size, ==, 7);
}

/* A number past 2^64 must not become the largest size. */
static void
test_size_rejects_overflow (void)
{
	guint64 size = 7;
	gboolean ok = mt_config_parse_size ("18446744073709551616", &size);

	g_assert_false (ok);
}

/* --- durations --- */

static void
check_duration (const char *text, gint64 want)
{
	gint64 seconds = -1;

	g_assert_true (mt_config_parse_duration (text, &seconds));
	g_assert_cmpint (seconds, ==, want);
}

static void
test_duration_units (void)
{
	check_duration ("5d", 432000);
	check_duration ("12h", 43200);
	check_duration ("30m", 1800);
	check_duration ("90s", 90);
	check_duration ("3600", 3600);
	check_duration ("0", 0);
	check_duration ("0d", 0);
}

static void
test_duration_rejects (void)
{
	const char *bad[] = { "",
			      "d",
			      "-1",
			      "5x",
			      "1.5h",
			      " 5d",
			      "5d ",
			      "5 d",
			      "5dd",
			      "+5",
			      "5D",
			      "5M",
			      "1d12h",
			      "106751991167301d",
			      "99999999999999999999" };
	gint64 seconds = 7;

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
		if (mt_config_parse_duration (bad[i], &seconds))
			g_error ("accepted as a duration: '%s'", bad[i]);
	g_assert_false (mt_config_parse_duration (NULL, &seconds));
	g_assert_cmpint (seconds, ==, 7);
}

/* --- which file --- */

static void
test_defaults_without_file (Fixture *f, gconstpointer data)
{
	g_autoptr (MtConfig) config = NULL;
	g_autofree char *address = NULL;

	if (g_file_test (MT_CONFIG_DEFAULT_FILE, G_FILE_TEST_EXISTS)) {
		g_test_skip (MT_CONFIG_DEFAULT_FILE " exists on this machine");
		return;
	}
	config = load_ok (NULL, NULL);
	address = g_strdup_printf ("support@%s", g_get_host_name ());
	g_assert_null (config->file);
	g_assert_cmpstr (config->db_path, ==, MT_CONFIG_DEFAULT_DB);
	g_assert_cmpint (config->busy_timeout, ==, 30000);
	g_assert_cmpstr (config->tag, ==, "Ticket");
	g_assert_cmpuint (config->max_message_size, ==, G_GUINT64_CONSTANT (52428800));
	g_assert_cmpuint (config->max_parts, ==, MT_MESSAGE_MAX_PARTS);
	g_assert_cmpuint (config->max_depth, ==, MT_MESSAGE_MAX_DEPTH);
	g_assert_cmpint (config->delimiter, ==, '+');
	g_assert_cmpstr (config->queue, ==, "support");
	g_assert_cmpstr (config->domain, ==, g_get_host_name ());
	g_assert_cmpstr (config->address, ==, address);
	g_assert_null (config->secret_file);
	g_assert_null (config->secret);
	g_assert_cmpint (config->foreign_subject, ==, MT_FOREIGN_SUBJECT_LINK);
}

static void
test_empty_env_is_unset (Fixture *f, gconstpointer data)
{
	g_autoptr (MtConfig) config = NULL;

	if (g_file_test (MT_CONFIG_DEFAULT_FILE, G_FILE_TEST_EXISTS)) {
		g_test_skip (MT_CONFIG_DEFAULT_FILE " exists on this machine");
		return;
	}
	g_setenv ("MAILTICKET_CONF", "", TRUE);
	g_setenv ("MAILTICKET_DB", "", TRUE);
	config = load_ok (NULL, NULL);
	g_assert_null (config->file);
	g_assert_cmpstr (config->db_path, ==, MT_CONFIG_DEFAULT_DB);
}

static void
test_all_keys_read (Fixture *f, gconstpointer data)
{
	const char *secret = write_file (f, "secret", "  s3cr3t-value \n\n");
	g_autofree char *text = g_strdup_printf ("# a comment\n"
						 "[database]\n"
						 "path = /srv/tickets.db\n"
						 "busy_timeout = 1500\n"
						 "[mail]\n"
						 "domain = help.example.org\n"
						 "address = desk@help.example.org\n"
						 "queue = helpdesk\n"
						 "tag = Case\n"
						 "secret_file = %s\n"
						 "recipient_delimiter = -\n"
						 "max_message_size = 10M\n"
						 "max_parts = 200\n"
						 "max_depth = 8\n"
						 "[thread]\n"
						 "foreign_subject = join\n",
						 secret);
	const char *path = write_file (f, "mailticket.conf", text);
	g_autoptr (MtConfig) config = NULL;

	g_assert_cmpint (g_chmod (secret, 0600), ==, 0);
	config = load_ok (path, NULL);
	g_assert_cmpstr (config->file, ==, path);
	g_assert_cmpstr (config->db_path, ==, "/srv/tickets.db");
	g_assert_cmpint (config->busy_timeout, ==, 1500);
	g_assert_cmpstr (config->domain, ==, "help.example.org");
	g_assert_cmpstr (config->address, ==, "desk@help.example.org");
	g_assert_cmpstr (config->queue, ==, "helpdesk");
	g_assert_cmpstr (config->tag, ==, "Case");
	g_assert_cmpstr (config->secret_file, ==, secret);
	g_assert_cmpstr (config->secret, ==, "s3cr3t-value");
	g_assert_cmpint (config->delimiter, ==, '-');
	g_assert_cmpuint (config->max_message_size, ==, G_GUINT64_CONSTANT (10485760));
	g_assert_cmpuint (config->max_parts, ==, 200);
	g_assert_cmpuint (config->max_depth, ==, 8);
	g_assert_cmpint (config->foreign_subject, ==, MT_FOREIGN_SUBJECT_JOIN);
}

static void
test_address_defaults_to_domain (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf", "[mail]\ndomain = d.example\n");
	g_autoptr (MtConfig) config = load_ok (path, NULL);

	g_assert_cmpstr (config->address, ==, "support@d.example");
	g_assert_cmpstr (config->tag, ==, "Ticket");
	g_assert_cmpint (config->delimiter, ==, '+');
	g_assert_cmpstr (config->delimiters, ==, "+");
}

/* Postfix takes a set of characters; reply addresses use the first. */
static void
test_delimiter_set (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf", "[mail]\nrecipient_delimiter = -+\n");
	g_autoptr (MtConfig) config = load_ok (path, NULL);

	g_assert_cmpstr (config->delimiters, ==, "-+");
	g_assert_cmpint (config->delimiter, ==, '-');
}

static void
test_db_argument_beats_env_and_file (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf", "[database]\npath = /from/file.db\n");
	g_autoptr (MtConfig) from_file = load_ok (path, NULL);
	g_autoptr (MtConfig) from_env = NULL;
	g_autoptr (MtConfig) from_arg = NULL;

	g_assert_cmpstr (from_file->db_path, ==, "/from/file.db");
	g_setenv ("MAILTICKET_DB", "/from/env.db", TRUE);
	from_env = load_ok (path, NULL);
	g_assert_cmpstr (from_env->db_path, ==, "/from/env.db");
	from_arg = load_ok (path, "/from/arg.db");
	g_assert_cmpstr (from_arg->db_path, ==, "/from/arg.db");
}

static void
test_env_conf_used_without_c (Fixture *f, gconstpointer data)
{
	const char *env_file = write_file (f, "env.conf", "[mail]\ntag = FromEnv\n");
	const char *c_file = write_file (f, "c.conf", "[mail]\ntag = FromC\n");
	g_autoptr (MtConfig) from_env = NULL;
	g_autoptr (MtConfig) from_c = NULL;

	g_setenv ("MAILTICKET_CONF", env_file, TRUE);
	from_env = load_ok (NULL, NULL);
	g_assert_cmpstr (from_env->file, ==, env_file);
	g_assert_cmpstr (from_env->tag, ==, "FromEnv");
	from_c = load_ok (c_file, NULL);
	g_assert_cmpstr (from_c->file, ==, c_file);
	g_assert_cmpstr (from_c->tag, ==, "FromC");
}

static void
test_smtp_defaults (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf", "[mail]\ndomain = d.example\n");
	g_autoptr (MtConfig) config = load_ok (path, NULL);

	g_assert_cmpstr (config->smtp_host, ==, "localhost");
	g_assert_cmpint (config->smtp_port, ==, 25);
	g_assert_cmpint (config->smtp_starttls, ==, MT_STARTTLS_NO);
	g_assert_null (config->smtp_user);
	g_assert_null (config->smtp_password_file);
	g_assert_cmpstr (config->smtp_helo, ==, "d.example");
	g_assert_cmpint (config->smtp_max_age, ==, 5 * 24 * 3600);
}

/* The password file is the sender's business: loading the configuration
 * neither reads it nor fails when it is missing. */
static void
test_smtp_all_keys_read (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf",
				       "[smtp]\n"
				       "host = relay.example.org\n"
				       "port = 587\n"
				       "starttls = required\n"
				       "user = helpdesk\n"
				       "password_file = /nonexistent/smtp-password\n"
				       "helo = mx1.example.org\n"
				       "max_age = 12h\n");
	g_autoptr (MtConfig) config = load_ok (path, NULL);

	g_assert_cmpstr (config->smtp_host, ==, "relay.example.org");
	g_assert_cmpint (config->smtp_port, ==, 587);
	g_assert_cmpint (config->smtp_starttls, ==, MT_STARTTLS_REQUIRED);
	g_assert_cmpstr (config->smtp_user, ==, "helpdesk");
	g_assert_cmpstr (config->smtp_password_file, ==, "/nonexistent/smtp-password");
	g_assert_cmpstr (config->smtp_helo, ==, "mx1.example.org");
	g_assert_cmpint (config->smtp_max_age, ==, 43200);
}

static void
test_smtp_starttls_yes (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf", "[smtp]\nstarttls = yes\n");
	g_autoptr (MtConfig) config = load_ok (path, NULL);

	g_assert_cmpint (config->smtp_starttls, ==, MT_STARTTLS_YES);
}

/* --- errors --- */

static void
test_named_file_missing (Fixture *f, gconstpointer data)
{
	g_autofree char *missing = g_build_filename (f->dir, "no-such.conf", NULL);

	assert_config_error (missing, NULL);
	g_setenv ("MAILTICKET_CONF", missing, TRUE);
	assert_config_error (NULL, NULL);
}

static void
test_file_syntax_error (Fixture *f, gconstpointer data)
{
	assert_config_error (write_file (f, "c.conf", "[mail\ntag = x\n"), NULL);
	assert_config_error (write_file (f, "d.conf", "tag = outside any group\n"), NULL);
}

static void
test_bad_max_message_size (Fixture *f, gconstpointer data)
{
	assert_config_error (write_file (f, "c.conf", "[mail]\nmax_message_size = 1.5M\n"), NULL);
	assert_config_error (write_file (f, "d.conf", "[mail]\nmax_message_size = lots\n"), NULL);
}

static void
test_bad_part_limits (Fixture *f, gconstpointer data)
{
	assert_config_error (write_file (f, "a.conf", "[mail]\nmax_parts = 0\n"), NULL);
	assert_config_error (write_file (f, "b.conf", "[mail]\nmax_parts = many\n"), NULL);
	assert_config_error (write_file (f, "c.conf", "[mail]\nmax_depth = 1025\n"), NULL);
}

static void
test_fallback_charsets (Fixture *f, gconstpointer data)
{
	g_autoptr (MtConfig) config = load_ok (
		write_file (f, "a.conf", "[mail]\nfallback_charsets = koi8-r, shift_jis windows-1252\n"), NULL);
	g_autoptr (MtConfig) unset = load_ok (write_file (f, "b.conf", "[mail]\n"), NULL);
	const char *const want[] = { "koi8-r", "shift_jis", "windows-1252", NULL };

	g_assert_true (g_strv_equal ((const char *const *) config->fallback_charsets, want));
	g_assert_null (unset->fallback_charsets);
	assert_config_error (write_file (f, "c.conf", "[mail]\nfallback_charsets = koi8-r, klingon-8\n"), NULL);
}

static void
test_bad_values (Fixture *f, gconstpointer data)
{
	assert_config_error (write_file (f, "a.conf", "[mail]\nrecipient_delimiter = +@\n"), NULL);
	assert_config_error (write_file (f, "b.conf", "[thread]\nforeign_subject = merge\n"), NULL);
	assert_config_error (write_file (f, "c.conf", "[database]\nbusy_timeout = soon\n"), NULL);
	assert_config_error (write_file (f, "d.conf", "[database]\nbusy_timeout = -5\n"), NULL);
}

static void
test_bad_smtp_values (Fixture *f, gconstpointer data)
{
	const char *bad[] = {
		"[smtp]\nport = 0\n",
		"[smtp]\nport = 65536\n",
		"[smtp]\nport = smtp\n",
		"[smtp]\nstarttls = maybe\n",
		"[smtp]\nstarttls = Yes\n",
		"[smtp]\nmax_age = forever\n",
		"[smtp]\nmax_age = 5 days\n",
		"[smtp]\nuser = helpdesk\n",
		"[smtp]\npassword_file = /etc/mailticket/smtp-password\n",
	};

	for (gsize i = 0; i < G_N_ELEMENTS (bad); i++) {
		g_autofree char *name = g_strdup_printf ("bad-%zu.conf", i);
		assert_config_error (write_file (f, name, bad[i]), NULL);
	}
}

/* A timeout past INT_MAX must not wrap to another number. */
static void
test_busy_timeout_overflow (Fixture *f, gconstpointer data)
{
	const char *path = write_file (f, "c.conf", "[database]\nbusy_timeout = 4294967297\n");
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = mt_config_load (path, NULL, &error);

	g_assert_null (config);
	g_assert_error (error, MT_ERROR, MT_ERROR_CONFIG);
}

static void
test_secret_file_unreadable (Fixture *f, gconstpointer data)
{
	g_autofree char *missing = g_build_filename (f->dir, "no-such-secret", NULL);
	g_autofree char *text = g_strdup_printf ("[mail]\nsecret_file = %s\n", missing);

	assert_config_error (write_file (f, "c.conf", text), NULL);
}

/* Read and used, but every user may read it: a warning, never the secret. */
static void
test_secret_file_readable_by_all (Fixture *f, gconstpointer data)
{
	const char *secret = write_file (f, "secret", "s3cr3t-value\n");
	g_autofree char *text = g_strdup_printf ("[mail]\nsecret_file = %s\n", secret);
	const char *path = write_file (f, "mailticket.conf", text);
	g_autoptr (MtConfig) config = NULL;
	g_autofree char *want = g_strdup_printf ("secret_file %s is readable by every user; chmod o-rwx it", secret);

	g_assert_cmpint (g_chmod (secret, 0644), ==, 0);
	g_test_expect_message (NULL, G_LOG_LEVEL_WARNING, want);
	config = load_ok (path, NULL);
	g_test_assert_expected_messages ();
	g_assert_cmpstr (config->secret, ==, "s3cr3t-value");
}

static void
test_secret_file_empty (Fixture *f, gconstpointer data)
{
	const char *secret = write_file (f, "secret", " \n\t\n");
	g_autofree char *text = g_strdup_printf ("[mail]\nsecret_file = %s\n", secret);

	assert_config_error (write_file (f, "c.conf", text), NULL);
}

/* --- [queue NAME] auto_close_after --- */

static void
test_auto_close_per_queue (Fixture *f, gconstpointer data)
{
	const char *path =
		write_file (f, "mt.conf", "[queue support]\nauto_close_after = 7d\n[queue sales]\nlang = de\n");
	g_autoptr (MtConfig) config = load_ok (path, NULL);

	g_assert_cmpint (mt_config_auto_close_after (config, "support"), ==, 7 * 86400);
	g_assert_cmpint (mt_config_auto_close_after (config, "sales"), ==, 0);
	g_assert_cmpint (mt_config_auto_close_after (config, NULL), ==, 0);
}

static void
test_auto_close_rejects_what_is_no_duration (Fixture *f, gconstpointer data)
{
	assert_config_error (write_file (f, "a.conf", "[queue support]\nauto_close_after = soon\n"), NULL);
	assert_config_error (write_file (f, "b.conf", "[queue support]\nauto_close_after = 0\n"), NULL);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
	g_test_add_func ("/config/size/units", test_size_units);
	g_test_add_func ("/config/size/rejects-malformed", test_size_rejects);
	g_test_add_func ("/config/size/rejects-overflow", test_size_rejects_overflow);
	g_test_add_func ("/config/duration/units", test_duration_units);
	g_test_add_func ("/config/duration/rejects-malformed", test_duration_rejects);
	ADD ("/config/file/none-gives-defaults", test_defaults_without_file);
	ADD ("/config/queue/auto-close-after", test_auto_close_per_queue);
	ADD ("/config/queue/auto-close-after-rejects-what-is-no-duration", test_auto_close_rejects_what_is_no_duration);
	ADD ("/config/file/empty-env-is-unset", test_empty_env_is_unset);
	ADD ("/config/file/all-keys-read", test_all_keys_read);
	ADD ("/config/file/address-defaults-to-domain", test_address_defaults_to_domain);
	ADD ("/config/file/delimiter-set", test_delimiter_set);
	ADD ("/config/file/db-argument-beats-env-beats-file", test_db_argument_beats_env_and_file);
	ADD ("/config/file/env-used-without-c", test_env_conf_used_without_c);
	ADD ("/config/smtp/defaults", test_smtp_defaults);
	ADD ("/config/smtp/all-keys-read", test_smtp_all_keys_read);
	ADD ("/config/smtp/starttls-yes", test_smtp_starttls_yes);
	ADD ("/config/error/named-file-missing", test_named_file_missing);
	ADD ("/config/error/syntax", test_file_syntax_error);
	ADD ("/config/error/bad-max-message-size", test_bad_max_message_size);
	ADD ("/config/error/bad-max-parts-or-depth", test_bad_part_limits);
	ADD ("/config/mail/fallback-charsets", test_fallback_charsets);
	ADD ("/config/error/bad-delimiter-foreign-subject-timeout", test_bad_values);
	ADD ("/config/error/bad-smtp-values", test_bad_smtp_values);
	ADD ("/config/error/busy-timeout-overflow", test_busy_timeout_overflow);
	ADD ("/config/error/secret-file-unreadable", test_secret_file_unreadable);
	ADD ("/config/error/secret-file-empty", test_secret_file_empty);
	ADD ("/config/file/secret-readable-by-all-warns", test_secret_file_readable_by_all);
#undef ADD
	return g_test_run ();
}
