/*
 * NAME
 *	template.h - the texts of the mail mailticket writes
 * DESCRIPTION
 *	Every mail comes from a template (mailticket-templates(5)): a
 *	header block (Subject: and other headers an admin may set), a blank
 *	line and the body, with {{variables}} and line-level
 *	{{#if VAR}} ... {{/if}} blocks kept only when VAR is not empty. The
 *	signature and the canned answers (answers/NAME) are bodies only.
 *
 *	The shipped templates, in English, German, Polish and Spanish, are
 *	compiled in, so that delivery has no runtime path to lose; copies
 *	are installed under $(PREFIX)/share/mailticket/templates to read.
 *	[templates] dir overrides them: DIR/QUEUE/NAME.LANG, then
 *	DIR/NAME.LANG, then the shipped NAME.LANG; a language without
 *	such a file falls back to English. A broken override is logged and
 *	passed over: a mail never has a hole and is never deferred for it.
 */
#ifndef MT_TEMPLATE_H
#define MT_TEMPLATE_H

#include <glib.h>

#include "mailticket/config.h"

/* The languages mailticket ships templates in. */
extern const char *const mt_template_languages[];

typedef struct {
	char *lang;      /* of the text used: "de" */
	char *source;    /* the file read, or "shipped:NAME.LANG" */
	char *subject;   /* NULL for a body-only template */
	GPtrArray *head; /* further headers: name, value, name, value ... (char *) */
	char *body;
} MtTemplateText;

void mt_template_text_free (MtTemplateText *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtTemplateText, mt_template_text_free)

/* The names of the templates of mail (NULL-terminated), and the
 * variables a template may use, or NULL for an unknown name. Canned
 * answers are "answers/NAME" and use the reply's variables. */
const char *const *mt_template_names (void);
const char *const *mt_template_variables (const char *name);

/* Checks text as template name, read from where (a path, for the
 * messages); adds "where:LINE: problem" to problems (char *, owned) and
 * returns FALSE for each malformed line or unknown variable. */
gboolean mt_template_check (const char *name, const char *where, const char *text, GPtrArray *problems);

/* Expands a checked text with vars (name -> value, both char *); a
 * variable not in vars is empty. */
MtTemplateText *mt_template_expand (const char *name, const char *text, GHashTable *vars);

/* The shipped text of NAME.LANG ("ack.de", "answers/thanks.en"), or
 * NULL; static. */
const char *mt_template_shipped (const char *file);

/* The text template name for queue (or NULL) in lang, as found in
 * [templates] dir or shipped (*source says which), owned; NULL with
 * MT_ERROR_NOT_FOUND when there is none. A broken override is logged
 * and the next one taken. */
char *mt_template_find (const MtConfig *config, const char *name, const char *queue, const char *lang, char **source,
			char **found_lang, GError **error);

/* Finds and expands template name; MT_ERROR_NOT_FOUND without one. */
MtTemplateText *mt_template_render (const MtConfig *config, const char *name, const char *queue, const char *lang,
				    GHashTable *vars, GError **error);

/* A table for the variables: owned keys and values. */
GHashTable *mt_template_vars_new (void);
void mt_template_set (GHashTable *vars, const char *name, const char *value);

/* when, written as people of lang write a date and time ("07.12.2026
 * 14:30" in German); owned. */
char *mt_template_date (const char *lang, gint64 when);

/* A time span of minutes in lang: "4 hours", "4 Stunden"; owned. */
char *mt_template_duration (const char *lang, gint64 minutes);

/* The name of a ticket status in lang ("erledigt" for resolved);
 * the status itself when there is none. Static. */
const char *mt_template_status_name (const char *lang, const char *status);

/* The shipped language whose common words a text uses most, or NULL
 * when it has too few of them to tell. */
const char *mt_template_guess_language (const char *text);

/* lang when it is a usable language tag ("de", "pt-BR"), lower-cased
 * to its primary subtag; NULL otherwise. Owned. */
char *mt_template_language_tag (const char *lang);

#endif
