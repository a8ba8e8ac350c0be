/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-bounce.c - libFuzzer harness over bounce parsing
 * DESCRIPTION
 *	Each input goes through mt_message_parse() and mt_bounce_parse()
 *	three ways: as a whole message, as the delivery-status part of a
 *	fixed report, and as the returned headers of one; so that the
 *	fuzzer reaches the block cutting and the field reading without
 *	first having to find a multipart/report. What the report says is
 *	then checked against what bounce.h promises: each failed recipient
 *	has a lower-case address, a reason in UTF-8 of at most 1000 bytes,
 *	and no more blocks are read than MT_BOUNCE_MAX_BLOCKS; a breach
 *	aborts, which the fuzzer reports as a crash.
 *
 *	Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined;
 *	seeded from tests/fuzz/bounces and tests/fuzz/regressions. The
 *	built fuzzer runs the files it is given once each; every build runs
 *	the seeds through it (tests/unit/test-fuzz-bounce).
 */
#include <stdint.h>
#include <string.h>

#include "mailticket/bounce.h"
#include "mailticket/message.h"

#define REPORT_HEAD                                                                              \
	"From: MAILER-DAEMON@mx.example\n"                                                       \
	"MIME-Version: 1.0\n"                                                                    \
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"=_fuzz_=\"\n\n" \
	"--=_fuzz_=\nContent-Type: text/plain\n\nReport.\n\n"
#define STATUS_PART "--=_fuzz_=\nContent-Type: message/delivery-status\n\n"
#define HEADERS_PART "--=_fuzz_=\nContent-Type: text/rfc822-headers\n\n"
#define REPORT_TAIL "\n--=_fuzz_=--\n"
#define SOME_STATUS "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; a@x.example\nAction: failed\n\n"

static GLogWriterOutput
quiet (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
	return G_LOG_WRITER_HANDLED;
}

static void
check (const MtBounce *b)
{
	g_assert_nonnull (b->failed);
	g_assert_cmpuint (b->failed->len, <=, MT_BOUNCE_MAX_BLOCKS);
	for (guint i = 0; i < b->failed->len; i++) {
		const MtBounceRecipient *r = g_ptr_array_index (b->failed, i);
		g_autofree char *lower = g_ascii_strdown (r->address, -1);

		g_assert_cmpstr (r->address, ==, lower);
		g_assert_true (g_utf8_validate (r->reason, -1, NULL));
		g_assert_cmpuint (strlen (r->reason), <=, 1000);
	}
}

static void
as_message (const guint8 *data, gsize size)
{
	g_autoptr (GByteArray) raw = g_byte_array_sized_new (size);
	g_autoptr (MtMessage) m = NULL;
	MtBounce bounce;

	g_byte_array_append (raw, data, size);
	if (!(m = mt_message_parse (raw, NULL)))
		return;
	mt_bounce_parse (m, &bounce);
	check (&bounce);
	mt_bounce_clear (&bounce);
}

static void
append (GByteArray *raw, const char *text)
{
	g_byte_array_append (raw, (const guint8 *) text, strlen (text));
}

/* data inside a fixed report, in place of its status fields or of its
 * returned headers. */
static void
in_report (const guint8 *data, gsize size, gboolean as_status)
{
	g_autoptr (GByteArray) raw = g_byte_array_sized_new (size + 512);

	append (raw, REPORT_HEAD STATUS_PART);
	if (as_status)
		g_byte_array_append (raw, data, size);
	else
		append (raw, SOME_STATUS);
	append (raw, "\n" HEADERS_PART);
	if (!as_status)
		g_byte_array_append (raw, data, size);
	append (raw, REPORT_TAIL);
	as_message (raw->data, raw->len);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	static gsize done;

	if (g_once_init_enter (&done)) {
		g_log_set_writer_func (quiet, NULL, NULL);
		mt_message_init ();
		g_once_init_leave (&done, 1);
	}
	as_message (data, size);
	in_report (data, size, TRUE);
	in_report (data, size, FALSE);
	return 0;
}
