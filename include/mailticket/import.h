/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	import.h - old mail from mailboxes into tickets
 * DESCRIPTION
 *	mt_import() files every message of its paths as mailticket-deliver
 *	would have filed it when it came, through the same delivery code
 *	(deliver.h, MtDeliverOptions.import): the same threading, storage,
 *	size limit and parsing limits, and the rules unless no_rules. Each
 *	message is dated by its Date header, or when that is missing,
 *	unreadable or in the future, by its mbox From_ line or its file's
 *	time. Nobody is told, no SLA clock runs, and the tickets it opens
 *	are closed unless keep_status.
 *
 *	A path is a Maildir (its cur/ and new/, files in name order, which
 *	is the order of their delivery), an mbox (a file that starts with
 *	"From "; read by GMime's parser in mbox mode, each message's bytes as
 *	they are in the file), or a single message file.
 *
 *	The messages go into the store in batches, each one transaction of
 *	at most IMPORT_BATCH messages, about a tenth of a second or 4 MB,
 *	the write lock let go between two, so that deliveries go on while a
 *	large mailbox is imported. A message that a delivery would refuse
 *	(over the size limit, a rule) or that fails alone is counted and
 *	left out; a temporary failure (a busy database, a full disk) stops
 *	the import with what was committed kept. A second import of the
 *	same mailbox finds every message stored already (its bytes, or its
 *	Message-ID) and adds nothing.
 */
#ifndef MT_IMPORT_H
#define MT_IMPORT_H

#include <glib.h>
#include "mailticket/config.h"
#include "mailticket/store.h"

typedef struct {
	guint messages;    /* read */
	guint new_tickets; /* opened */
	guint appended;    /* to a ticket that was there */
	guint duplicates;  /* stored already */
	guint quarantined; /* could not be parsed at all: kept in the quarantine */
	guint refused;     /* over the size limit, or refused by a rule */
	guint failed;      /* unreadable, or a failure of that message alone */
	guint64 bytes;     /* of the paths, read so far */
	guint64 total;     /* of the paths */
} MtImportStats;

/* Called after each batch is committed, and once at the end. */
typedef void (*MtImportProgress) (const MtImportStats *stats, gpointer data);

typedef struct {
	const char *queue;    /* the queue of the tickets it opens, or NULL: as delivery chooses */
	gboolean keep_status; /* tickets opened stay as delivery leaves them, not closed */
	gboolean no_thread;   /* every message a ticket of its own */
	gboolean no_rules;    /* the rules on incoming mail are not asked */
	MtImportProgress progress;
	gpointer data;
} MtImportOptions;

/* FALSE with error when a path is no Maildir, mbox or message file
 * (before anything is imported), or on a temporary failure. */
gboolean mt_import (MtStore *store, const MtConfig *config, char **paths, const MtImportOptions *options,
		    MtImportStats *stats, GError **error);

#endif
