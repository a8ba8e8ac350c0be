/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve.h - the parts of mailticket-deliver --serve
 * DESCRIPTION
 *	The delivery server in four files: serve.c starts it, takes its
 *	clients, and keeps its config and database as the admin has them;
 *	serve-session.c speaks LMTP with one client; serve-batch.c stores
 *	the messages that wait for the store, several in one transaction;
 *	serve-tidy.c is what the server does after an answer and while no
 *	client comes. serve.c's header says what the server promises, and
 *	in which order its locks are taken.
 */
#ifndef SERVE_H
#define SERVE_H

#include <sys/stat.h>

#include "filter.h"
#include "mailticket/lmtp.h"

typedef struct {
	char *config_path;  /* as given: -c, or NULL */
	char *db;           /* as given: --db, or NULL */
	int listener;       /* the Unix socket */
	int tcp;            /* [deliver] listen, or -1 */
	int wake[2];        /* a byte in wake[0] when the server is to stop */
	gint stopping;      /* atomic: set once, when the server is to stop */
	gint sessions;      /* taken and not yet done with; atomic */
	gint clients;       /* sessions in a transaction, from DATA to their answers; atomic */
	char *hostname;     /* in the greeting */
	MtLmtpAllow *allow; /* [deliver] allow, as read at start */
	GArray *uids;       /* of uid_t: who is served on the socket, as read at start */
	guint max_per_peer, max_connections;
	gint64 idle_ms, session_ms;
	GMutex peers_lock; /* taken alone, over peers */
	GHashTable *peers; /* "uid N" or "address A" -> its sessions, as GUINT_TO_POINTER */
	/* Over all that follows but what state and queue_lock are over: the
	 * one thread that stores, or tidies up, at a time. */
	GMutex store_lock;
	MtConfig *config;
	struct stat config_stat; /* of the file read; written under state too */
	char *config_file;       /* canonical, or NULL: built-in defaults */
	char *db_path;           /* canonical */
	MtStore *store;
	struct stat db_stat;
	gint64 pending; /* articles not yet indexed for search, as far as known */
	/* Over the next two, and over config, config_file and db_path for
	 * a thread that does not hold store_lock: whoever changes those holds both. */
	GMutex state;
	gboolean untidy;    /* delivered since the last tidy-up finished */
	gint64 quiet_since; /* monotonic time of the last client done with, or tidy-up */
	GMutex queue_lock;  /* over the three that follow */
	GQueue waiting;     /* of Turn: prepared, to be stored */
	gboolean storing;   /* a thread is storing a batch */
	GCond batch_done;
} Server;

/* Whose message it is, for one recipient. */
typedef struct {
	const char *db, *config; /* mailticket-deliver's (XDB, XCONFIG), else NULL: this server's */
	const char *sender, *recipient, *queue_id;
	gboolean fixed; /* the client's clock is fixed ... */
	gint64 now;     /* ... at this time */
} Envelope;

/* A prepared message on its way to the store, and then its answer. */
typedef struct {
	const Envelope *envelope;
	MtDeliverInput *input;
	gboolean stored; /* code, line and log_line are its answer */
	int code;
	char *line;
	char *log_line;
} Turn;

/* serve.c: what a delivery needs of the server's config and database. */
void serve_set_untidy (Server *s, gboolean untidy);
/* TRUE when the config file is not the one last read; without store_lock. */
gboolean serve_config_changed (Server *s);
/* Under store_lock, before each delivery: the config as it is now, the
 * database file that is there now. */
gboolean serve_refresh (Server *s, GError **error);
/* Why the server should not deliver for this envelope, or NULL; owned. */
char *serve_decline_reason (const Server *s, const Envelope *envelope);
/* FALSE, with the answer in *code and *line, when the server cannot or
 * should not deliver for envelope (checked again against the config as
 * it is now before it says so). */
gboolean serve_admit (Server *s, const Envelope *envelope, int *code, char **line);
/* After each answer: what deliveries leave tidied, and the time noted. */
void serve_answered (Server *s);

/* serve-session.c: one client, from the greeting to the last reply;
 * tcp when it came over TCP. */
void serve_session (Server *s, int fd, gboolean tcp);

/* serve-batch.c: returns once turn is delivered, with its answer in it. */
void serve_store_in_turn (Server *s, Turn *turn);

/* serve-tidy.c: after an answer, what the deliveries leave, unless
 * another thread holds the store; and the next client, tidying up while
 * there is none (-1 when the server stops; *tcp when it came over TCP),
 * for the thread that accepts. */
void serve_tidy_after_answer (Server *s);
int serve_next_client (Server *s, gboolean *tcp);

#endif
