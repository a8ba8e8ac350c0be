/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-handoff.c - the request and reply between mailticket-deliver and
 * its server: what is sent arrives whole, a null sender stays null,
 * malformed or oversized requests are refused, a declined request is the
 * client's to deliver, and a server that hangs up is an error.
 */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mailticket/handoff.h"

typedef struct {
	char *dir;
	char *path;
	int listener;
	int lock;
	/* what the server thread read, and how it answers */
	MtHandoffRequest got;
	GByteArray *raw;
	gboolean read_ok;
	int answer_code;
	gboolean hang_up;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	memset (f, 0, sizeof *f);
	f->dir = g_dir_make_tmp ("test-handoff-XXXXXX", &error);
	g_assert_no_error (error);
	f->path = g_build_filename (f->dir, "deliver.sock", NULL);
	f->listener = mt_handoff_listen (f->path, &f->lock, &error);
	g_assert_no_error (error);
	g_assert_cmpint (f->listener, >=, 0);
}

static void
teardown (Fixture *f, gconstpointer data)
{
	g_autofree char *lock = g_strconcat (f->path, ".lock", NULL);

	close (f->listener);
	close (f->lock);
	unlink (f->path);
	unlink (lock);
	g_rmdir (f->dir);
	mt_handoff_request_clear (&f->got);
	if (f->raw)
		g_byte_array_unref (f->raw);
	g_free (f->path);
	g_free (f->dir);
}

/* One connection, as the server serves it. */
static gpointer
serve_one (gpointer data)
{
	Fixture *f = data;
	g_autoptr (GError) error = NULL;
	int fd = accept (f->listener, NULL, NULL);
	MtHandoffReply reply = { f->answer_code, g_strdup ("4.3.0 busy"), g_strdup ("ticket=1 action=new") };

	g_assert_cmpint (fd, >=, 0);
	f->read_ok = mt_handoff_read_request (fd, 1024, &f->got, &f->raw, &error);
	if (f->read_ok && !f->hang_up)
		g_assert_true (mt_handoff_write_reply (fd, &reply, &error));
	mt_handoff_reply_clear (&reply);
	close (fd);
	return NULL;
}

static GByteArray *
message (const char *text)
{
	GByteArray *raw = g_byte_array_new ();

	g_byte_array_append (raw, (const guint8 *) text, strlen (text));
	return raw;
}

static void
test_request_arrives_whole (Fixture *f, gconstpointer data)
{
	g_autoptr (GByteArray) raw = message ("Subject: hi\n\nbody\n");
	MtHandoffRequest request = { "/var/lib/mt.db", NULL, "", "support@example.org", TRUE, 1700000000 };
	MtHandoffReply reply;
	g_autoptr (GError) error = NULL;
	GThread *server = g_thread_new ("server", serve_one, f);

	f->answer_code = 75;
	g_assert_true (mt_handoff_send (f->path, &request, raw, 5000, &reply, &error));
	g_assert_no_error (error);
	g_thread_join (server);
	g_assert_true (f->read_ok);
	g_assert_cmpstr (f->got.db, ==, "/var/lib/mt.db");
	g_assert_null (f->got.config);
	g_assert_cmpstr (f->got.sender, ==, ""); /* the null sender <> is not "no -f" */
	g_assert_cmpstr (f->got.recipient, ==, "support@example.org");
	g_assert_true (f->got.fixed);
	g_assert_cmpint (f->got.now, ==, 1700000000);
	g_assert_cmpmem (f->raw->data, f->raw->len, raw->data, raw->len);
	g_assert_cmpint (reply.code, ==, 75);
	g_assert_cmpstr (reply.line, ==, "4.3.0 busy");
	g_assert_cmpstr (reply.summary, ==, "ticket=1 action=new");
	mt_handoff_reply_clear (&reply);
}

/* Sends a small message to the fixture's server, which must fail; the error. */
static GError *
send_failing (Fixture *f)
{
	g_autoptr (GByteArray) raw = message ("x");
	MtHandoffRequest request = { "/db" };
	MtHandoffReply reply;
	GError *error = NULL;
	GThread *server = g_thread_new ("server", serve_one, f);

	g_assert_false (mt_handoff_send (f->path, &request, raw, 5000, &reply, &error));
	g_thread_join (server);
	g_assert_nonnull (error);
	return error;
}

static void
test_declined_is_an_error (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->answer_code = MT_HANDOFF_DECLINED;
	error = send_failing (f);
	g_assert_nonnull (strstr (error->message, "declined"));
}

/* Only 0 and the sysexits codes reach the MTA: pipe(8) bounces a 1. */
static void
test_odd_exit_code_is_an_error (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;

	f->answer_code = 1;
	error = send_failing (f);
	g_assert_nonnull (strstr (error->message, "exit code 1"));
}

static void
test_hang_up_is_an_error (Fixture *f, gconstpointer data)
{
	f->hang_up = TRUE;
	g_error_free (send_failing (f));
}

static void
test_oversized_request_refused (Fixture *f, gconstpointer data)
{
	g_autoptr (GByteArray) raw = g_byte_array_sized_new (2048);
	MtHandoffRequest request = { "/db" };
	MtHandoffReply reply;
	g_autoptr (GError) error = NULL;
	GThread *server = g_thread_new ("server", serve_one, f);

	g_byte_array_set_size (raw, 2048); /* the server takes 1024 */
	memset (raw->data, 'x', raw->len);
	g_assert_false (mt_handoff_send (f->path, &request, raw, 5000, &reply, &error));
	g_thread_join (server);
	g_assert_false (f->read_ok);
}

/* Bytes that are no request: refused, never a crash. */
static void
test_garbage_refused (void)
{
	static const guint8 garbage[][12] = {
		{ 0, 0, 0, 4, 'a', 'b', 'c', 'd' },        /* too short for the header's type */
		{ 0xff, 0xff, 0xff, 0xff },                /* a 4 GB header */
		{ 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0 },    /* zeros: version 0, no database */
		{ 0, 0, 0, 12, 1, 0, 0, 0, '/', 0, 0, 0 }, /* version 1, then nonsense */
	};

	for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++) {
		int pair[2];
		MtHandoffRequest request;
		GByteArray *raw = NULL;
		g_autoptr (GError) error = NULL;

		g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, pair), ==, 0);
		g_assert_cmpint (write (pair[0], garbage[i], sizeof garbage[i]), ==, sizeof garbage[i]);
		close (pair[0]);
		g_assert_false (mt_handoff_read_request (pair[1], 1024, &request, &raw, &error));
		g_assert_nonnull (error);
		g_assert_null (raw);
		close (pair[1]);
	}
}

static void
test_second_listener_refused (Fixture *f, gconstpointer data)
{
	g_autoptr (GError) error = NULL;
	int lock = -1;

	g_assert_cmpint (mt_handoff_listen (f->path, &lock, &error), <, 0);
	g_assert_nonnull (strstr (error->message, "another server"));
	g_assert_cmpint (lock, <, 0);
}

static void
test_nobody_listening (void)
{
	g_autoptr (GByteArray) raw = message ("x");
	MtHandoffRequest request = { "/db" };
	MtHandoffReply reply;
	g_autoptr (GError) error = NULL;

	g_assert_false (mt_handoff_send ("/nonexistent/deliver.sock", &request, raw, 1000, &reply, &error));
	g_assert_nonnull (strstr (error->message, "no server"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add ("/handoff/request-arrives-whole", Fixture, NULL, setup, test_request_arrives_whole, teardown);
	g_test_add ("/handoff/declined-is-an-error", Fixture, NULL, setup, test_declined_is_an_error, teardown);
	g_test_add ("/handoff/odd-exit-code-is-an-error", Fixture, NULL, setup, test_odd_exit_code_is_an_error,
		    teardown);
	g_test_add ("/handoff/hang-up-is-an-error", Fixture, NULL, setup, test_hang_up_is_an_error, teardown);
	g_test_add ("/handoff/oversized-request-refused", Fixture, NULL, setup, test_oversized_request_refused,
		    teardown);
	g_test_add ("/handoff/second-listener-refused", Fixture, NULL, setup, test_second_listener_refused, teardown);
	g_test_add_func ("/handoff/garbage-refused", test_garbage_refused);
	g_test_add_func ("/handoff/nobody-listening", test_nobody_listening);
	return g_test_run ();
}
