/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	mailticket config - check mailticket.conf, or show what it gives
 * SYNOPSIS
 *	mailticket config check [FILE]
 *	mailticket config show
 * DESCRIPTION
 *	check reads FILE (else the file the programs read) as they do and
 *	prints each unknown section or key and each bad value as
 *	FILE:LINE: what; it fails when there is one. show prints every
 *	key's effective value, each with where it came from: the file and
 *	line, the default, the environment or the command line. Neither
 *	opens the database.
 */
#include <stdio.h>

#include "cli.h"
#include "mailticket/error.h"
#include "mailticket/log.h"

static int
check_config (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	const char *path = args->args[0] ? args->args[0] : ctx->config_path;
	g_autoptr (MtConfig) config = mt_config_check (path, ctx->db_path, problems, &error);

	if (config == NULL)
		return mt_cli_fail (error);
	for (guint i = 0; i < problems->len; i++)
		mt_cli_line ("%s", (char *) problems->pdata[i]);
	if (problems->len > 0) {
		g_set_error (&error, MT_ERROR, MT_ERROR_CONFIG, "%u problem%s in %s", problems->len,
			     problems->len == 1 ? "" : "s", config->file);
		return mt_cli_fail (error);
	}
	if (config->file != NULL)
		mt_cli_line ("%s: ok", config->file);
	else
		mt_cli_line ("no file (%s is not there): the defaults", MT_CONFIG_DEFAULT_FILE);
	return 0;
}

static void
show_value (const MtConfigValue *v, const char **section)
{
	if (g_strcmp0 (*section, v->section) != 0)
		mt_cli_line ("[%s]", v->section);
	*section = v->section;
	if (v->value != NULL)
		mt_cli_line ("%s = %s  # %s", v->row->key, v->value, v->origin);
	else
		mt_cli_line ("# %s =  # not set: %s", v->row->key, v->row->description);
}

static int
show_config (MtContext *ctx, const MtCliArgs *args, gpointer options)
{
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
	g_autoptr (GError) error = NULL;
	g_autoptr (MtConfig) config = mt_config_check (ctx->config_path, ctx->db_path, problems, &error);
	const char *section = NULL;

	if (config == NULL)
		return mt_cli_fail (error);
	for (guint i = 0; i < problems->len; i++) {
		g_autofree char *text = g_strdup_printf ("warning: %s", (char *) problems->pdata[i]);

		mt_log_tell (text);
	}
	if (config->file != NULL)
		mt_cli_line ("# file: %s  # %s", config->file, config->file_origin);
	else
		mt_cli_line ("# file: none, %s is not there", MT_CONFIG_DEFAULT_FILE);
	for (guint i = 0; i < config->values->len; i++)
		show_value (config->values->pdata[i], &section);
	return 0;
}

static const MtCliVerb verbs[] = {
	{ "check", check_config, MT_CLI_OPEN_NONE, "check [FILE]" },
	{ "show", show_config, MT_CLI_OPEN_NONE, "show" },
	{ NULL },
};

int
mt_cmd_config (MtContext *ctx, int argc, char **argv)
{
	static const MtCliVerbs command = {
		"check [FILE] | show - the configuration file",
		"check: read FILE (else the file the programs read) and print each unknown\n"
		"       section or key and each bad value as FILE:LINE: what; exit 1 if any.\n"
		"show:  every key's effective value, and where it came from: FILE:LINE,\n"
		"       default, $MAILTICKET_DB or --db. Neither opens the database.",
		verbs,
	};

	return mt_cli_run_verbs (ctx, argc, argv, &command, NULL, NULL);
}
