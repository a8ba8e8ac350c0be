/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	config-get.c - what the programs ask of a loaded configuration
 * DESCRIPTION
 *	The per-queue values with their fallbacks, and freeing it all;
 *	config.c reads the file into MtConfig.
 */
#include <string.h>

#include "config-private.h"

const MtNotifyPolicy *
mt_config_notify (const MtConfig *config, const char *queue)
{
	const MtNotifyPolicy *policy = NULL;

	if (queue != NULL && config->queue_notify != NULL)
		policy = g_hash_table_lookup (config->queue_notify, queue);
	return policy ? policy : &config->notify;
}

void
mt_config_free (MtConfig *config)
{
	if (config == NULL)
		return;
	g_free (config->file);
	g_free (config->file_origin);
	if (config->warnings != NULL)
		g_ptr_array_unref (config->warnings);
	if (config->values != NULL)
		g_ptr_array_unref (config->values);
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
