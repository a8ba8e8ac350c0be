/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket template - the texts of the mail
 * SYNOPSIS
 *	mailticket template list
 *	mailticket template show NAME [--lang L] [--queue Q]
 *	mailticket template check
 * DESCRIPTION
 *	list names each template, the languages it is shipped in and the
 *	admin's files in [templates] dir; show prints the text a mail
 *	would use; check reads every file of [templates] dir and the
 *	shipped ones, prints each problem as FILE:LINE: what, and fails
 *	when there is one (mailticket-templates(5)).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/template.h"

typedef struct {
	char *lang, *queue;
} Options;

/* The configuration: template needs no database. */
static gboolean
load_config (MtContext *ctx, GError **error)
{
	return mt_cli_load_config (ctx, error);
}

/* Calls func for each NAME.LANG file of dir (and its queue folders and
 * answers/ when deep), with the name it gives ("answers/NAME" there). */
typedef void (*FileFunc) (const char *path, const char *name, const char *lang, gpointer data);

static void
each_file (const char *dir, const char *prefix, gboolean deep, FileFunc func, gpointer data)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *entry;

	while (d && (entry = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, entry, NULL);
		const char *dot = strrchr (entry, '.');

		if (g_file_test (path, G_FILE_TEST_IS_DIR)) {
			if (deep)
				each_file (path, strcmp (entry, "answers") == 0 ? "answers/" : "", FALSE, func, data);
		} else if (entry[0] != '.') {
			g_autofree char *name =
				dot ? g_strdup_printf ("%s%.*s", prefix, (int) (dot - entry), entry) : NULL;

			func (path, name, dot ? dot + 1 : NULL, data);
		}
	}
}

static void
check_file (const char *path, const char *name, const char *lang, gpointer data)
{
	GPtrArray *problems = data;
	g_autofree char *text = NULL;
	g_autoptr (GError) error = NULL;

	if (name == NULL || mt_template_variables (name) == NULL || !lang || !*lang) {
		g_ptr_array_add (problems, g_strdup_printf ("%s:1: not a template: NAME.LANG with NAME one of "
							    "mailticket-templates(5)",
							    path));
		return;
	}
	if (!g_file_get_contents (path, &text, NULL, &error)) {
		g_ptr_array_add (problems, g_strdup_printf ("%s:1: %s", path, error->message));
		return;
	}
	mt_template_check (name, path, text, problems);
}

static void
check_shipped (GPtrArray *problems)
{
	for (int i = 0; mt_template_shipped_files[i]; i += 2) {
		const char *file = mt_template_shipped_files[i];
		g_autofree char *name = g_strndup (file, strrchr (file, '.') - file);
		g_autofree char *where = g_strdup_printf ("shipped:%s", file);

		mt_template_check (name, where, mt_template_shipped_files[i + 1], problems);
	}
}

static int
check_templates (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;

	if (!load_config (ctx, &error))
		return mt_cli_fail (error);
	check_shipped (problems);
	if (ctx->config->templates_dir)
		each_file (ctx->config->templates_dir, "", TRUE, check_file, problems);
	for (guint i = 0; i < problems->len; i++)
		mt_cli_print ("%s\n", (char *) g_ptr_array_index (problems, i));
	if (problems->len == 0)
		return 0;
	g_set_error (&error, MT_ERROR, MT_ERROR_DATA, "%u problem%s in the templates", problems->len,
		     problems->len == 1 ? "" : "s");
	return mt_cli_fail (error);
}

static void
print_override (const char *path, const char *name, const char *lang, gpointer data)
{
	mt_cli_print ("  %s\n", path);
}

/* The shipped canned answers, each with its languages. */
static void
print_answers (void)
{
	const char *last = NULL;
	size_t n = 0;

	for (int i = 0; mt_template_shipped_files[i]; i += 2) {
		const char *file = mt_template_shipped_files[i];
		const char *dot = strrchr (file, '.');

		if (!g_str_has_prefix (file, "answers/"))
			continue;
		if (last == NULL || (size_t) (dot - file) != n || strncmp (file, last, n) != 0)
			mt_cli_print ("%s%-17.*s", last ? "\n" : "", (int) (dot - file), file);
		mt_cli_print (" %s", dot + 1);
		last = file, n = dot - file;
	}
	if (last)
		mt_cli_print ("\n");
}

static int
list_templates (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const char *const *names = mt_template_names ();
	g_autoptr (GError) error = NULL;

	if (!load_config (ctx, &error))
		return mt_cli_fail (error);
	for (int i = 0; names[i]; i++) {
		mt_cli_print ("%-17s", names[i]);
		for (int l = 0; mt_template_languages[l]; l++) {
			g_autofree char *file = g_strdup_printf ("%s.%s", names[i], mt_template_languages[l]);

			if (mt_template_shipped (file))
				mt_cli_print (" %s", mt_template_languages[l]);
		}
		mt_cli_print ("\n");
	}
	print_answers ();
	if (ctx->config->templates_dir && g_file_test (ctx->config->templates_dir, G_FILE_TEST_IS_DIR)) {
		mt_cli_print ("In %s:\n", ctx->config->templates_dir);
		each_file (ctx->config->templates_dir, "", TRUE, print_override, NULL);
	}
	return 0;
}

static int
show_template (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	const Options *o = options;
	const char *name = args->args[0];
	g_autoptr (GError) error = NULL;
	g_autofree char *source = NULL, *lang = NULL, *text = NULL;

	if (!load_config (ctx, &error))
		return mt_cli_fail (error);
	if (mt_template_variables (name) == NULL)
		return mt_cli_usage ("template show: no template is called '%s' (see 'mailticket template list')",
				     name);
	if (!(text = mt_template_find (ctx->config, name, o->queue, o->lang ? o->lang : ctx->config->lang, &source,
				       &lang, &error)))
		return mt_cli_fail (error);
	fputs (text, stdout);
	return 0;
}

static const MtCliVerb verbs[] = {
	{ "list", list_templates, MT_CLI_OPEN_NONE, "[list]" },
	{ "show", show_template, MT_CLI_OPEN_NONE, "show NAME [--lang L] [--queue Q]" },
	{ "check", check_templates, MT_CLI_OPEN_NONE, "check" },
	{ NULL },
};

int
mt_cmd_template (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = { "list | show NAME [--lang L] [--queue Q] | check - the texts of the mail",
					    NULL, verbs };
	Options o = { 0 };
	GOptionEntry entries[] = {
		{ "lang", 'l', 0, G_OPTION_ARG_STRING, &o.lang, "the language (show): de, en, es, pl ...", "L" },
		{ "queue", 'q', 0, G_OPTION_ARG_STRING, &o.queue, "the queue whose override to show (show)", "Q" },
		{ NULL },
	};
	int code = mt_cli_run_verbs (ctx, argc, argv, &command, entries, &o);

	g_free (o.lang);
	g_free (o.queue);
	return code;
}
