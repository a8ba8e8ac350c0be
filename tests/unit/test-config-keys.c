/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-config-keys.c - the table of mailticket.conf's keys, the
 * warnings for what it does not hold, the FILE:LINE of bad values,
 * mailticket config check's list and the origins config show prints.
 * Each test gets its own directory, no MAILTICKET_CONF nor
 * MAILTICKET_DB, and a mailname of its own.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "mailticket/config.h"
#include "mailticket/error.h"
#include "mailticket/message.h"

typedef struct {
	char *dir;
	char *file; /* the config written by write_conf */
	char *mailname;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->dir = g_dir_make_tmp ("test-config-keys-XXXXXX", &error);
	g_assert_no_error (error);
	f->file = g_build_filename (f->dir, "mailticket.conf", NULL);
	f->mailname = g_build_filename (f->dir, "mailname", NULL);
	g_unsetenv ("MAILTICKET_CONF");
	g_unsetenv ("MAILTICKET_DB");
	g_setenv ("MAILTICKET_MAILNAME", f->mailname, TRUE);
}

static void
teardown (Fixture *f, gconstpointer data)
{
	g_remove (f->file);
	g_remove (f->mailname);
	g_rmdir (f->dir);
	g_free (f->dir);
	g_free (f->file);
	g_free (f->mailname);
	g_unsetenv ("MAILTICKET_MAILNAME");
}

static void
write_conf (Fixture *f, const char *text)
{
	g_autoptr (GError) error = NULL;

	g_file_set_contents (f->file, text, -1, &error);
	g_assert_no_error (error);
}

/* "FILE:LINE: rest" for the fixture's file. Owned. */
static char *
at (Fixture *f, int line, const char *rest)
{
	return g_strdup_printf ("%s:%d: %s", f->file, line, rest);
}

static const MtConfigValue *
value_of (const MtConfig *config, const char *section, const char *key)
{
	for (guint i = 0; i < config->values->len; i++) {
		const MtConfigValue *v = config->values->pdata[i];

		if (strcmp (v->section, section) == 0 && strcmp (v->row->key, key) == 0)
			return v;
	}
	g_assert_not_reached ();
}

static void
test_defaults_fit_types (void)
{
	for (const MtConfigKey *k = mt_config_keys (); k->key; k++) {
		g_assert_nonnull (k->description);
		if (k->fallback != NULL && !mt_config_key_accepts (k, k->fallback))
			g_error ("[%s] %s: its default %s is no %s", k->section, k->key, k->fallback,
				 mt_config_key_expects (k));
		g_assert_true (k->type != MT_CONFIG_CHOICE || k->choices != NULL);
		g_assert_true (k->type != MT_CONFIG_NUMBER || k->min <= k->max);
	}
}

/* The table's defaults are the message module's. */
static void
test_message_limits (void)
{
	g_autofree char *parts = g_strdup_printf ("%d", MT_MESSAGE_MAX_PARTS);
	g_autofree char *depth = g_strdup_printf ("%d", MT_MESSAGE_MAX_DEPTH);

	g_assert_cmpstr (mt_config_key_find ("mail", "max_parts")->fallback, ==, parts);
	g_assert_cmpstr (mt_config_key_find ("mail", "max_depth")->fallback, ==, depth);
}

static void
test_find (void)
{
	g_assert_nonnull (mt_config_key_find ("mail", "domain"));
	g_assert_null (mt_config_key_find ("mail", "domian"));
	g_assert_null (mt_config_key_find ("notify", "domain"));
	g_assert_nonnull (mt_config_key_find ("queue sales", "lang"));
	g_assert_nonnull (mt_config_key_find ("queue sales", "owner"));
	g_assert_null (mt_config_key_find ("queue sales", "domain"));
	g_assert_true (mt_config_section_known ("smtp"));
	g_assert_true (mt_config_section_known ("queue  sales"));
	g_assert_false (mt_config_section_known ("queue"));
	g_assert_false (mt_config_section_known ("databse"));
	g_assert_cmpstr (mt_config_section_queue ("queue sales"), ==, "sales");
	g_assert_null (mt_config_section_queue ("queues"));
}

static void
test_accepts (void)
{
	const MtConfigKey *port = mt_config_key_find ("smtp", "port");
	const MtConfigKey *tls = mt_config_key_find ("smtp", "starttls");
	g_autofree char *port_expects = mt_config_key_expects (port);
	g_autofree char *tls_expects = mt_config_key_expects (tls);

	g_assert_true (mt_config_key_accepts (port, "587"));
	g_assert_false (mt_config_key_accepts (port, "0"));
	g_assert_false (mt_config_key_accepts (port, "smtp"));
	g_assert_true (mt_config_key_accepts (tls, "required"));
	g_assert_false (mt_config_key_accepts (tls, "always"));
	g_assert_cmpstr (port_expects, ==, "a number from 1 to 65535");
	g_assert_cmpstr (tls_expects, ==, "no, yes or required");
}

static void
test_unknown_warned (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autofree char *section = at (f, 4, "unknown section [databse]; did you mean [database]?");
	g_autofree char *key = at (f, 3, "unknown key domian in [mail]; did you mean domain?");
	g_autofree char *queue = at (f, 8, "unknown key colour in [queue sales]");

	write_conf (f,
		    "# a comment\n[mail]\ndomian = example.org\n[databse]\npath = /x\n\n[queue sales]\ncolour = red\n");
	config = mt_config_load (f->file, NULL, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (config->warnings->len, ==, 3);
	g_assert_cmpstr (config->warnings->pdata[0], ==, key);
	g_assert_cmpstr (config->warnings->pdata[1], ==, section);
	g_assert_cmpstr (config->warnings->pdata[2], ==, queue);
}

static void
test_bad_value_named (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autofree char *want = at (f, 3, "[smtp] port: a number from 1 to 65535: smtp");

	write_conf (f, "[smtp]\nhost = mx\nport = smtp\n");
	config = mt_config_load (f->file, NULL, &error);
	g_assert_null (config);
	g_assert_error (error, MT_ERROR, MT_ERROR_CONFIG);
	g_assert_cmpstr (error->message, ==, want);
}

/* A line GKeyFile cannot read: its error, with the line. */
static void
test_syntax_named (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autofree char *want = g_strdup_printf ("%s:3: ", f->file);

	write_conf (f, "[mail]\ndomain = x\nthis is no key\n");
	config = mt_config_load (f->file, NULL, &error);
	g_assert_error (error, MT_ERROR, MT_ERROR_CONFIG);
	g_assert_true (g_str_has_prefix (error->message, want));
}

/* check lists every problem, by line; load fails with the first. */
static void
test_check_lists_all (Fixture *f, gconstpointer data)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = NULL;
	g_autofree char *first = at (f, 2, "[mail] acknowledge: yes or no: sure");

	write_conf (f, "[mail]\nacknowledge = sure\nsecrt_file = /x\n[thread]\nforeign_subject = merge\n");
	config = mt_config_check (f->file, NULL, problems, &error);
	g_assert_no_error (error);
	g_assert_cmpuint (problems->len, ==, 3);
	g_assert_cmpstr (problems->pdata[0], ==, first);
	g_assert_true (strstr (problems->pdata[1], ":3: unknown key secrt_file in [mail]") != NULL);
	g_assert_true (strstr (problems->pdata[2], ":5: [thread] foreign_subject: link or join: merge") != NULL);
	g_clear_pointer (&config, mt_config_free);
	config = mt_config_load (f->file, NULL, &error);
	g_assert_null (config);
	g_assert_true (g_str_has_prefix (error->message, first));
	g_assert_true (g_str_has_suffix (error->message, "(and 1 more: mailticket config check)"));
}

static void
test_origins (Fixture *f, gconstpointer data)
{
	g_autoptr (MtConfig) config = NULL;
	g_autoptr (GError) error = NULL;
	g_autofree char *line3 = g_strdup_printf ("%s:3", f->file);

	write_conf (f, "[mail]\n\nqueue = help\n[queue sales]\nowner = no\n");
	config = mt_config_load (f->file, "/tmp/x.db", &error);
	g_assert_no_error (error);
	g_assert_cmpstr (value_of (config, "mail", "queue")->origin, ==, line3);
	g_assert_cmpstr (value_of (config, "mail", "queue")->value, ==, "help");
	g_assert_cmpstr (value_of (config, "mail", "tag")->origin, ==, "default");
	g_assert_cmpstr (value_of (config, "database", "path")->origin, ==, "--db");
	g_assert_cmpstr (value_of (config, "queue sales", "task")->origin, ==, "[notify]");
	g_assert_null (value_of (config, "mail", "name")->value);
	g_clear_pointer (&config, mt_config_free);
	g_setenv ("MAILTICKET_DB", "/tmp/env.db", TRUE);
	config = mt_config_load (f->file, NULL, &error);
	g_unsetenv ("MAILTICKET_DB");
	g_assert_cmpstr (value_of (config, "database", "path")->origin, ==, "$MAILTICKET_DB");
	g_assert_cmpstr (config->db_path, ==, "/tmp/env.db");
}

/* Without [mail] domain: /etc/mailname's first line, else the host name. */
static void
test_domain_from_mailname (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = NULL;

	write_conf (f, "[mail]\n");
	g_file_set_contents (f->mailname, "  mx.example.net \nother\n", -1, &error);
	g_assert_no_error (error);
	config = mt_config_load (f->file, NULL, &error);
	g_assert_cmpstr (config->domain, ==, "mx.example.net");
	g_assert_cmpstr (config->address, ==, "support@mx.example.net");
	g_assert_cmpstr (value_of (config, "mail", "domain")->origin, ==, f->mailname);
	g_clear_pointer (&config, mt_config_free);
	g_file_set_contents (f->mailname, "\n", -1, &error);
	config = mt_config_load (f->file, NULL, &error);
	g_assert_cmpstr (config->domain, ==, g_get_host_name ());
	g_assert_cmpstr (value_of (config, "mail", "domain")->origin, ==, "host name");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
	g_test_add_func ("/config-keys/table/defaults-fit-their-types", test_defaults_fit_types);
	g_test_add_func ("/config-keys/table/message-limits-are-the-message-module-s", test_message_limits);
	g_test_add_func ("/config-keys/table/find-keys-and-queue-sections", test_find);
	g_test_add_func ("/config-keys/table/types-accept-and-say-what", test_accepts);
	ADD ("/config-keys/warn/unknown-section-and-key-with-line", test_unknown_warned);
	ADD ("/config-keys/error/bad-value-names-file-line", test_bad_value_named);
	ADD ("/config-keys/error/syntax-names-file-line", test_syntax_named);
	ADD ("/config-keys/check/lists-every-problem-by-line", test_check_lists_all);
	ADD ("/config-keys/show/origins", test_origins);
	ADD ("/config-keys/default/domain-from-mailname", test_domain_from_mailname);
#undef ADD
	return g_test_run ();
}
