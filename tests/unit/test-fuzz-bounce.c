/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-fuzz-bounce.c - the bounce harness (tests/fuzz/fuzz-bounce.c)
 * run once over its seeds and the regression inputs on every build, with
 * what each seed report says: the seeds must reach the code they are
 * written for. A crash the fuzzer finds becomes a seed here and a test in
 * test-bounce.
 */
#include "../fuzz/fuzz-bounce.c"

static guint
replay_dir (const char *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint n = 0;

	g_assert_nonnull (d);
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		g_autofree char *data = NULL;
		gsize len = 0;

		g_assert_true (g_file_get_contents (path, &data, &len, NULL));
		LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
		n++;
	}
	return n;
}

static void
test_replay (void)
{
	g_assert_cmpuint (replay_dir ("tests/fuzz/bounces"), >, 0);
	g_assert_cmpuint (replay_dir ("tests/fuzz/regressions"), >, 0);
}

/* "MESSAGE-ID: ADDRESS ..." of a seed, "-" for no id; "no report". */
static char *
says (const char *name)
{
	g_autofree char *path = g_build_filename ("tests/fuzz/bounces", name, NULL);
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	g_autoptr (MtMessage) m = NULL;
	g_autoptr (GString) s = g_string_new (NULL);
	g_autofree char *data = NULL;
	gsize len = 0;
	MtBounce b;

	g_assert_true (g_file_get_contents (path, &data, &len, NULL));
	g_byte_array_append (raw, (const guint8 *) data, len);
	g_assert_nonnull (m = mt_message_parse (raw, NULL));
	if (!mt_bounce_parse (m, &b)) {
		mt_bounce_clear (&b);
		return g_strdup ("no report");
	}
	g_string_append_printf (s, "%s:", b.message_id ? b.message_id : "-");
	for (guint i = 0; i < b.failed->len; i++)
		g_string_append_printf (s, " %s", ((MtBounceRecipient *) g_ptr_array_index (b.failed, i))->address);
	mt_bounce_clear (&b);
	return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
test_seeds_say (void)
{
	static const struct {
		const char *name, *says;
	} seeds[] = {
		{ "postfix-one-failed.eml", "5f1e9c2a-0000-4000-8000-000000000001@example.org: boss@customer.example" },
		{ "mixed-actions.eml", "5f1e9c2a-0000-4000-8000-000000000002@example.org: carl@customer.example" },
		{ "crlf-base64.eml",
		  "5f1e9c2a-0000-4000-8000-000000000003@example.org: anna@customer.example boss@customer.example" },
		{ "quoted-printable.eml", "5f1e9c2a-0000-4000-8000-000000000004@example.org: anna@customer.example" },
		{ "malformed.eml", "-: a@customer.example" },
		{ "not-delivery-status.eml", "no report" },
		{ "empty-parts.eml", "-:" },
	};

	for (guint i = 0; i < G_N_ELEMENTS (seeds); i++) {
		g_autofree char *got = says (seeds[i].name);

		g_assert_cmpstr (got, ==, seeds[i].says);
	}
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/fuzz-bounce/replay", test_replay);
	g_test_add_func ("/fuzz-bounce/seeds-say", test_seeds_say);
	return g_test_run ();
}
