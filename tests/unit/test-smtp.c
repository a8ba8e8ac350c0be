/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-smtp.c - which messages libesmtp would send byte for byte, and
 * which it would alter (and mailticket-send therefore refuses). What it
 * does send is checked against a real server in t-send.sh.
 */
#include <string.h>

#include "mailticket/error.h"
#include "mailticket/smtp.h"

#define HEADER                                                       \
	"From: Support <support@example.org>\r\n"                    \
	"To: Anna <anna@customer.test>\r\n"                          \
	"Cc: bob@customer.test\r\n"                                  \
	"Reply-To: support+1.abc@example.org\r\n"                    \
	"Subject: Re: VPN [Ticket#1]\r\n"                            \
	"Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"                  \
	"Message-ID: <out-1@example.org>\r\n"                        \
	"In-Reply-To: <req-1@customer.test>\r\n"                     \
	"References: <req-1@customer.test>\r\n"                      \
	"Auto-Submitted: auto-replied\r\n"                           \
	"X-Auto-Response-Suppress: All\r\n"                          \
	"X-Loop: support@example.org\r\n"                            \
	"Received: from a by b; Fri, 15 Jan 2027 08:00:00 +0000\r\n" \
	"Received: from c by d; Fri, 15 Jan 2027 08:00:00 +0000\r\n" \
	"MIME-Version: 1.0\r\n"                                      \
	"Content-Type: text/plain; charset=UTF-8\r\n"
#define BODY "\r\nHello,\r\n.\r\n..two dots\r\n"

static void
assert_check (const char *text, const char *refusal)
{
	g_autoptr (GBytes) raw = g_bytes_new_static (text, strlen (text));
	g_autoptr (GError) error = NULL;
	gboolean ok = mt_smtp_check (raw, &error);

	if (refusal == NULL) {
		g_assert_no_error (error);
		g_assert_true (ok);
		return;
	}
	g_assert_false (ok);
	g_assert_error (error, MT_ERROR, MT_ERROR_DATA);
	if (strstr (error->message, refusal) == NULL)
		g_error ("refused for '%s', not '%s'", error->message, refusal);
}

static void
test_accepts_what_we_compose (void)
{
	assert_check (HEADER BODY, NULL);
	assert_check (HEADER "\r\n", NULL);
	assert_check ("from: a@example.org\r\ndate: Fri, 15 Jan 2027 08:00:00 +0000\r\n"
		      "message-id: <x@y>\r\n\r\nbody\r\n",
		      NULL);
}

static void
test_refuses_missing_headers (void)
{
	assert_check ("From: a@example.org\r\nMessage-ID: <x@y>\r\n" BODY, "no header Date");
	assert_check ("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\nMessage-ID: <x@y>\r\n" BODY, "no header From");
	assert_check ("From: a@example.org\r\nDate: Fri, 15 Jan 2027 08:00:00 +0000\r\n" BODY, "no header Message-ID");
}

static void
test_refuses_dropped_headers (void)
{
	assert_check ("Return-Path: <a@example.org>\r\n" HEADER BODY, "a header Return-Path");
	assert_check (HEADER "Original-Recipient: rfc822;a@example.org\r\n" BODY, "a header Original-Recipient");
}

static void
test_refuses_repeated_headers (void)
{
	assert_check (HEADER "To: carl@customer.test\r\n" BODY, "more than one To");
	assert_check (HEADER "CC: carl@customer.test\r\n" BODY, "more than one Cc");
	assert_check (HEADER "Date: Fri, 15 Jan 2027 09:00:00 +0000\r\n" BODY, "more than one Date");
}

static void
test_refuses_bad_framing (void)
{
	assert_check (HEADER, "no empty line");
	assert_check (HEADER BODY "no final line end", "CRLF");
	assert_check (HEADER "\r\nbody\n", "CRLF");
	assert_check ("", "CRLF");
}

int
main (int argc, char **argv)
{
	g_test_init (&argc, &argv, NULL);
	g_test_add_func ("/smtp/check/accepts-what-we-compose", test_accepts_what_we_compose);
	g_test_add_func ("/smtp/check/refuses-missing-date-from-message-id", test_refuses_missing_headers);
	g_test_add_func ("/smtp/check/refuses-return-path-original-recipient", test_refuses_dropped_headers);
	g_test_add_func ("/smtp/check/refuses-repeated-single-headers", test_refuses_repeated_headers);
	g_test_add_func ("/smtp/check/refuses-missing-empty-line-or-crlf", test_refuses_bad_framing);
	return g_test_run ();
}
