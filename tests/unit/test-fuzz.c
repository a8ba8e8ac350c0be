/*
 * test-fuzz.c - the fuzzing harness (tests/fuzz/fuzz-mail.c) run once
 * over each of its regression inputs and, when it is there, the seed
 * corpus beside the checkout: every build (sanitizers, valgrind) runs
 * what the fuzzer found, without clang. The assertions on what the
 * fixed code does are in the tests of each module.
 */
#include "../fuzz/fuzz-mail.c"

/* Runs the harness over every file in dir; FALSE when there is none. */
static gboolean
replay_dir (const char *dir)
{
	g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
	const char *name;
	guint n = 0;

	while (d && (name = g_dir_read_name (d)) != NULL) {
		g_autofree char *path = g_build_filename (dir, name, NULL);
		g_autofree char *data = NULL;
		gsize len = 0;

		if (!g_file_get_contents (path, &data, &len, NULL))
			continue;
		LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
		n++;
	}
	g_test_message ("%u inputs from %s", n, dir);
	return n > 0;
}

static void
test_regressions (void)
{
	g_assert_true (replay_dir ("tests/fuzz/regressions"));
}

static void
test_corpus (void)
{
	const char *env = g_getenv ("MAILTICKET_CORPUS");
	g_autofree char *corpus = g_strdup (env && *env ? env : "../shared/corpus");
	g_autofree char *public = g_build_filename (corpus, "public", NULL);
	g_autofree char *malformed = g_build_filename (corpus, "malformed", NULL);

	if (!g_file_test (public, G_FILE_TEST_IS_DIR)) {
		g_test_skip ("no corpus beside the checkout");
		return;
	}
	replay_dir (public);
	replay_dir (malformed);
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/fuzz/replay/regressions", test_regressions);
	g_test_add_func ("/fuzz/replay/corpus", test_corpus);
	return g_test_run ();
}
