#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# valgrind.sh UNIT... -- INTEGRATION...: runs the unit test programs,
# and the integration tests with every mailticket program they start,
# under valgrind's memcheck. Fails on any memory error or definite leak
# (possible leaks are GLib's and GMime's caches and type system). Each
# process writes its report to tests/tmp/valgrind/log/PID.log; the
# figures are printed at the end. Timing limits of the tests are
# stretched by MAILTICKET_TIME_FACTOR.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
vg=$top/tests/tmp/valgrind
rm -rf "$vg"
mkdir -p "$vg/bin" "$vg/log"
# Tests run programs as other users too (nobody, the MTA's user).
chmod 1777 "$vg/log"
if ldd "$top/bin/mailticket-deliver-local" | grep -q libasan; then
	echo "valgrind: the programs are built with AddressSanitizer; run make clean first" >&2
	exit 1
fi
command -v valgrind >/dev/null || { echo "valgrind: not installed (make deps as root)" >&2; exit 1; }

# One wrapper runs any program under memcheck; the programs' directory
# for the integration tests holds one per program. mailticket-deliver
# runs mailticket-deliver-local in its place (--trace-children): one
# process, so both write to one log, opened here for appending.
cat >"$vg/run" <<END
#!/bin/sh
exec 3>>"$vg/log/\$\$-\$(date +%s%N).log"
G_SLICE=always-malloc G_DEBUG=gc-friendly exec valgrind --tool=memcheck --leak-check=full \\
	--errors-for-leak-kinds=definite --show-leak-kinds=definite --error-exitcode=99 \\
	--suppressions="$top/tests/valgrind.supp" --trace-children=yes --log-fd=3 "\$@"
END
chmod 0755 "$vg/run"
for p in mailticket mailticket-deliver mailticket-deliver-local mailticket-send; do
	printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$vg/run" "$top/bin/$p" >"$vg/bin/$p"
	chmod 0755 "$vg/bin/$p"
done

units= integration=
while [ $# -gt 0 ] && [ "$1" != -- ]; do units="$units $1"; shift; done
[ $# -gt 0 ] && shift
integration=$*

MAILTICKET_TIME_FACTOR=${MAILTICKET_TIME_FACTOR:-25}
export MAILTICKET_TIME_FACTOR
rc=0
prove -j2 -e "$vg/run" $units || rc=1
MAILTICKET_BIN=$vg/bin prove -j2 -e '' $integration || rc=1

# A log without a summary is a process that was killed (by a test, on
# purpose) before valgrind could write it.
logs=$(grep -l 'ERROR SUMMARY:' "$vg"/log/*.log 2>/dev/null)
bad=$(grep -L 'ERROR SUMMARY: 0 errors' $logs /dev/null 2>/dev/null | grep -v '^/dev/null$')
echo "# valgrind: processes checked: $(echo "$logs" | grep -c .)"
echo "# valgrind: processes killed before their summary: $(($(ls "$vg/log" | wc -l) - $(echo "$logs" | grep -c .)))"
echo "# valgrind: processes with memory errors or definite leaks: $(echo "$bad" | grep -c .)"
for f in $bad; do
	echo "--- $f"
	head -n 60 "$f"
done
[ -z "$bad" ] || rc=1
exit $rc
