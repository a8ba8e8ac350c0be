/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	config.h - mailticket.conf, read with GKeyFile
 * DESCRIPTION
 *	The file is -c FILE, else $MAILTICKET_CONF, else
 *	/etc/mailticket/mailticket.conf. A missing default file means the
 *	built-in defaults; a file that was named but cannot be read is an
 *	MT_ERROR_CONFIG. The database path is --db, else $MAILTICKET_DB, else
 *	[database] path.
 *
 *	Every section and key the programs read is a row of one table
 *	(config-keys.c), with its type, default and what it is for: keys
 *	not in it are warnings with the file and line that hold them, and a
 *	value that its type refuses is an MT_ERROR_CONFIG that names them
 *	too. mailticket config check and show are made from the same table.
 */
#ifndef MT_CONFIG_H
#define MT_CONFIG_H

#include <glib.h>

#define MT_CONFIG_DEFAULT_FILE "/etc/mailticket/mailticket.conf"
#define MT_CONFIG_DEFAULT_DB "/var/lib/mailticket/mailticket.db"

typedef enum {
	MT_FOREIGN_SUBJECT_LINK, /* open a new ticket linked to the old one */
	MT_FOREIGN_SUBJECT_JOIN, /* join the ticket, flagged */
} MtForeignSubject;

typedef enum {
	MT_STARTTLS_NO,       /* never, even when offered */
	MT_STARTTLS_YES,      /* when offered; the certificate is not checked */
	MT_STARTTLS_REQUIRED, /* always, with a certificate that verifies */
} MtStarttls;

/* Who hears what ([notify], overridden per queue by [queue NAME]). */
typedef struct {
	gboolean new_ticket;         /* new_ticket: a new ticket is told to the queue's group and owner */
	gboolean owner;              /* owner: a new owner is told */
	gboolean task;               /* task: an assignee is told */
	gboolean approval;           /* approval: an approver is told */
	gboolean reply_takes;        /* reply_takes: an agent who replies becomes owner (when none) and watcher */
	gboolean requester_resolved; /* requester_resolved: the requester is told of resolved */
	gboolean requester_pending;  /* requester_pending: ... of pending with a note */
	gboolean bounce;             /* bounce: a bounced reply is told to its author */
} MtNotifyPolicy;

/* The kind of value a key takes. */
typedef enum {
	MT_CONFIG_TEXT,     /* any text */
	MT_CONFIG_PATH,     /* a file or directory */
	MT_CONFIG_YES_NO,   /* yes or no */
	MT_CONFIG_NUMBER,   /* a whole number from min to max */
	MT_CONFIG_SIZE,     /* bytes, with K, M or G: mt_config_parse_size() */
	MT_CONFIG_DURATION, /* seconds, with y, w, d, h, m or s: mt_config_parse_duration() */
	MT_CONFIG_CHOICE,   /* one of the words of choices */
} MtConfigType;

/* One key of mailticket.conf. To read a new key: add its row to the
 * table in config-keys.c, then read it in config.c with the getter of
 * its type; the unit test fails for a key read without a row. */
typedef struct {
	const char *section; /* without brackets: "mail" */
	const char *key;
	MtConfigType type;
	const char *fallback;    /* the default as the file would say it; NULL: not set, or made (description) */
	const char *description; /* one line, for config show and the man page's reader */
	guint64 min, max;        /* MT_CONFIG_NUMBER */
	const char *choices;     /* MT_CONFIG_CHOICE: "link|join" */
	gboolean per_queue;      /* also a key of [queue NAME], over this one */
} MtConfigKey;

/* A section that names one of many: [queue sales] is "queue" NAME. */
#define MT_CONFIG_QUEUE_SECTION "queue"

/* The table, ended by a row whose key is NULL; static. */
const MtConfigKey *mt_config_keys (void);
/* The row of key in section (as written in the file: "queue sales"
 * finds the per-queue keys), or NULL when mailticket has no such key. */
const MtConfigKey *mt_config_key_find (const char *section, const char *key);
/* Whether mailticket reads section, as written in the file. */
gboolean mt_config_section_known (const char *section);
/* The queue that a section names ("queue sales": "sales"), or NULL; borrowed. */
const char *mt_config_section_queue (const char *section);

/* Whether text is a value of row's type. */
gboolean mt_config_key_accepts (const MtConfigKey *row, const char *text);
/* What row's type takes, as a bad value's message says it: "yes or no". Owned. */
char *mt_config_key_expects (const MtConfigKey *row);

/* An effective value and where it came from, for config show. */
typedef struct {
	const MtConfigKey *row;
	char *section; /* as in the file: "queue sales" */
	char *value;   /* as text; NULL: not set */
	char *origin;  /* "default", "FILE:LINE", "$MAILTICKET_DB" ... */
} MtConfigValue;

typedef struct {
	char *file;          /* the file read, or NULL: built-in defaults */
	char *file_origin;   /* why that file: "-c", "$MAILTICKET_CONF" or "default" */
	GPtrArray *warnings; /* "FILE:LINE: unknown key ..." of the keys and sections not read; owned strings */
	GPtrArray *values;   /* MtConfigValue of every key read, sections in the table's order, then queues */
	char *db_path;
	int busy_timeout; /* milliseconds */
	char *domain;
	char *address;                  /* the default queue's address */
	char *queue;                    /* the default queue's name */
	char *tag;                      /* subject token tag: [<tag>#<id>] */
	char *secret_file;              /* NULL: the secret kept in the database */
	char *secret;                   /* read from secret_file, or NULL */
	char *deliver_socket;           /* [deliver] socket of mailticket-deliver --serve, or NULL */
	char *deliver_listen;           /* [deliver] listen: HOST:PORT for LMTP over TCP, or NULL */
	char *deliver_allow;            /* [deliver] allow: the TCP peers served, addresses and networks, or NULL */
	char *deliver_users;            /* [deliver] users: user names served on the socket besides its own and root */
	guint deliver_max_connections;  /* [deliver] max_connections: sessions at once */
	guint deliver_max_per_peer;     /* [deliver] max_per_peer: sessions of one user (socket) or address (TCP) */
	gint64 deliver_idle_timeout;    /* [deliver] idle_timeout: seconds a session may keep silent */
	gint64 deliver_session_timeout; /* [deliver] session_timeout: seconds a session may last */
	char *delimiters;               /* recipient_delimiter: each character may start an extension */
	char delimiter;                 /* the first of them, with which reply addresses are made */
	guint64 max_message_size;
	guint max_parts;          /* [mail] max_parts: the parts of a message listed; 0: the default */
	guint max_depth;          /* [mail] max_depth: how deep in multiparts; 0: the default */
	char **fallback_charsets; /* [mail] fallback_charsets, in order, or NULL: the default */
	MtForeignSubject foreign_subject;
	gboolean acknowledge;            /* acknowledge new tickets by mail */
	int ack_limit;                   /* acknowledgements per sender and hour */
	char *from_name;                 /* display name of our From, or NULL */
	char *response_time;             /* what acknowledgements promise, or NULL */
	GHashTable *queue_response_time; /* queue name -> text */
	char *templates_dir;             /* [templates] dir: the admin's templates, or NULL */
	char *lang;                      /* [mail] lang: the language of mail when nothing tells */
	GHashTable *queue_lang;          /* queue name -> [queue NAME] lang */
	char *trust_authserv_id;         /* Authentication-Results host that commands need, or NULL */
	int max_reply_recipients;        /* a reply to more addresses is refused */
	MtNotifyPolicy notify;           /* [notify] */
	GHashTable *queue_notify;        /* queue name -> MtNotifyPolicy, for [queue NAME] */
	char *smtp_host;                 /* [smtp]: where mailticket-send delivers */
	int smtp_port;
	MtStarttls smtp_starttls;
	char *smtp_user;          /* NULL: no AUTH */
	char *smtp_password_file; /* read by the sender, never here */
	char *smtp_helo;
	gint64 smtp_max_age;          /* seconds after which a message gives up */
	gint64 purge_closed_after;    /* [retention]: seconds a closed ticket is kept; 0: for ever */
	GHashTable *queue_auto_close; /* queue name -> [queue NAME] auto_close_after, a gint64 of seconds */
} MtConfig;

/* Loads the configuration. path is -c FILE or NULL; db is --db or NULL.
 * Unknown sections and keys are no error: they are in warnings, for the
 * program to print (mailticket-deliver after its answer to the MTA, so
 * that the status line stays first). A bad value is an MT_ERROR_CONFIG
 * that names the first such, FILE:LINE first. */
MtConfig *mt_config_load (const char *path, const char *db, GError **error);
/* As mt_config_load, but a bad value is no failure: each becomes a
 * line "FILE:LINE: what" in problems, as do the warnings, and the key
 * keeps its default. NULL only when the file cannot be read. */
MtConfig *mt_config_check (const char *path, const char *db, GPtrArray *problems, GError **error);
void mt_config_free (MtConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtConfig, mt_config_free)

/* The response time a queue promises ([queue NAME] response_time, else
 * [mail] response_time), or NULL; borrowed. */
const char *mt_config_response_time (const MtConfig *config, const char *queue);

/* The language of a queue's mail ([queue NAME] lang, else [mail]
 * lang, else "en"); borrowed. */
const char *mt_config_lang (const MtConfig *config, const char *queue);
/* The seconds after which a queue's resolved tickets are closed
 * ([queue NAME] auto_close_after), or 0: never. */
gint64 mt_config_auto_close_after (const MtConfig *config, const char *queue);
/* Who hears what for a queue (NULL: the default); borrowed. */
const MtNotifyPolicy *mt_config_notify (const MtConfig *config, const char *queue);

/* Parses a size such as "50M", "512K", "1G" or "1000"; FALSE if invalid. */
gboolean mt_config_parse_size (const char *text, guint64 *size);

/* Parses a duration such as "5d", "12h", "30m", "90s" or "3600" (seconds)
 * into seconds; FALSE if invalid. */
gboolean mt_config_parse_duration (const char *text, gint64 *seconds);

#endif
