/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * NAME
 *	spawn - the bench's MTA: one process per message, fed through a pipe
 * SYNOPSIS
 *	spawn [-j N] [-w FILE] [-e FILE] LIST -- PROGRAM [ARG...]
 * DESCRIPTION
 *	Reads the message files named in LIST (one path a line) into memory,
 *	then runs PROGRAM once per message, as Postfix's pipe(8) does: the
 *	message written into a pipe that is the program's standard input,
 *	its exit status collected. N programs run at once (default 1); a
 *	new one starts as soon as one ends. Standard output goes to
 *	/dev/null, standard error to /dev/null or appended to FILE (-e).
 *
 *	The programs are started with posix_spawn(3), so that what the
 *	driver holds in memory does not make each start dearer; the spawn
 *	floor is then the cost of the program itself, as `cat` shows it.
 *	Nothing else runs per message: no shell, no xargs.
 *
 *	With -w FILE the size of FILE is sampled while the programs run
 *	(every ms), and its largest size reported: the WAL of the database.
 * OUTPUT
 *	One line, key=value: messages, failed (exit status not 0),
 *	seconds (wall clock from the first start to the last exit),
 *	ms_per_msg, msgs_per_s, p50_ms and p95_ms (each process, from its
 *	start to its exit), cpu_ms_per_msg (user and system time of the
 *	programs: less disturbed than the wall clock by other work on the
 *	machine), max_watch_bytes.
 *	Exit status 0 when every program exited 0, else 1; 2 for a usage
 *	or system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct {
	char *data;
	size_t len;
} Message;

typedef struct {
	pid_t pid; /* 0: the slot is free */
	int pidfd;
	int wfd; /* -1 once the message is written */
	size_t msg, off;
	double started;
} Slot;

static void
die (const char *what)
{
	fprintf (stderr, "spawn: %s: %s\n", what, strerror (errno));
	exit (2);
}

static double
now (void)
{
	struct timespec ts;

	clock_gettime (CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static Message
read_file (const char *path)
{
	Message m = { NULL, 0 };
	struct stat st;
	int fd = open (path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || fstat (fd, &st) < 0)
		die (path);
	m.data = malloc (st.st_size + 1);
	while (m.data != NULL && m.len < (size_t) st.st_size && (n = read (fd, m.data + m.len, st.st_size - m.len)) > 0)
		m.len += n;
	if (m.data == NULL || m.len != (size_t) st.st_size)
		die (path);
	close (fd);
	return m;
}

static Message *
read_list (const char *list, size_t *n)
{
	FILE *f = fopen (list, "r");
	Message *msgs = NULL;
	size_t cap = 0;
	char *line = NULL;
	size_t linecap = 0;
	ssize_t len;

	if (f == NULL)
		die (list);
	*n = 0;
	while ((len = getline (&line, &linecap, f)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (len == 0)
			continue;
		if (*n == cap && !(msgs = realloc (msgs, (cap = cap ? 2 * cap : 256) * sizeof *msgs)))
			die ("memory");
		msgs[(*n)++] = read_file (line);
	}
	free (line);
	fclose (f);
	return msgs;
}

/* Starts argv with the read end of a new pipe as its standard input. */
static void
start (Slot *s, size_t msg, char **argv, const char *errfile)
{
	posix_spawn_file_actions_t fa;
	int p[2];

	if (pipe2 (p, O_CLOEXEC) < 0)
		die ("pipe");
	posix_spawn_file_actions_init (&fa);
	posix_spawn_file_actions_adddup2 (&fa, p[0], 0);
	posix_spawn_file_actions_addopen (&fa, 1, "/dev/null", O_WRONLY, 0);
	if (errfile != NULL)
		posix_spawn_file_actions_addopen (&fa, 2, errfile, O_WRONLY | O_CREAT | O_APPEND, 0644);
	else
		posix_spawn_file_actions_addopen (&fa, 2, "/dev/null", O_WRONLY, 0);
	s->started = now ();
	errno = posix_spawn (&s->pid, argv[0], &fa, NULL, argv, environ);
	if (errno != 0)
		die (argv[0]);
	posix_spawn_file_actions_destroy (&fa);
	close (p[0]);
	fcntl (p[1], F_SETFL, O_NONBLOCK);
	s->wfd = p[1];
	s->pidfd = (int) syscall (SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0)
		die ("pidfd_open");
	s->msg = msg;
	s->off = 0;
}

/* Writes what the pipe takes now; closes it when all is written or the
 * program stopped reading. */
static void
feed (Slot *s, const Message *m)
{
	ssize_t n = write (s->wfd, m->data + s->off, m->len - s->off);

	if (n > 0)
		s->off += n;
	if ((n < 0 && errno != EAGAIN && errno != EINTR) || s->off == m->len) {
		close (s->wfd);
		s->wfd = -1;
	}
}

static int
reap (Slot *s)
{
	int status;

	if (waitpid (s->pid, &status, 0) < 0)
		die ("waitpid");
	if (s->wfd >= 0)
		close (s->wfd);
	close (s->pidfd);
	s->pid = 0;
	s->wfd = -1;
	return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

static int
cmp_double (const void *a, const void *b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

static void
watch (const char *file, long long *max)
{
	struct stat st;

	if (file != NULL && stat (file, &st) == 0 && st.st_size > *max)
		*max = st.st_size;
}

int
main (int argc, char **argv)
{
	const char *watch_file = NULL, *errfile = NULL;
	int jobs = 1, c, failed = 0, active = 0;
	long long max_watch = 0;
	size_t n, next = 0, done = 0;
	Message *msgs;
	Slot *slots;
	double *took, t0, t1, cpu;
	struct rusage ru;
	struct pollfd *fds;
	int *owner;

	while ((c = getopt (argc, argv, "+j:w:e:")) != -1) {
		if (c == 'j')
			jobs = atoi (optarg);
		else if (c == 'w')
			watch_file = optarg;
		else if (c == 'e')
			errfile = optarg;
		else
			return 2;
	}
	if (jobs < 1 || optind + 2 > argc || strcmp (argv[optind + 1], "--") != 0) {
		fprintf (stderr, "usage: spawn [-j N] [-w FILE] [-e FILE] LIST -- PROGRAM [ARG...]\n");
		return 2;
	}
	msgs = read_list (argv[optind], &n);
	argv += optind + 2;
	signal (SIGPIPE, SIG_IGN);
	slots = calloc (jobs, sizeof *slots);
	fds = calloc (2 * jobs, sizeof *fds);
	owner = calloc (2 * jobs, sizeof *owner);
	took = calloc (n + 1, sizeof *took);
	if (!slots || !fds || !owner || !took)
		die ("memory");

	t0 = now ();
	while (done < n) {
		int k = 0;

		for (int i = 0; i < jobs && next < n; i++)
			if (slots[i].pid == 0) {
				start (&slots[i], next++, argv, errfile);
				active++;
			}
		for (int i = 0; i < jobs; i++) {
			if (slots[i].pid == 0)
				continue;
			if (slots[i].wfd >= 0) {
				fds[k] = (struct pollfd){ slots[i].wfd, POLLOUT, 0 };
				owner[k++] = i;
			}
			fds[k] = (struct pollfd){ slots[i].pidfd, POLLIN, 0 };
			owner[k++] = -1 - i;
		}
		if (poll (fds, k, watch_file ? 1 : -1) < 0 && errno != EINTR)
			die ("poll");
		watch (watch_file, &max_watch);
		for (int f = 0; f < k; f++) {
			if (fds[f].revents == 0)
				continue;
			if (owner[f] >= 0) {
				Slot *s = &slots[owner[f]];
				if (s->pid != 0 && s->wfd >= 0)
					feed (s, &msgs[s->msg]);
				continue;
			}
			Slot *s = &slots[-1 - owner[f]];
			took[done] = now () - s->started;
			if (reap (s) != 0)
				failed++;
			active--;
			done++;
		}
	}
	t1 = now ();
	watch (watch_file, &max_watch);
	getrusage (RUSAGE_CHILDREN, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	qsort (took, n, sizeof *took, cmp_double);
	printf ("messages=%zu failed=%d seconds=%.4f ms_per_msg=%.4f msgs_per_s=%.2f p50_ms=%.3f p95_ms=%.3f"
		" cpu_ms_per_msg=%.4f max_watch_bytes=%lld\n",
		n, failed, t1 - t0, n ? (t1 - t0) * 1000 / n : 0, n ? n / (t1 - t0) : 0, n ? took[n / 2] * 1000 : 0,
		n ? took[(size_t) (n * 0.95)] * 1000 : 0, n ? cpu * 1000 / n : 0, max_watch);
	return failed ? 1 : 0;
}
