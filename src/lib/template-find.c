/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	template-find.c - which template a mail uses
 * DESCRIPTION
 *	The admin's files in [templates] dir come before the shipped ones:
 *	DIR/QUEUE/NAME.LANG, DIR/NAME.LANG, then the shipped NAME.LANG;
 *	then the same in English. A file that cannot be read or does not
 *	pass mt_template_check() is logged with the reason and passed
 *	over, so that a typo in an override never sends a mail with a hole
 *	nor holds the mail back: the shipped text goes instead.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/template.h"

const char *
mt_template_shipped (const char *file)
{
	for (int i = 0; mt_template_shipped_files[i]; i += 2)
		if (strcmp (mt_template_shipped_files[i], file) == 0)
			return mt_template_shipped_files[i + 1];
	return NULL;
}

/* The text of an override file when it is there and sound, else NULL
 * (and the log says why, unless it is simply not there). */
static char *
override (const char *name, const char *path)
{
	g_autofree char *text = NULL;
	g_autoptr (GError) local = NULL;
	g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

	if (!g_file_get_contents (path, &text, NULL, &local)) {
		if (!g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			g_warning ("template %s: %s; the next one is used", path, local->message);
		return NULL;
	}
	if (mt_template_check (name, path, text, problems))
		return g_steal_pointer (&text);
	for (guint i = 0; i < problems->len; i++)
		g_warning ("template %s; the shipped one is used", (char *) g_ptr_array_index (problems, i));
	return NULL;
}

/* A queue name is a directory only when it cannot leave DIR. */
static gboolean
queue_dir_ok (const char *queue)
{
	return queue && *queue && *queue != '.' && !strchr (queue, '/');
}

static char *
find_in (const MtConfig *config, const char *name, const char *queue, const char *lang, char **source)
{
	g_autofree char *file = g_strdup_printf ("%s.%s", name, lang);
	const char *shipped;
	char *text = NULL;

	if (config->templates_dir != NULL) {
		g_autofree char *in_queue =
			queue_dir_ok (queue) ? g_build_filename (config->templates_dir, queue, file, NULL) : NULL;
		g_autofree char *global = g_build_filename (config->templates_dir, file, NULL);

		if (in_queue && (text = override (name, in_queue)) != NULL) {
			*source = g_steal_pointer (&in_queue);
			return text;
		}
		if ((text = override (name, global)) != NULL) {
			*source = g_steal_pointer (&global);
			return text;
		}
	}
	if ((shipped = mt_template_shipped (file)) == NULL)
		return NULL;
	*source = g_strdup_printf ("shipped:%s", file);
	return g_strdup (shipped);
}

char *
mt_template_find (const MtConfig *config, const char *name, const char *queue, const char *lang, char **source,
		  char **found_lang, GError **error)
{
	const char *langs[] = { lang && *lang ? lang : "en", "en" };

	for (guint i = 0; i < G_N_ELEMENTS (langs); i++) {
		char *text = find_in (config, name, queue, langs[i], source);

		if (text != NULL) {
			*found_lang = g_strdup (langs[i]);
			return text;
		}
	}
	g_set_error (error, MT_ERROR, MT_ERROR_NOT_FOUND, "no template %s for language %s", name, langs[0]);
	return NULL;
}

MtTemplateText *
mt_template_render (const MtConfig *config, const char *name, const char *queue, const char *lang, GHashTable *vars,
		    GError **error)
{
	g_autofree char *source = NULL, *found = NULL;
	g_autofree char *text = mt_template_find (config, name, queue, lang, &source, &found, error);
	MtTemplateText *t;

	if (text == NULL)
		return NULL;
	t = mt_template_expand (name, text, vars);
	t->lang = g_steal_pointer (&found);
	t->source = g_steal_pointer (&source);
	return t;
}
