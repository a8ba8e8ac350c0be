/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	config-private.h - what config.c takes from config-keys.c
 */
#ifndef MT_CONFIG_PRIVATE_H
#define MT_CONFIG_PRIVATE_H

#include "mailticket/config.h"

/* The line (from 1) of lines, the file's text, on which key is set in
 * section (the last time, as GKeyFile keeps the last), or which opens
 * section when key is NULL; 0 when no line does. */
guint config_line (char **lines, const char *section, const char *key);
/* "FILE:LINE" of key in section, else of section, else "FILE". Owned. */
char *config_where (const char *file, char **lines, const char *section, const char *key);
/* Adds to warnings a line "FILE:LINE: unknown ..." for each section and
 * key of kf that the table has not. */
void config_unknown (GKeyFile *kf, const char *file, char **lines, GPtrArray *warnings);

/* The first line GKeyFile cannot take: neither blank, a comment, a
 * section nor a key of one; 0 when there is none. Only to say where. */
guint config_bad_line (char **lines);

#endif
