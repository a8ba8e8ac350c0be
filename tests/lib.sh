# SPDX-License-Identifier: GPL-3.0-or-later
# tests/lib.sh: TAP helpers for tests/integration/t-*.sh (sourced; POSIX sh).
#
#	plan N | done_testing		the TAP plan, before or after the tests
#	ok STATUS DESC			passes when STATUS (an exit code) is 0
#	expect_code WANT DESC -- CMD...	runs CMD (stdout in $out, stderr in $err)
#	expect_equal GOT WANT DESC	compares two strings
#	skip DESC REASON, skip_all REASON
#	todo STATUS DESC REASON		a test known to fail until REASON is done: TAP's
#					TODO, which fails without failing the run
#	deliver ARGS, mt ARGS		the programs, on $DB
#	json EXPR			a python expression over the JSON on stdin (as d)
#	compose FROM TO MESSAGE-ID SUBJECT [HEADER]
#					a message on stdout whose body is stdin
#	raw_index			"sha256 ticket article" of every article, read
#					back through list/show --json and show --raw
#	need PKG:PROGRAM...		installs the Debian packages whose programs
#					are missing (as root), or skips the whole test
#	cannot REASON			skips the whole test (fails it in CI)
#	mt_account			$MT_USER: the account the MTA runs
#					mailticket-deliver as, made if missing
#	as_mt CMD...			runs CMD as $MT_USER
#	agent LOGIN			makes LOGIN an agent (LOGIN@example.org) unless it
#					is one, and exports MAILTICKET_USER=LOGIN: what
#					writes on a ticket acts as that agent (root and
#					the database's owner may name one)
#	lock_db, unlock_db		hold and release the write lock of $DB (or another)
#	smtp_start [OPTIONS]		a real SMTP server on 127.0.0.1 (tests/smtp-server.py,
#					python3-aiosmtpd; the test is skipped without it):
#					sets SMTP_PORT and SMTP_DIR, a fresh directory where
#					every accepted message is NNNN.eml (its exact bytes)
#					and NNNN.json (mail_from, rcpt_tos, helo, auth), and a
#					file log (one line per connect, mail, rcpt, data...);
#					puts an [smtp] section with host and port last in
#					$MAILTICKET_CONF (add keys with smtp_conf). OPTIONS:
#					--reject-rcpt RE (550), --defer-rcpt RE (450),
#					--defer-data N (451 to the first N DATA), --drop-data N
#					(421 and hang up), --auth USER:PASS (AUTH required),
#					--tls PEM (offers STARTTLS with that certificate
#					and key; NNNN.json then says whether "tls" was used).
#					A second smtp_start replaces the first, and its
#					[smtp] section. Call it before the first test: a
#					skip must come before any output.
#	smtp_conf KEY=VALUE...		more [smtp] keys, after smtp_start
#	smtp_stop			stops the server (also done at exit, on failure too)
#	smtp_count			the number of messages the server accepted
#	postfix_services CONFIG_DIR PORT
#					Postfix's own services for master.cf of a private
#					instance: chroot off, SMTP on 127.0.0.1:PORT only, no
#					other listener and no pipe service
#	figure NAME VALUE		a figure of the test, as a TAP comment: "# NAME: VALUE"
#	stress SHORT FULL		SHORT, or FULL when $MAILTICKET_STRESS is "full"
#					(make stress, CI): how much a stress test does
#	limit SECONDS			SECONDS scaled for slow builds: times 5 under
#					AddressSanitizer, times $MAILTICKET_TIME_FACTOR
#	on_tty COLUMNS CMD...		runs CMD on a pseudo-terminal COLUMNS wide (its
#					standard input, output and error): the bytes the
#					terminal received in $out (line ends as CR LF, the
#					terminal's), the exit code in $code
#	memory_limit KB			KB, times 3 under AddressSanitizer (its
#					quarantine of freed memory)
#	measured SECONDS CMD...		runs CMD (stdin as given, stdout in $out, stderr
#					in $err), killed after SECONDS; sets $code (the
#					exit code, 128+N for signal N, 124 when killed for
#					time), $secs (elapsed), $cpu (user and
#					system seconds) and $rss (peak KB: GNU time's, when
#					/usr/bin/time is there, as make deps installs it)
#	contended SECONDS CMD...	as measured, and while CMD runs, small deliveries
#					into $DB one after another (new mail from
#					probe@example.net): $lock is the longest one took
#					(seconds), the time CMD held the write lock and a
#					little more; $probes how many ran, $probe_fails
#					how many did not exit 0
#
# $MAILTICKET_BIN names another directory for the programs (make valgrind
# runs them through valgrind that way).
#
# Every test gets its own directory $tmp, removed at exit, a database $DB
# in it, made by mailticket init as an admin makes one (mailticket-deliver
# makes none), and a config $MAILTICKET_CONF, so nothing depends on /etc. A
# test that starts servers names its cleanup function in $at_exit, which
# runs at exit before $tmp is removed, also after a failure or a signal.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${MAILTICKET_BIN:-$top/bin}
CORPUS=${MAILTICKET_CORPUS:-$top/../shared/corpus}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mt-$(basename "$0" .sh).XXXXXX") || exit 1
out=$tmp/stdout err=$tmp/stderr DB=$tmp/mailticket.db
test_n=0 test_failed=0 test_plan=

test_exit () {
	# a test's own cleanup first (stopping the servers it started)
	if [ -n "${at_exit-}" ]; then $at_exit; fi
	if [ -n "${lock_pid-}" ]; then kill "$lock_pid" 2>/dev/null; fi
	rc=0
	[ "$test_failed" -gt 0 ] && rc=1
	if [ -z "$test_plan" ]; then echo "# no plan"; rc=1
	elif [ "$test_plan" != "$test_n" ] && [ "$test_plan" != 0 ]; then
		echo "# planned $test_plan tests but ran $test_n"; rc=1
	fi
	[ "$test_failed" -gt 0 ] && echo "# failed $test_failed of $test_n tests"
	smtp_stop
	rm -rf "$tmp"
	exit $rc
}
trap test_exit EXIT
trap 'exit 1' HUP INT TERM

unset MAILTICKET_DB MAILTICKET_USER
MAILTICKET_CONF=$tmp/mailticket.conf PYTHONUTF8=1
export MAILTICKET_CONF PYTHONUTF8
cat >"$MAILTICKET_CONF" <<EOF
[database]
busy_timeout=10000
[mail]
domain=example.org
address=support@example.org
tag=Ticket
EOF

plan () { test_plan=$1; echo "1..$1"; }
# sanitized: true when the programs are an AddressSanitizer build (make SANITIZE=1)
# (mailticket-deliver-local: with STATIC=1 the front, mailticket-deliver, is static but for them)
sanitized () { ldd "$BIN/mailticket-deliver-local" 2>/dev/null | grep -q libasan; }
done_testing () { test_plan=$test_n; echo "1..$test_n"; }
skip_all () { test_plan=0; echo "1..0 # SKIP $*"; exit 0; }
skip () { test_n=$((test_n + 1)); echo "ok $test_n - $1 # SKIP $2"; }
todo () {
	test_n=$((test_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $test_n - $2 # TODO $3"; return 0; fi
	echo "not ok $test_n - $2 # TODO $3"; return 1
}
diag () { printf '%s\n' "$@" | sed 's/^/# /'; }

ok () {
	test_n=$((test_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $test_n - $2"; return 0; fi
	echo "not ok $test_n - $2"; test_failed=$((test_failed + 1)); return 1
}

expect_equal () {
	[ "$1" = "$2" ] && ok 0 "$3" && return 0
	ok 1 "$3"; diag "got:  '$1'" "want: '$2'"; return 1
}

expect_code () {
	want=$1 desc=$2; shift 3
	"$@" >"$out" 2>"$err"
	got=$?
	[ "$got" = "$want" ] && ok 0 "$desc" && return 0
	ok 1 "$desc"; diag "command: $*" "got exit $got, want $want"
	sed 's/^/#   stderr: /' "$err" | head -n 5
	return 1
}

deliver () { "$BIN/mailticket-deliver" --db "$DB" "$@"; }
mt () { "$BIN/mailticket" --db "$DB" "$@"; }
sql () { sqlite3 -batch "$DB" "$@"; }

compose () {
	printf 'From: %s\nTo: %s\nSubject: %s\nDate: Mon, 23 Nov 2026 10:00:00 +0000\nMessage-ID: <%s>\n' \
		"$1" "$2" "$4" "$3"
	[ -n "${5:-}" ] && printf '%s\n' "$5"
	printf '\n'
	cat
}

json () {
	python3 -c 'import json, sys
s = sys.stdin.read()
try: d = json.loads(s); r = eval(sys.argv[1])
except Exception as e: print("<%s: %s; input %.60r>" % (type(e).__name__, e, s)); sys.exit(1)
print(json.dumps(r, ensure_ascii=False) if isinstance(r, (dict, list, bool)) or r is None else r)' "$1"
}

raw_index () {
	python3 - "$BIN/mailticket" "$DB" <<'EOF'
import hashlib, json, subprocess, sys
def mt(*args):
    return subprocess.run(sys.argv[1:2] + ["--db", sys.argv[2]] + [str(a) for a in args],
                          check=True, stdout=subprocess.PIPE).stdout
for t in json.loads(mt("list", "--json", "--limit", 1000000)):
    for a in json.loads(mt("show", t["id"], "--json"))["articles"]:
        print(hashlib.sha256(mt("show", t["id"], "--raw", a["id"])).hexdigest(), t["id"], a["id"])
EOF
}

# need PKG:PROGRAM...: each PROGRAM (a name on $PATH or an absolute path)
# must exist; the Debian packages of those that do not are installed with
# apt-get when we are root. Where that cannot be done the test is skipped
# with the reason, or fails when $MAILTICKET_TEST_REQUIRE is set (CI, which
# must run these tests for real). Postfix is preconfigured as "No
# configuration", so that installing it starts no system mail server; an
# installation that would remove another package (another MTA) is refused.
need () {
	need_missing=
	for need_pp in "$@"; do
		need_prog=${need_pp#*:}
		if ! command -v "$need_prog" >/dev/null 2>&1; then
			case " $need_missing " in
			*" ${need_pp%%:*} "*) ;;
			*) need_missing="$need_missing ${need_pp%%:*}" ;;
			esac
		fi
	done
	[ -z "$need_missing" ] && return 0
	need_why=
	if [ "$(id -u)" != 0 ]; then
		need_why="not root, cannot install"
	elif ! command -v apt-get >/dev/null 2>&1; then
		need_why="no apt-get to install them"
	else
		echo "# installing:$need_missing"
		echo 'postfix postfix/main_mailer_type select No configuration' |
			debconf-set-selections 2>/dev/null
		apt-get install -s --no-install-recommends $need_missing >"$tmp/apt.log" 2>&1 ||
			{ apt-get update -qq >/dev/null 2>&1 &&
			apt-get install -s --no-install-recommends $need_missing >"$tmp/apt.log" 2>&1; }
		if [ $? -ne 0 ]; then
			need_why="apt-get cannot install them: $(grep '^E:' "$tmp/apt.log" | head -n 1)"
		elif grep -q '^Remv ' "$tmp/apt.log"; then
			need_why="installing them would remove$(sed -n 's/^Remv \([^ ]*\).*/ \1/p' "$tmp/apt.log" | tr -d '\n')"
		elif ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$need_missing >"$tmp/apt.log" 2>&1; then
			need_why="apt-get install failed: $(grep '^E:' "$tmp/apt.log" | head -n 1)"
		fi
	fi
	if [ -z "$need_why" ]; then
		for need_pp in "$@"; do
			command -v "${need_pp#*:}" >/dev/null 2>&1 ||
				need_why="${need_pp#*:} still missing after installing ${need_pp%%:*}"
		done
	fi
	[ -z "$need_why" ] && return 0
	cannot "missing packages:$need_missing ($need_why)"
}

postfix_services () {
	ps_proto=$(postconf -c "$1" -h meta_directory 2>/dev/null)/master.cf.proto
	[ -r "$ps_proto" ] || ps_proto=/usr/share/postfix/master.cf.dist
	awk -v listen="127.0.0.1:$2" '
		/^#/ || /^[ \t]*$/ { next }
		/^[ \t]/ { if (keep) print; next }
		{ keep = 1 }
		$1 == "smtp" && $2 == "inet" { print listen " inet n - n - - smtpd"; keep = 0; next }
		$2 == "inet" || $2 == "pass" || $8 == "pipe" { keep = 0; next }
		{ $5 = "n"; print }' "$ps_proto"
}

# cannot REASON: the test cannot run here. Skipped, or a failure when
# $MAILTICKET_TEST_REQUIRE is set (.ci/run sets it).
cannot () {
	if [ -n "${MAILTICKET_TEST_REQUIRE-}" ]; then
		echo "Bail out! $* (MAILTICKET_TEST_REQUIRE is set)"
		test_plan=0 test_failed=1; exit 1
	fi
	skip_all "$*"
}

# mt_account: sets MT_USER to the unprivileged account that the MTA runs
# mailticket-deliver as. It is "mailticket", created when missing the way
# contrib/postfix/README (step 2) creates it. As another user than root
# the tests run the programs as themselves. Makes $tmp reachable for that
# account; when it cannot run $BIN/mailticket-deliver where it lies (a
# checkout in a private home), BIN becomes a copy in $tmp/bin.
mt_account () {
	chmod 0755 "$tmp"
	if [ "$(id -u)" != 0 ]; then MT_USER=$(id -un); return 0; fi
	MT_USER=mailticket
	if ! id -u "$MT_USER" >/dev/null 2>&1; then
		echo "# creating the system user $MT_USER"
		if command -v adduser >/dev/null 2>&1; then
			adduser --quiet --system --group --home /var/lib/mailticket \
				--no-create-home --shell /usr/sbin/nologin "$MT_USER"
		else
			useradd --system --user-group --home-dir /var/lib/mailticket \
				--no-create-home --shell /usr/sbin/nologin "$MT_USER"
		fi >"$tmp/useradd.log" 2>&1
		# (another test may have made it in the meantime)
		id -u "$MT_USER" >/dev/null 2>&1 ||
			cannot "cannot create the user $MT_USER: $(head -n 1 "$tmp/useradd.log")"
	fi
	command -v runuser >/dev/null 2>&1 || cannot "runuser(1) (util-linux) is missing"
	if ! as_mt test -x "$BIN/mailticket-deliver"; then
		echo "# $MT_USER cannot run $BIN/mailticket-deliver; using a copy in $tmp/bin"
		mkdir -m 0755 "$tmp/bin" &&
			cp -p "$BIN"/mailticket* "$tmp/bin/" &&
			chmod 0755 "$tmp/bin"/* && BIN=$tmp/bin || cannot "cannot copy the programs to $tmp/bin"
	fi
}

as_mt () {
	if [ "$(id -u)" = 0 ]; then runuser -u "$MT_USER" -- "$@"; else "$@"; fi
}

agent () {
	if ! mt user add "$1" --email "$1@example.org" >"$tmp/agent.out" 2>&1 &&
		! grep -q "user $1 exists already" "$tmp/agent.out"; then
		echo "Bail out! cannot make $1 an agent: $(head -n 1 "$tmp/agent.out")"
		test_failed=$((test_failed + 1)); exit 1
	fi
	MAILTICKET_USER=$1
	export MAILTICKET_USER
}

# lock_db [DATABASE]: a background process takes the write lock of
# DATABASE, $DB unless given (BEGIN IMMEDIATE, as a writer would), and
# holds it until unlock_db, at most two minutes. Returns once the lock is
# held.
lock_pid=
lock_db () {
	rm -f "$tmp/lock.held" "$tmp/lock.release"
	python3 - "${1:-$DB}" "$tmp/lock.held" "$tmp/lock.release" <<'EOF' &
import os, sqlite3, sys, time
db, held, release = sys.argv[1:4]
c = sqlite3.connect(db, timeout=10, isolation_level=None)
c.execute("BEGIN IMMEDIATE")
open(held, "w").close()
end = time.time() + 120
while not os.path.exists(release) and time.time() < end:
    time.sleep(0.05)
c.execute("COMMIT")
c.close()
EOF
	lock_pid=$!
	lock_i=0
	while ! [ -e "$tmp/lock.held" ] && [ $lock_i -lt 200 ]; do
		kill -0 "$lock_pid" 2>/dev/null || break
		sleep 0.05; lock_i=$((lock_i + 1))
	done
	[ -e "$tmp/lock.held" ]
}
unlock_db () {
	[ -n "$lock_pid" ] || return 0
	: >"$tmp/lock.release"
	wait "$lock_pid"
	lock_pid=
}
SMTP_PID= SMTP_PORT= SMTP_DIR= smtp_n=0

smtp_start () {
	smtp_stop
	/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
		skip_all "python3-aiosmtpd is not installed (make deps)"
	smtp_n=$((smtp_n + 1))
	SMTP_DIR=$tmp/smtp.$smtp_n
	mkdir -p "$SMTP_DIR"
	/usr/bin/python3 "$top/tests/smtp-server.py" --dir "$SMTP_DIR" --port-file "$SMTP_DIR/port" "$@" \
		>"$SMTP_DIR/stderr" 2>&1 &
	SMTP_PID=$!
	i=0
	while ! [ -s "$SMTP_DIR/port" ] && kill -0 "$SMTP_PID" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05; i=$((i + 1))
	done
	if ! [ -s "$SMTP_DIR/port" ]; then
		echo "Bail out! the test SMTP server did not start: $(head -c 300 "$SMTP_DIR/stderr")"
		test_failed=$((test_failed + 1)); exit 1
	fi
	SMTP_PORT=$(cat "$SMTP_DIR/port")
	sed -i '/^\[smtp\]$/,$d' "$MAILTICKET_CONF"
	printf '[smtp]\nhost=127.0.0.1\nport=%s\n' "$SMTP_PORT" >>"$MAILTICKET_CONF"
}

smtp_conf () { printf '%s\n' "$@" >>"$MAILTICKET_CONF"; }

smtp_stop () {
	[ -n "${SMTP_PID:-}" ] || return 0
	kill "$SMTP_PID" 2>/dev/null
	wait "$SMTP_PID" 2>/dev/null
	SMTP_PID=
}

smtp_count () { ls "$SMTP_DIR" | grep -c '\.json$'; }

figure () { echo "# $1: $2"; }

stress () { if [ "${MAILTICKET_STRESS-}" = full ]; then echo "$2"; else echo "$1"; fi; }

limit_factor=
limit () {
	if [ -z "$limit_factor" ]; then
		limit_factor=${MAILTICKET_TIME_FACTOR:-1}
		if sanitized; then
			limit_factor=$(python3 -c 'import sys; print(float(sys.argv[1]) * 5)' "$limit_factor")
		fi
	fi
	python3 -c 'import sys; print("%g" % (float(sys.argv[1]) * float(sys.argv[2])))' "$1" "$limit_factor"
}

on_tty () {
	code=$(python3 - "$out" "$@" <<'TTY'
import fcntl, os, pty, struct, sys, termios
out, columns, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
open(out, "wb").write(data)
print(os.waitstatus_to_exitcode(status))
TTY
)
}

memory_limit () {
	if sanitized; then echo $(($1 * 3)); else echo "$1"; fi
}

measured () { measure_run no "$@"; }
contended () { measure_run yes "$@"; }

# measure_run PROBE SECONDS CMD...: measured, and with PROBE yes, contended.
# The peak memory is GNU time's for CMD: a child of python would count
# python's own as its peak (Linux keeps the largest across exec).
measure_run () {
	measure_probe=$1 measure_limit=$2
	shift 2
	measure_set=$(python3 -c '
import os, signal, subprocess, sys, time
probe, limit = sys.argv[1] == "yes", float(sys.argv[2])
out, err, rss_file, deliver, db = sys.argv[3:8]
cmd = sys.argv[8:]
gnu_time = os.access("/usr/bin/time", os.X_OK)
if gnu_time:
    cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd
lock, probes, fails = 0.0, 0, 0

def poke():
    global lock, probes, fails
    probes += 1
    mail = ("From: probe@example.net\nTo: support@example.org\nSubject: probe %d\n"
            "Message-ID: <probe-%d-%d@example.net>\n\nAre you there?\n" % (probes, os.getpid(), probes))
    began = time.monotonic()
    done = subprocess.run([deliver, "--db", db, "-f", "probe@example.net", "-r", "support@example.org"],
                          input=mail.encode(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = max(lock, time.monotonic() - began)
    fails += done.returncode != 0
    time.sleep(0.02)

start = time.monotonic()
with open(out, "wb") as o, open(err, "wb") as e:
    p = subprocess.Popen(cmd, stdout=o, stderr=e, start_new_session=True)
    killed = False
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - start > limit and not killed:
            os.killpg(p.pid, signal.SIGKILL)
            killed = True
        poke() if probe else time.sleep(0.002)
secs = time.monotonic() - start
code = 124 if killed else (os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
rss = usage.ru_maxrss
if gnu_time and not killed:
    rss = int(open(rss_file).read().split()[-1])
print("code=%d secs=%.3f cpu=%.3f rss=%d lock=%.3f probes=%d probe_fails=%d"
      % (code, secs, usage.ru_utime + usage.ru_stime, rss, lock, probes, fails))
' "$measure_probe" "$measure_limit" "$out" "$err" "$tmp/rss" "$BIN/mailticket-deliver" "$DB" "$@")
	eval "$measure_set"
}

if ! [ -x "$BIN/mailticket-deliver" ] || ! [ -x "$BIN/mailticket" ]; then
	echo "Bail out! bin/mailticket-deliver or bin/mailticket not built (run make)"
	test_plan=0 test_failed=1; exit 1
fi
if ! mt init >"$tmp/init.out" 2>&1; then
	echo "Bail out! mailticket init failed: $(head -n 1 "$tmp/init.out")"
	test_plan=0 test_failed=1; exit 1
fi
