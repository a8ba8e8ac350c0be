/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-proof.c - what Authentication-Results vouch for: only the header
 * of the trusted host, only a pass, only for the agent's own domain.
 */
#include <string.h>

#include "mailticket/message.h"
#include "mailticket/proof.h"

static gboolean
vouched (const char *headers, const char *domain)
{
	g_autofree char *text =
		g_strdup_printf ("%sFrom: alice@example.org\nTo: support@example.org\nSubject: x\n\nbody\n", headers);
	g_autoptr (GByteArray) raw = g_byte_array_new ();
	g_autoptr (MtMessage) m = NULL;

	g_byte_array_append (raw, (const guint8 *) text, strlen (text));
	m = mt_message_parse (raw, NULL);
	g_assert_nonnull (m);
	return mt_proof_authenticated (m, "mx.example.org", domain);
}

static void
test_dmarc_pass (void)
{
	g_assert_true (vouched ("Authentication-Results: mx.example.org; dmarc=pass header.from=example.org\n",
				"example.org"));
	g_assert_true (vouched ("Authentication-Results: MX.Example.ORG 1; spf=pass smtp.mailfrom=example.org;\n"
				" dmarc=pass (p=reject dis=none) header.from=Example.org\n",
				"example.org"));
}

static void
test_dkim_pass (void)
{
	g_assert_true (vouched ("Authentication-Results: mx.example.org;\n"
				"\tdkim=pass (2048-bit key) header.d=example.org header.i=@example.org\n",
				"example.org"));
}

static void
test_other_host_ignored (void)
{
	g_assert_false (vouched ("Authentication-Results: mx.evil.example; dmarc=pass header.from=example.org\n",
				 "example.org"));
	g_assert_false (
		vouched ("Authentication-Results: mx.example.org.evil.example; dkim=pass header.d=example.org\n",
			 "example.org"));
	/* The trusted host's name inside another host's comment. */
	g_assert_false (vouched ("Authentication-Results: (mx.example.org) mx.evil.example; dmarc=pass "
				 "header.from=example.org\n",
				 "example.org"));
}

static void
test_no_pass (void)
{
	g_assert_false (vouched ("Authentication-Results: mx.example.org; dmarc=fail header.from=example.org;\n"
				 " dkim=none; spf=pass smtp.mailfrom=example.org\n",
				 "example.org"));
	g_assert_false (
		vouched ("Authentication-Results: mx.example.org; dkim=neutral header.d=example.org\n", "example.org"));
	g_assert_false (vouched ("", "example.org"));
	g_assert_false (vouched ("Authentication-Results: mx.example.org\n", "example.org"));
}

static void
test_other_domain (void)
{
	g_assert_false (
		vouched ("Authentication-Results: mx.example.org; dkim=pass header.d=evil.example\n", "example.org"));
	g_assert_false (vouched ("Authentication-Results: mx.example.org; dmarc=pass header.from=example.org.evil\n",
				 "example.org"));
	/* A pass in a comment is no pass. */
	g_assert_false (vouched ("Authentication-Results: mx.example.org; dkim=fail (dkim=pass header.d=example.org)"
				 " header.d=example.org\n",
				 "example.org"));
}

static void
test_later_header_counts (void)
{
	g_assert_true (vouched ("Authentication-Results: mx.evil.example; dmarc=pass header.from=example.org\n"
				"Authentication-Results: mx.example.org; dkim=pass header.d=example.org\n",
				"example.org"));
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	mt_message_init ();

	g_test_add_func ("/proof/authres/dmarc-pass-for-the-domain", test_dmarc_pass);
	g_test_add_func ("/proof/authres/dkim-pass-for-the-domain", test_dkim_pass);
	g_test_add_func ("/proof/authres/other-hosts-ignored", test_other_host_ignored);
	g_test_add_func ("/proof/authres/fail-none-neutral-vouch-nothing", test_no_pass);
	g_test_add_func ("/proof/authres/other-domain-vouches-nothing", test_other_domain);
	g_test_add_func ("/proof/authres/any-header-of-the-trusted-host", test_later_header_counts);
	return g_test_run ();
}
