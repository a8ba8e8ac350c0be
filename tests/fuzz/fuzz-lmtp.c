/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	fuzz-lmtp.c - libFuzzer harness over the delivery server's LMTP
 * DESCRIPTION
 *	Each input is a client's side of a session: its lines go through
 *	mt_lmtp_session_command() as the server reads them (a line over
 *	MT_LMTP_MAX_LINE as the server answers one), and after a DATA that
 *	the session takes, the bytes that follow go through MtLmtpData
 *	until the final dot, as the server's, and the session goes on with
 *	what is left. The first byte says whether the session offers
 *	XMAILTICKET (the Unix socket) and how small a message is kept.
 *	What the session promises is checked: every reply is complete
 *	lines of three digits and text, no more recipients are held than
 *	MT_LMTP_MAX_RECIPIENTS, and no more of a message than its limit; a
 *	breach aborts, which the fuzzer reports as a crash.
 *
 *	Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined,
 *	from lib/lmtp.c alone; seeded from tests/fuzz/lmtp.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailticket/lmtp.h"

static void
check_reply (const char *reply)
{
	const char *p = reply;

	if (*p == '\0')
		abort ();
	while (*p != '\0') {
		const char *end = strstr (p, "\r\n");

		if (end == NULL || end - p < 4 || !g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]) ||
		    !g_ascii_isdigit (p[2]) || (p[3] != ' ' && p[3] != '-'))
			abort ();
		for (const char *c = p; c < end; c++)
			if (*c == '\r' || *c == '\n')
				abort ();
		p = end + 2;
	}
}

/* The message after DATA; returns the bytes it took. */
static size_t
message (const uint8_t *data, size_t size, guint64 limit)
{
	g_autoptr (GByteArray) out = g_byte_array_new ();
	MtLmtpData d;
	gboolean done;
	size_t used;

	mt_lmtp_data_init (&d, out, limit);
	used = mt_lmtp_data_feed (&d, data, size, &done);
	if (out->len > limit || out->len > d.size || used > size)
		abort ();
	return used;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
	MtLmtpSession s;
	size_t at = 1;
	guint64 limit;

	if (size == 0)
		return 0;
	limit = (data[0] >> 1) * 16;
	mt_lmtp_session_init (&s, "mx.fuzz", limit, data[0] & 1);
	while (at < size) {
		const uint8_t *lf = memchr (data + at, '\n', size - at);
		size_t len = lf ? (size_t) (lf - (data + at)) : size - at;
		MtLmtpAction action;
		char *reply = len >= MT_LMTP_MAX_LINE
				      ? mt_lmtp_session_too_long (&s, &action)
				      : mt_lmtp_session_command (&s, (const char *) data + at, len, &action);

		check_reply (reply);
		g_free (reply);
		if (s.recipients->len > MT_LMTP_MAX_RECIPIENTS)
			abort ();
		at += len + 1;
		if (action == MT_LMTP_CLOSE)
			break;
		if (action == MT_LMTP_DATA && at < size) {
			at += message (data + at, size - at, limit);
			mt_lmtp_session_reset (&s);
		}
	}
	mt_lmtp_session_clear (&s);
	return 0;
}
