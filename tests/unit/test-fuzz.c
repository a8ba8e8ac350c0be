/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-fuzz.c - the fuzzing harness (tests/fuzz/fuzz-mail.c) run once
 * over each of its regression inputs, the project's own corpus and,
 * when it is there, the corpus beside the checkout: every build (sanitizers, valgrind) runs
 * what the fuzzer found, without clang. The assertions on what the
 * fixed code does are in the tests of each module.
 */
#include "../fuzz/fuzz-mail.c"

/* Runs the harness over every file in dir; the number of files. When
 * parsed is not NULL, it counts the .eml files that mt_message_parse()
 * takes: the harness cannot say whether its inputs went past the parser
 * into the code behind it. */
static guint
replay_dir (const char *dir, guint *eml, guint *parsed)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint n = 0;

	g_assert_nonnull (d);
	while ((name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		g_autofree char *data = NULL;
		g_autoptr (GError) error = NULL;
		gsize len = 0;

		g_assert_true (g_file_get_contents (path, &data, &len, &error));
		LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
		n++;
		if (eml != NULL && g_str_has_suffix (name, ".eml")) {
			g_autoptr (GByteArray) raw = g_byte_array_new_take ((guint8 *) g_steal_pointer (&data), len);
			g_autoptr (MtMessage) m = mt_message_parse (raw, &error);

			(*eml)++;
			if (m != NULL)
				(*parsed)++;
			else
				g_test_message ("%s does not parse: %s", name, error->message);
		}
	}
	g_test_message ("%u inputs from %s", n, dir);
	return n;
}

static void
test_regressions (void)
{
	g_assert_cmpuint (replay_dir ("tests/fuzz/regressions", NULL, NULL), >, 0);
}

/* Every message of dir/sub for each sub gets past the parser (each must
 * be stored, never refused), so that the harness drives threading,
 * bounces and attachments with all of them. */
static void
replay_corpus (const char *corpus, const char *const *subs)
{
	for (; *subs != NULL; subs++) {
		g_autofree char *dir = g_build_filename (corpus, *subs, NULL);
		guint eml = 0, parsed = 0;

		g_assert_cmpuint (replay_dir (dir, &eml, &parsed), >, 0);
		g_assert_cmpuint (eml, >, 0);
		g_assert_cmpuint (parsed, ==, eml);
	}
}

/* The project's own corpus (tests/corpus/make-corpus.py). */
static void
test_own_corpus (void)
{
	const char *const subs[] = { "threads", "malformed", "mime", NULL };

	replay_corpus ("tests/corpus", subs);
}

/* The corpus beside the checkout, public and malformed, where it is. */
static void
test_corpus (void)
{
	const char *env = g_getenv ("MAILTICKET_CORPUS");
	g_autofree char *corpus = g_strdup (env && *env ? env : "../shared/corpus");
	const char *const subs[] = { "public", "malformed", NULL };

	if (!g_file_test (corpus, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("no corpus beside the checkout");
		return;
	}
	replay_corpus (corpus, subs);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/fuzz/replay/regressions", test_regressions);
	g_test_add_func ("/fuzz/replay/own-corpus", test_own_corpus);
	g_test_add_func ("/fuzz/replay/corpus", test_corpus);
	return g_test_run ();
}
