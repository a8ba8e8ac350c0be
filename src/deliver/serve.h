/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	serve.h - the parts of mailticket-deliver --serve
 * DESCRIPTION
 *	The delivery server in three files: serve.c starts it, takes its
 *	clients and answers them, and keeps its config and database as the
 *	admin has them; serve-batch.c stores the messages that wait for the
 *	store, several in one transaction; serve-tidy.c is what the server
 *	does after an answer and while no client comes. serve.c's header
 *	says what the server promises, and in which order its locks are
 *	taken.
 */
#ifndef SERVE_H
#define SERVE_H

#include <sys/stat.h>

#include "filter.h"
#include "mailticket/handoff.h"

typedef struct {
	char *config_path; /* as given: -c, or NULL */
	char *db;          /* as given: --db, or NULL */
	int listener;
	int wake[2];      /* a byte in wake[0] when the server is to stop */
	gint stopping;    /* atomic: set once, when the server is to stop */
	GMutex accepting; /* held by the thread waiting for the next client */
	gint clients;     /* taken and not yet done with; atomic */
	/* Over all that follows but what state and queue_lock are over: the
	 * one thread that stores, or tidies up, at a time. */
	GMutex store_lock;
	MtConfig *config;
	struct stat config_stat;
	char *config_file; /* canonical, or NULL: built-in defaults */
	char *db_path;     /* canonical */
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

/* A prepared message on its way to the store, and then its answer. */
typedef struct {
	int fd;
	const MtHandoffRequest *request;
	MtDeliverInput *input;
	gboolean stored; /* code, line and log_line are its answer */
	int code;
	char *line;
	char *log_line;
} Turn;

/* serve.c: what a delivery needs of the server's config and database. */
void serve_set_untidy (Server *s, gboolean untidy);
/* Under store_lock, before each delivery: the config as it is now, the
 * database file that is there now. */
gboolean serve_refresh (Server *s, GError **error);
/* Why the server should not deliver this request, or NULL; owned. */
char *serve_decline_reason (const Server *s, int fd, const MtHandoffRequest *request);

/* serve-batch.c: returns once turn is delivered, with its answer in it. */
void serve_store_in_turn (Server *s, Turn *turn);

/* serve-tidy.c: after an answer, what the deliveries leave, unless
 * another thread holds the store; and the next client, tidying up while
 * there is none (-1 when the server stops), for the thread that holds
 * accepting. */
void serve_tidy_after_answer (Server *s);
int serve_next_client (Server *s);

#endif
