/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-lmtp.c - the LMTP protocol of the delivery server, without I/O:
 * the replies to commands in and out of order, the parameters taken and
 * refused, the message after DATA unstuffed whatever the pieces it comes
 * in, the way back for mailticket-deliver, and the reply for each exit code.
 */
#include <string.h>
#include <sysexits.h>

#include "mailticket/lmtp.h"

/* The reply to line, with *action; the session's. */
static char *
say (MtLmtpSession *s, const char *line, MtLmtpAction *action)
{
	MtLmtpAction ignored;

	return mt_lmtp_session_command (s, line, strlen (line), action ? action : &ignored);
}

static void
assert_reply (MtLmtpSession *s, const char *line, const char *prefix)
{
	g_autofree char *reply = say (s, line, NULL);

	/* A one-line reply is one line: its only CR the one before its LF. */
	if (!g_str_has_prefix (reply, prefix) ||
	    (reply[3] == ' ' && strchr (reply, '\r') != reply + strlen (reply) - 2))
		g_error ("%s: got %s, want %s...", line, reply, prefix);
}

static void
test_transaction (void)
{
	MtLmtpSession s;
	MtLmtpAction action;
	g_autofree char *lhlo = NULL;
	g_autofree char *data = NULL;

	mt_lmtp_session_init (&s, "mx.test", 1000, FALSE);
	assert_reply (&s, "MAIL FROM:<a@b.c>", "503 5.5.1");
	lhlo = say (&s, "LHLO client", NULL);
	g_assert_cmpstr (lhlo, ==,
			 "250-mx.test\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SIZE\r\n");
	assert_reply (&s, "DATA", "503 5.5.1");
	assert_reply (&s, "mail from:<\"a b\"@c.d> SIZE=10 BODY=8BITMIME", "250 2.1.0");
	g_assert_cmpstr (s.sender, ==, "\"a b\"@c.d");
	assert_reply (&s, "MAIL FROM:<x@y.z>", "503 5.5.1");
	assert_reply (&s, "DATA", "503 5.5.1 no valid recipients");
	assert_reply (&s, "RCPT TO:<>", "501 5.1.3");
	assert_reply (&s, "RCPT TO:<@relay.test:support@example.org>", "250 2.1.5");
	assert_reply (&s, "RCPT TO:<sales@example.org>", "250 2.1.5");
	g_assert_cmpuint (s.recipients->len, ==, 2);
	g_assert_cmpstr (s.recipients->pdata[0], ==, "support@example.org");
	data = say (&s, "DATA", &action);
	g_assert_cmpint (action, ==, MT_LMTP_DATA);
	g_assert_true (g_str_has_prefix (data, "354 "));
	mt_lmtp_session_reset (&s);
	g_assert_cmpint (s.state, ==, MT_LMTP_READY);
	g_assert_cmpuint (s.recipients->len, ==, 0);
	assert_reply (&s, "VRFY someone", "252 2.5.0");
	assert_reply (&s, "NOOP", "250 2.0.0");
	g_free (say (&s, "QUIT", &action));
	g_assert_cmpint (action, ==, MT_LMTP_CLOSE);
	mt_lmtp_session_clear (&s);
}

static void
test_refusals (void)
{
	MtLmtpSession s;
	MtLmtpAction action = MT_LMTP_CONTINUE;
	g_autofree char *nul = NULL;

	mt_lmtp_session_init (&s, "mx.test", 1000, FALSE);
	assert_reply (&s, "EHLO client", "500 5.5.1");
	assert_reply (&s, "LHLO", "501 5.5.4");
	assert_reply (&s, "LHLO client", "250-");
	assert_reply (&s, "MAIL FROM:a@b.c", "501 5.5.4");
	assert_reply (&s, "MAIL FROM:<a@b.c", "501 5.5.4");
	assert_reply (&s, "MAIL FROM:<a\rb@c.d>", "501 5.5.4");
	assert_reply (&s, "MAIL FROM:<a@b.c> SIZE=1001", "552 5.2.3 mailticket-deliver: message size 1001 exceeds");
	assert_reply (&s, "MAIL FROM:<a@b.c> SIZE=x", "501 5.5.4");
	assert_reply (&s, "MAIL FROM:<a@b.c> BODY=BINARYMIME", "501 5.5.4");
	/* The private parameters are mailticket-deliver's, on the socket alone. */
	assert_reply (&s, "MAIL FROM:<a@b.c> XDB=/x", "555 5.5.4");
	assert_reply (&s, "MAIL FROM:<a@b.c> RET=HDRS", "555 5.5.4");
	/* Found by fuzz-lmtp: a reply that quoted a parameter quoted its CR too. */
	assert_reply (&s, "MAIL FROM:<a@b.c> A\r2\rb=x", "555 5.5.4 a parameter not known here\r\n");
	assert_reply (&s, "MAIL FROM:<>", "250 2.1.0");
	g_assert_cmpstr (s.sender, ==, "");
	assert_reply (&s, "RCPT TO:<x@y.z> NOTIFY=NEVER", "555 5.5.4");
	assert_reply (&s, "DATA now", "501 5.5.4");
	assert_reply (&s, "FROB", "500 5.5.2");
	nul = mt_lmtp_session_command (&s, "NOOP\0x", 6, &action);
	g_assert_true (g_str_has_prefix (nul, "500 5.5.2"));
	for (int i = 0; i < 30 && action != MT_LMTP_CLOSE; i++)
		g_free (say (&s, "FROB", &action));
	g_assert_cmpint (action, ==, MT_LMTP_CLOSE);
	mt_lmtp_session_clear (&s);
}

static void
test_too_many_recipients (void)
{
	MtLmtpSession s;

	mt_lmtp_session_init (&s, "mx.test", 1000, FALSE);
	assert_reply (&s, "LHLO client", "250-");
	assert_reply (&s, "MAIL FROM:<a@b.c>", "250 ");
	for (int i = 0; i < MT_LMTP_MAX_RECIPIENTS; i++)
		assert_reply (&s, "RCPT TO:<x@y.z>", "250 ");
	assert_reply (&s, "RCPT TO:<x@y.z>", "452 4.5.3");
	mt_lmtp_session_clear (&s);
}

static void
test_private (void)
{
	MtLmtpSession s;
	g_autofree char *lhlo = NULL;

	mt_lmtp_session_init (&s, "mx.test", 1000, TRUE);
	lhlo = say (&s, "LHLO client", NULL);
	g_assert_nonnull (strstr (lhlo, "250-XMAILTICKET\r\n"));
	assert_reply (
		&s,
		"MAIL FROM:<> XDB=/var/lib/my+20db XCONFIG=+2Fetc/m+3Dt XQUEUEID=4F2A XNOW=1700000000 XNOSENDER=YES",
		"250 ");
	g_assert_cmpstr (s.db, ==, "/var/lib/my db");
	g_assert_cmpstr (s.config, ==, "/etc/m=t");
	g_assert_cmpstr (s.queue_id, ==, "4F2A");
	g_assert_true (s.fixed && s.no_sender);
	g_assert_cmpint (s.now, ==, 1700000000);
	/* mailticket-deliver without -r: no envelope recipient. */
	assert_reply (&s, "RCPT TO:<>", "250 ");
	assert_reply (&s, "RSET", "250 ");
	assert_reply (&s, "MAIL FROM:<> XDB=+zz", "501 5.5.4");
	mt_lmtp_session_clear (&s);
}

/* data fed in pieces of every size gives the same message. */
static void
assert_data (const char *wire, gsize wire_len, const char *message, gsize rest)
{
	for (gsize piece = 1; piece <= wire_len; piece++) {
		g_autoptr (GByteArray) out = g_byte_array_new ();
		MtLmtpData d;
		gboolean done = FALSE;
		gsize at = 0;

		mt_lmtp_data_init (&d, out, 1 << 20);
		while (!done && at < wire_len)
			at += mt_lmtp_data_feed (&d, (const guint8 *) wire + at, MIN (piece, wire_len - at), &done);
		g_assert_true (done);
		g_assert_cmpuint (wire_len - at, ==, rest);
		g_assert_cmpmem (out->data, out->len, message, strlen (message));
	}
}

static void
test_data (void)
{
	const char wire[] = "Subject: x\r\n\r\n..dot\r\n.\rcr\r\nbare\rcr and\nbare lf\r\n\r\n.\r\nQUIT\r\n";

	assert_data (wire, sizeof wire - 1, "Subject: x\n\n.dot\n\rcr\nbare\rcr and\nbare lf\n\n", 6);
	assert_data (".\r\n", 3, "", 0);
}

static void
test_data_limit (void)
{
	g_autoptr (GByteArray) out = g_byte_array_new ();
	const char wire[] = "0123456789\r\n.\r\n";
	MtLmtpData d;
	gboolean done;

	mt_lmtp_data_init (&d, out, 4);
	mt_lmtp_data_feed (&d, (const guint8 *) wire, sizeof wire - 1, &done);
	g_assert_true (done);
	g_assert_cmpuint (out->len, ==, 4);
	g_assert_cmpuint (d.size, ==, 11);
}

/* What mailticket-deliver sends comes out as it was, CRs and dots included. */
static void
test_round_trip (void)
{
	const char *messages[] = { "a\n.b\n..c\n.\n", "crlf\r\nlone\rcr\n\r\n", "x\n" };

	for (guint i = 0; i < G_N_ELEMENTS (messages); i++) {
		g_autoptr (GByteArray) raw = g_byte_array_new ();
		g_autoptr (GByteArray) wire = NULL;
		g_autoptr (GByteArray) out = g_byte_array_new ();
		MtLmtpData d;
		gboolean done;
		gsize used;

		g_byte_array_append (raw, (const guint8 *) messages[i], strlen (messages[i]));
		wire = mt_lmtp_data_encode (raw);
		mt_lmtp_data_init (&d, out, 1 << 20);
		used = mt_lmtp_data_feed (&d, wire->data, wire->len, &done);
		g_assert_true (done);
		g_assert_cmpuint (used, ==, wire->len);
		g_assert_cmpmem (out->data, out->len, raw->data, raw->len);
	}
}

static void
test_xtext (void)
{
	g_autofree char *encoded = mt_lmtp_xtext_encode ("a b+c=d\xc3\xa9");
	g_autofree char *decoded = mt_lmtp_xtext_decode (encoded);

	g_assert_cmpstr (encoded, ==, "a+20b+2Bc+3Dd+C3+A9");
	g_assert_cmpstr (decoded, ==, "a b+c=d\xc3\xa9");
	g_assert_null (mt_lmtp_xtext_decode ("a+2"));
	g_assert_null (mt_lmtp_xtext_decode ("a+00"));
}

static void
assert_mapped (int code, const char *line, const char *want)
{
	g_autofree char *reply = mt_lmtp_reply_for (code, line);

	g_assert_cmpstr (reply, ==, want);
}

static void
test_reply_for (void)
{
	assert_mapped (EX_OK, "ticket=1 action=new", "250 2.0.0 ticket=1 action=new");
	assert_mapped (EX_TEMPFAIL, "4.3.0 mailticket-deliver: database is locked",
		       "451 4.3.0 mailticket-deliver: database is locked");
	assert_mapped (EX_TEMPFAIL, "4.3.5 mailticket-deliver: config", "451 4.3.5 mailticket-deliver: config");
	assert_mapped (EX_UNAVAILABLE, "5.2.3 mailticket-deliver: message size 9 exceeds the limit of 2 bytes",
		       "552 5.2.3 mailticket-deliver: message size 9 exceeds the limit of 2 bytes");
	assert_mapped (EX_NOPERM, "5.7.1 Mail from you is not accepted here",
		       "550 5.7.1 Mail from you is not accepted here");
	assert_mapped (EX_DATAERR, "5.6.0 no", "554 5.6.0 no");
	assert_mapped (MT_LMTP_DECLINED, "this server writes /x", "451 4.3.5 this server writes /x");
	assert_mapped (EX_TEMPFAIL, "no status\r\nhere", "451 4.3.0 no status??here");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/lmtp/session/transaction", test_transaction);
	g_test_add_func ("/lmtp/session/refusals", test_refusals);
	g_test_add_func ("/lmtp/session/too-many-recipients", test_too_many_recipients);
	g_test_add_func ("/lmtp/session/private-parameters", test_private);
	g_test_add_func ("/lmtp/data/unstuffed-in-any-pieces", test_data);
	g_test_add_func ("/lmtp/data/limit-counts-the-rest", test_data_limit);
	g_test_add_func ("/lmtp/data/round-trip", test_round_trip);
	g_test_add_func ("/lmtp/xtext", test_xtext);
	g_test_add_func ("/lmtp/reply-for-exit-code", test_reply_for);
	return g_test_run ();
}
