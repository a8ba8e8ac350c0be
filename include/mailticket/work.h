/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	work.h - the work on a ticket: tasks, time booked, approvals
 * DESCRIPTION
 *	A task has a title, an assignee and a state (open, done). Time is
 *	booked in minutes by a user on a day, on a ticket and optionally one
 *	of its tasks; the report sums it and exports it. An approval is
 *	requested from one user, who approves or rejects it; while one is
 *	pending the ticket cannot be resolved (change.h).
 */
#ifndef MT_WORK_H
#define MT_WORK_H

#include <glib.h>
#include "mailticket/store.h"

gboolean mt_work_task_add (MtStore *store, gint64 ticket, const char *title, gint64 assignee, const char *who,
			   gint64 now, gint64 *task, GError **error);
/* Marks a task done; *ticket is its ticket. MT_ERROR_NOT_FOUND. */
gboolean mt_work_task_done (MtStore *store, gint64 task, const char *who, gint64 now, gint64 *ticket, GError **error);

typedef struct {
	gint64 id, ticket;
	const char *title, *assignee, *state;
} MtTaskRow;
typedef void (*MtTaskFunc) (const MtTaskRow *row, gpointer data);
gboolean mt_work_tasks (MtStore *store, gint64 ticket, MtTaskFunc func, gpointer data, GError **error);

typedef struct {
	gint64 ticket;
	gint64 task;      /* or 0 */
	const char *user; /* login */
	gint64 minutes;
	const char *day;  /* YYYY-MM-DD */
	const char *note; /* or NULL */
	gint64 now;
} MtTimeEntry;

/* MT_ERROR_USAGE for a bad day or minutes, MT_ERROR_NOT_FOUND for a
 * task that is not the ticket's. */
gboolean mt_work_time_add (MtStore *store, const MtTimeEntry *entry, gint64 *id, GError **error);

/* What time edit changes of an entry; 0 or NULL leave it as it is. */
typedef struct {
	gint64 minutes;
	const char *day;  /* YYYY-MM-DD */
	const char *note; /* "": none */
} MtTimeChange;

/* Changes or removes an entry, with a history line on its ticket by
 * who; MT_ERROR_NOT_FOUND for no such entry, MT_ERROR_USAGE for bad
 * minutes or day. */
gboolean mt_work_time_edit (MtStore *store, gint64 entry, const MtTimeChange *change, const char *who, gint64 now,
			    GError **error);
gboolean mt_work_time_remove (MtStore *store, gint64 entry, const char *who, gint64 now, GError **error);

typedef struct {
	const char *from, *to; /* days, inclusive, or NULL */
	const char *user;      /* or NULL */
	gint64 ticket;         /* or 0 */
	const char *project;   /* the ticket's project, or NULL */
	const char *org;       /* the requester's organisation, or NULL */
} MtTimeFilter;

typedef struct {
	const char *day, *user, *subject, *task, *note;
	gint64 ticket, minutes;
	gint64 id; /* the entry's number (time edit, time rm) */
} MtTimeRow;
typedef void (*MtTimeFunc) (const MtTimeRow *row, gpointer data);

/* The entries in day order, then *total minutes. */
gboolean mt_work_time_report (MtStore *store, const MtTimeFilter *filter, MtTimeFunc func, gpointer data, gint64 *total,
			      GError **error);
char *mt_work_time_report_json (MtStore *store, const MtTimeFilter *filter, GError **error);

gboolean mt_work_approval_request (MtStore *store, gint64 ticket, gint64 approver, const char *who, const char *note,
				   gint64 now, gint64 *id, GError **error);
/* The acting user's pending approval on ticket; MT_ERROR_NOT_FOUND
 * when there is none. */
gboolean mt_work_approval_decide (MtStore *store, gint64 ticket, gint64 approver, gboolean approve, const char *who,
				  const char *note, gint64 now, GError **error);

typedef struct {
	gint64 id;
	const char *approver, *state, *requested_by, *note, *decision_note;
} MtApprovalRow;
typedef void (*MtApprovalFunc) (const MtApprovalRow *row, gpointer data);
gboolean mt_work_approvals (MtStore *store, gint64 ticket, MtApprovalFunc func, gpointer data, GError **error);

/* Moves the tasks, time and approvals of ticket from to into: a merge
 * (change.h). */
gboolean mt_work_move (MtStore *store, gint64 from, gint64 into, GError **error);
/* Deletes a ticket's tasks, time entries and approvals (erase.h). */
gboolean mt_work_erase (MtStore *store, gint64 ticket, GError **error);
/* A removed user's tasks lose their assignee; *approvals counts the
 * approvals that name the user as approver, and when there are any
 * nothing is changed (erase.h refuses the removal). */
gboolean mt_work_forget_user (MtStore *store, gint64 user, gint64 *approvals, GError **error);

/* JSON arrays built by SQLite; owned. */
char *mt_work_tasks_json (MtStore *store, gint64 ticket, GError **error);
char *mt_work_approvals_json (MtStore *store, gint64 ticket, GError **error);

const char *const *mt_work_queries (void);

#endif
