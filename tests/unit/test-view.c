/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-view.c - the read side: which tickets a filtered list shows, and
 * in what order.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/view.h"

/* Six tickets: id, status, priority, queue, owner, requester, project,
 * created, updated, due; tags below. */
static const char fixture[] =
	"INSERT INTO queues (id, name, address, created) VALUES (1, 'support', 'support@x.test', 0),"
	" (2, 'billing', 'billing@x.test', 0);"
	"INSERT INTO users (id, login, email, created) VALUES (1, 'alice', 'alice@x.test', 0),"
	" (2, 'bob', 'bob@x.test', 0);"
	"INSERT INTO contacts (id, address, created) VALUES (1, 'anna@customer.test', 0),"
	" (2, 'carl@customer.test', 0);"
	"INSERT INTO tickets (id, uuid, subject, status, priority, queue, owner, requester, project, created,"
	" updated, due) VALUES"
	" (1, 'u1', 'one', 'new', 5, 1, NULL, 1, NULL, 1000, 6000, NULL),"
	" (2, 'u2', 'two', 'open', 7, 1, 1, 2, 'web', 2000, 5000, 2500),"
	" (3, 'u3', 'three', 'pending', 3, 2, 2, 1, 'web', 3000, 4000, 9999),"
	" (4, 'u4', 'four', 'resolved', 9, 2, 1, 1, NULL, 4000, 3000, 2500),"
	" (5, 'u5', 'five', 'closed', 1, 1, NULL, 2, 'erp', 5000, 2000, NULL),"
	" (6, 'u6', 'six', 'open', 7, NULL, 2, NULL, NULL, 6000, 1000, 2999);"
	"INSERT INTO tags (ticket, tag) VALUES (2, 'VIP'), (3, 'printer'), (5, 'vip'), (5, 'printer');";

static MtStore *
store_with_fixture (void)
{
	g_autoptr (GError) error = NULL;
	MtStore *store = mt_store_open (":memory:", 1000, MT_STORE_CREATE, &error);

	g_assert_no_error (error);
	g_assert_cmpint (sqlite3_exec (mt_store_peek_db (store), fixture, NULL, NULL, NULL), ==, SQLITE_OK);
	return store;
}

static gboolean
collect_id (const MtTicketRow *row, gpointer data)
{
	GString *ids = data;

	g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, ids->len ? " " : "", row->id);
	return TRUE;
}

/* The ids the filter lists, as "2 5 1"; the JSON list must agree. */
static char *
ids (MtStore *store, const MtViewFilter *filter)
{
	g_autoptr (GError) error = NULL;
	GString *ids = g_string_new (NULL);
	g_autofree char *json = NULL;
	g_autoptr (GString) from_json = g_string_new ("[");

	g_assert_true (mt_view_list (store, filter, collect_id, ids, &error));
	g_assert_no_error (error);
	json = mt_view_list_json (store, filter, &error);
	g_assert_no_error (error);
	for (const char *p = json; (p = strstr (p, "{\"id\":")) != NULL; p += 6)
		g_string_append_printf (from_json, "%s%ld", from_json->len > 1 ? " " : "", strtol (p + 6, NULL, 10));
	g_string_erase (from_json, 0, 1);
	g_assert_cmpstr (from_json->str, ==, ids->str);
	return g_string_free (ids, FALSE);
}

#define assert_ids(filter, want)                              \
	do {                                                  \
		g_autofree char *got = ids (store, (filter)); \
		g_assert_cmpstr (got, ==, (want));            \
	} while (0)

static void
test_no_filter_updated_first (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();

	assert_ids (NULL, "1 2 3 4 5 6");
	assert_ids (&((MtViewFilter){ 0 }), "1 2 3 4 5 6");
}

static void
test_sort_keys (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();

	assert_ids (&((MtViewFilter){ .sort = MT_VIEW_SORT_CREATED }), "6 5 4 3 2 1");
	assert_ids (&((MtViewFilter){ .sort = MT_VIEW_SORT_ID }), "6 5 4 3 2 1");
	/* Equal priorities (2 and 6) in updated order. */
	assert_ids (&((MtViewFilter){ .sort = MT_VIEW_SORT_PRIORITY }), "4 2 6 1 3 5");
}

static void
test_status_and_active (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();
	g_autoptr (GError) error = NULL;
	MtViewFilter f = { 0 };

	g_assert_true (mt_view_parse_statuses ("active", &f.statuses, &error));
	assert_ids (&f, "1 2 3 6");
	f.statuses = 0;
	g_assert_true (mt_view_parse_statuses ("Resolved, closed", &f.statuses, &error));
	assert_ids (&f, "4 5");
	g_assert_false (mt_view_parse_statuses ("open,shut", &f.statuses, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
	g_clear_error (&error);
	g_assert_false (mt_view_parse_statuses ("", &f.statuses, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
}

static void
test_people_and_places (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();

	assert_ids (&((MtViewFilter){ .queue = "billing" }), "3 4");
	assert_ids (&((MtViewFilter){ .queue = "nowhere" }), "");
	assert_ids (&((MtViewFilter){ .owner = "alice" }), "2 4");
	assert_ids (&((MtViewFilter){ .unowned = TRUE }), "1 5");
	assert_ids (&((MtViewFilter){ .requester = "ANNA@Customer.test" }), "1 3 4");
	assert_ids (&((MtViewFilter){ .project = "web" }), "2 3");
}

static void
test_tag_ignores_case (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();

	assert_ids (&((MtViewFilter){ .tag = "vip" }), "2 5");
	assert_ids (&((MtViewFilter){ .tag = "PRINTER" }), "3 5");
}

static void
test_priority_and_created (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();

	assert_ids (&((MtViewFilter){ .priority_min = 7 }), "2 4 6");
	/* since is inclusive, until exclusive. */
	assert_ids (&((MtViewFilter){ .since = 2000, .until = 4000 }), "2 3");
}

static void
test_overdue_skips_resolved (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();

	/* 4 is past due but resolved; 3 is due later; 6 is due exactly now. */
	assert_ids (&((MtViewFilter){ .overdue = TRUE, .now = 2999 }), "2");
	assert_ids (&((MtViewFilter){ .overdue = TRUE, .now = 3000 }), "2 6");
}

static void
test_filters_combine_and_limit (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();
	MtViewFilter every = {
		.statuses = MT_VIEW_STATUS_ACTIVE,
		.queue = "support",
		.owner = "alice",
		.requester = "carl@customer.test",
		.tag = "vip",
		.project = "web",
		.priority_min = 2,
		.since = 1,
		.until = 9999,
		.overdue = TRUE,
		.now = 9999,
		.sort = MT_VIEW_SORT_PRIORITY,
		.limit = 5,
	};

	assert_ids (&every, "2");
	every.unowned = TRUE;
	assert_ids (&every, "");
	assert_ids (&((MtViewFilter){ .limit = 2 }), "1 2");
	assert_ids (&((MtViewFilter){ .limit = 2, .sort = MT_VIEW_SORT_ID }), "6 5");
}

static void
test_row_fields (void)
{
	g_autoptr (MtStore) store = store_with_fixture ();
	g_autoptr (GError) error = NULL;
	g_autofree char *json = mt_view_list_json (store, &((MtViewFilter){ .tag = "printer", .limit = 1 }), &error);

	g_assert_no_error (error);
	g_assert_nonnull (strstr (json, "\"project\":\"web\""));
	g_assert_nonnull (strstr (json, "\"tags\":[\"printer\"]"));
	g_assert_nonnull (strstr (json, "\"due\":\"1970-01-01T02:46:39Z\""));
}

static void
test_parse_sort (void)
{
	g_autoptr (GError) error = NULL;
	MtViewSort sort = MT_VIEW_SORT_UPDATED;

	g_assert_true (mt_view_parse_sort ("priority", &sort, &error));
	g_assert_cmpint (sort, ==, MT_VIEW_SORT_PRIORITY);
	g_assert_false (mt_view_parse_sort ("subject", &sort, &error));
	g_assert_error (error, MT_ERROR, MT_ERROR_USAGE);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);

	g_test_add_func ("/view/list/no-filter-updated-first", test_no_filter_updated_first);
	g_test_add_func ("/view/list/sort-keys", test_sort_keys);
	g_test_add_func ("/view/list/status-and-active", test_status_and_active);
	g_test_add_func ("/view/list/queue-owner-requester-project", test_people_and_places);
	g_test_add_func ("/view/list/tag-ignores-case", test_tag_ignores_case);
	g_test_add_func ("/view/list/priority-min-and-created-range", test_priority_and_created);
	g_test_add_func ("/view/list/overdue-skips-resolved-and-closed", test_overdue_skips_resolved);
	g_test_add_func ("/view/list/filters-combine-and-limit", test_filters_combine_and_limit);
	g_test_add_func ("/view/list/row-fields", test_row_fields);
	g_test_add_func ("/view/parse-sort", test_parse_sort);
	return g_test_run ();
}
