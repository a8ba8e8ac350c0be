/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	import-source.c - the messages of a Maildir, an mbox or a file
 * DESCRIPTION
 *	A directory is a Maildir: the files of its cur/ and new/, in the
 *	order of their names, which begin with the time of their delivery.
 *	A file that begins with "From " is an mbox, read by GMime's parser
 *	in mbox mode; each message is taken as its bytes stand in the file,
 *	from its first header to the next From_ line, less the empty line
 *	that separates the two, so that the same mbox gives the same bytes
 *	every time. Any other file is one message. A message over the size
 *	limit is refused unread, as a delivery refuses it. In an mbox,
 *	GMime's parser sees only the From_ lines and filler of the same
 *	length (import-mask.c), and keeps its place in the file, not the
 *	content: a message costs it no more than its bytes, whatever its
 *	structure.
 *
 *	A message's fallback time, for when its Date is no use: an mbox
 *	message's From_ line, else the file's modification time.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "mailticket/autocleanups.h"
#include "mailticket/error.h"

#include "import-private.h"

typedef struct {
	char *path;
	gboolean mbox;
	guint64 size;
	gint64 mtime;
} Source;

static void
source_free (gpointer data)
{
	Source *s = data;

	g_free (s->path);
	g_free (s);
}

static gboolean
is_mbox (const char *path)
{
	char head[5];
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	gboolean yes = fd >= 0 && read (fd, head, sizeof head) == sizeof head && memcmp (head, "From ", 5) == 0;

	if (fd >= 0)
		close (fd);
	return yes;
}

/* A regular file, with its size and time; anything else is left out. */
static void
add_file (GPtrArray *sources, const char *path, gboolean mbox, const struct stat *st, guint64 *total)
{
	Source *s = g_new0 (Source, 1);

	s->path = g_strdup (path);
	s->mbox = mbox;
	s->size = (guint64) st->st_size;
	s->mtime = st->st_mtime;
	*total += s->size;
	g_ptr_array_add (sources, s);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
	g_autofree char *x = g_path_get_basename (*(char *const *) a);
	g_autofree char *y = g_path_get_basename (*(char *const *) b);

	return strcmp (x, y);
}

/* The names of the files in path's cur/ and new/; FALSE when it has
 * neither. */
static gboolean
maildir_names (const char *path, GPtrArray *names)
{
	static const char *const subs[] = { "cur", "new" };
	gboolean maildir = FALSE;

	for (guint i = 0; i < G_N_ELEMENTS (subs); i++) {
		g_autofree char *dir = g_build_filename (path, subs[i], NULL);
		GDir *d = g_dir_open (dir, 0, NULL);
		const char *name;

		if (d == NULL)
			continue;
		maildir = TRUE;
		while ((name = g_dir_read_name (d)) != NULL)
			if (name[0] != '.')
				g_ptr_array_add (names, g_build_filename (dir, name, NULL));
		g_dir_close (d);
	}
	return maildir;
}

static gboolean
add_maildir (GPtrArray *sources, const char *path, guint64 *total, GError **error)
{
	g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

	if (!maildir_names (path, names))
		return mt_error_usage (error, "%s: a directory, but no Maildir (no cur/ or new/ in it)", path);
	g_ptr_array_sort (names, by_name);
	for (guint i = 0; i < names->len; i++) {
		const char *name = g_ptr_array_index (names, i);
		struct stat st;

		if (stat (name, &st) == 0 && S_ISREG (st.st_mode))
			add_file (sources, name, FALSE, &st, total);
	}
	return TRUE;
}

GPtrArray *
mt_import_sources (char **paths, guint64 *total, GError **error)
{
	g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func (source_free);

	*total = 0;
	for (guint i = 0; paths[i] != NULL; i++) {
		struct stat st;

		if (stat (paths[i], &st) != 0) {
			g_autofree char *what = g_strdup_printf ("cannot read %s", paths[i]);
			mt_error_errno (error, errno, what);
			return NULL;
		}
		if (S_ISDIR (st.st_mode) && !add_maildir (sources, paths[i], total, error))
			return NULL;
		if (S_ISREG (st.st_mode))
			add_file (sources, paths[i], is_mbox (paths[i]), &st, total);
		if (!S_ISDIR (st.st_mode) && !S_ISREG (st.st_mode)) {
			mt_error_usage (error, "%s: no Maildir, mbox or message file", paths[i]);
			return NULL;
		}
	}
	return g_steal_pointer (&sources);
}

/* A file read whole, unless it is over the limit or unreadable: then
 * NULL and failure. */
static GByteArray *
read_file (const Source *s, guint64 limit, GError **failure)
{
	GByteArray *raw = NULL;
	int fd;

	if (s->size > limit) {
		mt_deliver_refuse_size (failure, s->size, limit);
		return NULL;
	}
	if ((fd = open (s->path, O_RDONLY | O_CLOEXEC)) < 0) {
		mt_error_errno (failure, errno, "cannot open it");
		return NULL;
	}
	if (!mt_deliver_read (fd, limit, &raw, failure))
		raw = NULL;
	close (fd);
	return raw;
}

/* A message that could not be read: counted and left out, or the
 * failure that stops the import. */
static gboolean
unread (MtImporter *im, const char *where, GError *failure, GError **error)
{
	im->stats->messages++;
	if (mt_import_left_out (im, where, failure)) {
		g_error_free (failure);
		return TRUE;
	}
	g_propagate_error (error, failure);
	return FALSE;
}

static gboolean
import_file (MtImporter *im, const Source *s, GError **error)
{
	g_autoptr (GError) failure = NULL;
	g_autoptr (GByteArray) raw = read_file (s, im->config->max_message_size, &failure);

	im->stats->bytes += s->size;
	if (raw != NULL)
		return mt_import_message (im, raw, s->mtime, s->path, error);
	return unread (im, s->path, g_steal_pointer (&failure), error);
}

/* Bytes begin to end of fd, less the empty line (LF or CRLF) before
 * the next From_ line; NULL and failure when they cannot be read. */
static GByteArray *
read_range (int fd, gint64 begin, gint64 end, GError **failure)
{
	g_autoptr (GByteArray) raw = g_byte_array_sized_new ((guint) (end - begin));
	gsize got = 0;

	g_byte_array_set_size (raw, (guint) (end - begin));
	while (got < raw->len) {
		gssize n = pread (fd, raw->data + got, raw->len - got, begin + (off_t) got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			mt_error_errno (failure, n == 0 ? EIO : errno, "cannot read it");
			return NULL;
		}
		got += (gsize) n;
	}
	if (raw->len >= 4 && memcmp (raw->data + raw->len - 4, "\r\n\r\n", 4) == 0)
		g_byte_array_set_size (raw, raw->len - 2);
	else if (raw->len >= 2 && memcmp (raw->data + raw->len - 2, "\n\n", 2) == 0)
		g_byte_array_set_size (raw, raw->len - 1);
	return g_steal_pointer (&raw);
}

/* The time of an mbox message's From_ line ("From sender Mon Jan  1
 * 10:00:00 2026"), or fallback. */
static gint64
marker_date (GMimeParser *parser, gint64 fallback)
{
	g_autofree char *marker = g_mime_parser_get_mbox_marker (parser);
	const char *space = marker != NULL ? strchr (marker + strlen ("From "), ' ') : NULL;
	GDateTime *date = space != NULL ? g_mime_utils_header_decode_date (space + 1) : NULL;
	gint64 when = date != NULL ? g_date_time_to_unix (date) : fallback;

	if (date != NULL)
		g_date_time_unref (date);
	return when;
}

/* The next message of the mbox; *more FALSE after the last. */
static gboolean
import_mbox_message (MtImporter *im, const Source *s, GMimeParser *parser, int fd, gboolean *more, GError **error)
{
	g_autoptr (GMimeMessage) message = g_mime_parser_construct_message (parser, NULL);
	g_autoptr (GError) failure = NULL;
	g_autoptr (GByteArray) raw = NULL;
	g_autofree char *where = NULL;
	gint64 begin, end;

	if (message == NULL) {
		*more = FALSE;
		if (!g_mime_parser_eos (parser)) {
			im->stats->failed++;
			g_warning ("%s: from byte %" G_GINT64_FORMAT " on no mbox message could be read; left out",
				   s->path, g_mime_parser_tell (parser));
		}
		return TRUE;
	}
	begin = g_mime_parser_get_headers_begin (parser);
	end = g_mime_parser_tell (parser);
	where = g_strdup_printf ("%s, the message at byte %" G_GINT64_FORMAT, s->path,
				 g_mime_parser_get_mbox_marker_offset (parser));
	if ((guint64) (end - begin) > im->config->max_message_size + 1)
		mt_deliver_refuse_size (&failure, (guint64) (end - begin), im->config->max_message_size);
	else
		raw = read_range (fd, begin, end, &failure);
	g_clear_object (&message);
	if (raw != NULL)
		return mt_import_message (im, raw, marker_date (parser, s->mtime), where, error);
	return unread (im, where, g_steal_pointer (&failure), error);
}

static gboolean
import_mbox (MtImporter *im, const Source *s, GError **error)
{
	g_autoptr (GMimeStream) stream = NULL;
	g_autoptr (GMimeParser) parser = NULL;
	guint64 base = im->stats->bytes;
	gboolean more = TRUE, ok = TRUE;
	int fd = open (s->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		GError *failure = NULL;
		mt_error_errno (&failure, errno, "cannot open it");
		im->stats->bytes += s->size;
		return unread (im, s->path, failure, error);
	}
	/* Its From_ lines found by GMime's parser in mbox mode, which sees
	 * no more of each message than it needs for that (import-mask.c). */
	if ((stream = mt_import_mask_new (fd)) == NULL) {
		GError *failure = NULL;
		mt_error_errno (&failure, errno, "cannot read it");
		close (fd);
		im->stats->bytes += s->size;
		return unread (im, s->path, failure, error);
	}
	parser = g_mime_parser_new_with_stream (stream);
	g_mime_parser_set_format (parser, GMIME_FORMAT_MBOX);
	while (ok && more && !g_mime_parser_eos (parser)) {
		ok = import_mbox_message (im, s, parser, fd, &more, error);
		im->stats->bytes = base + (guint64) MAX (g_mime_parser_tell (parser), 0);
	}
	g_clear_object (&parser);
	g_clear_object (&stream);
	close (fd);
	im->stats->bytes = base + s->size;
	return ok;
}

gboolean
mt_import_source (MtImporter *im, gconstpointer source, GError **error)
{
	const Source *s = source;

	return s->mbox ? import_mbox (im, s, error) : import_file (im, s, error);
}
