/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	import-private.h - what the files of the import module share
 * DESCRIPTION
 *	import.c delivers and commits in batches; import-source.c finds
 *	the messages of a path and hands each to mt_import_message().
 */
#ifndef MT_IMPORT_PRIVATE_H
#define MT_IMPORT_PRIVATE_H

#include <gmime/gmime.h>

#include "mailticket/deliver.h"
#include "mailticket/import.h"

typedef struct {
	MtStore *store;
	const MtConfig *config;
	const MtImportOptions *options;
	MtImportStats *stats;
	MtDeliverOptions deliver; /* each message's, but for its time */
	gint64 clock;             /* when the import began */
	gboolean open;            /* a batch is */
	guint count;              /* messages in it */
	gsize bytes;              /* their bytes */
	gint64 started;           /* monotonic µs, when it began */
} MtImporter;

/* One message of a mailbox (import.c): delivered as a write of the
 * batch, or counted as left out; where names it in a warning. FALSE
 * on a failure that stops the import. */
gboolean mt_import_message (MtImporter *im, GByteArray *raw, gint64 fallback, const char *where, GError **error);
/* Counts a message left out for failure, with a warning; FALSE when the
 * failure stops the import instead (a temporary one). */
gboolean mt_import_left_out (MtImporter *im, const char *where, const GError *failure);

/* What the paths hold, in order (import-source.c): Maildir files, mbox
 * files, message files; their bytes in *total. NULL and error when a
 * path is none of these. */
GPtrArray *mt_import_sources (char **paths, guint64 *total, GError **error);
/* Imports the messages of one of them. */
gboolean mt_import_source (MtImporter *im, gconstpointer source, GError **error);

/* The mbox open at fd, read-only, as GMime's parser is to see it to
 * find its From_ lines (import-mask.c): every other line masked, every
 * byte at its offset. The fd stays the caller's. NULL if it cannot be
 * read. */
GMimeStream *mt_import_mask_new (int fd);

#endif
