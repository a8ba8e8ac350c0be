# mailticket: build, install, test.
#
#   make            build bin/mailticket-deliver, bin/mailticket-send and bin/mailticket
#   make demo       install missing packages, build, deliver contrib/samples into ./demo.db
#   make check      install missing packages, build, run every test under prove
#   make check SANITIZE=1   the same, built with -fsanitize=address,undefined
#   make coverage   every test on a --coverage build of its own, then each file's line coverage
#   make stress     the reliability tests in full (MAILTICKET_STRESS=full), with their figures
#   make fuzz       the libFuzzer harness over parsing and threading, FUZZ_SECONDS (60) long
#   make valgrind   the unit tests and a set of integration tests under valgrind's memcheck
#   make install PREFIX=/usr/local DESTDIR=
#   make format     apply .clang-format to every C file (t-format.sh checks it)
#   make bench      install missing packages, build, measure against procmail and notmuch
#   make bench QUICK=1      the same table on smaller numbers, in under a minute (bench/README.md)
#
# The targets that run something (demo, check, bench, stress, fuzz,
# valgrind, coverage) first install what a fresh Debian 12 lacks (deps),
# so that one command does the whole set-up.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

# A comma, for the arguments of make's functions, where a literal one
# would separate the arguments.
comma := ,

CC      ?= cc
PKGS    := gmime-3.0 gio-2.0 glib-2.0 sqlite3 uuid
DEB_PKGS := build-essential pkg-config clang-format libgmime-3.0-dev libglib2.0-dev \
            libsqlite3-dev libesmtp-dev libssl-dev uuid-dev sqlite3 perl python3-aiosmtpd mandoc openssl time \
            libgpgme-dev libassuan-dev libgpg-error-dev libidn2-dev libunistring-dev libffi-dev zlib1g-dev

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -Iinclude -Isrc/lib -D_GNU_SOURCE
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libesmtp only for what sends: the filter's start-up must not load it.
ESMTP_CFLAGS = $(shell pkg-config --cflags libesmtp-1.0 openssl 2>/dev/null)
ESMTP_LIBS   = $(shell pkg-config --libs libesmtp-1.0 openssl 2>/dev/null)
ALL_CFLAGS = $(CPPFLAGS) $(PKG_CFLAGS) $(ESMTP_CFLAGS) $(WARN) $(CFLAGS)

# Link modes.
#
# The programs take GMime, GLib, SQLite and what they need from Debian's
# static archives. mailticket-deliver runs once per message, and with
# twenty shared libraries it spent a sixth of its instructions in the
# dynamic loader, binding symbols, before reading a byte (make bench).
# In the CLI, libc and what GIO needs (libmount, of which Debian ships no
# archive, with libselinux and pcre2) stay shared. mailticket-deliver
# and mailticket-send link without GIO (src/lib/gmime-no-gio.c says how)
# and need no shared library but libc and libm, and the send's libesmtp
# and OpenSSL. Static means: rebuild after a security update of GMime,
# GLib or SQLite; STATIC=0 links them all shared.
STATIC ?= 1
STATIC_LIBS := -lgmime-3.0 -lgio-2.0 -lgobject-2.0 -lgmodule-2.0 -lglib-2.0 -lsqlite3 -luuid \
               -lgpgme -lassuan -lgpg-error -lidn2 -lunistring -lffi -lz
SHARED_LIBS := -lmount -lselinux -lpcre2-8 -lm -ldl -pthread
NO_GIO_LIBS := $(filter-out -lgio-2.0 -lgmodule-2.0,$(STATIC_LIBS)) -lpcre2-8
ifeq ($(STATIC),1)
LINK_LIBS = -Wl,--as-needed -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic $(SHARED_LIBS)
FILTER_OBJ = src/lib/gmime-no-gio.o
FILTER_LIBS = -Wl,--as-needed -Wl,-Bstatic $(NO_GIO_LIBS) -Wl,-Bdynamic -lm -ldl -pthread
else
LINK_LIBS = $(PKG_LIBS)
FILTER_OBJ =
FILTER_LIBS = $(PKG_LIBS)
endif

# mailticket-deliver itself, the front, starts once per message only to
# hand it to the server: linked wholly static, libc included, it maps no
# shared library and binds no symbol before its first read (make bench:
# two fifths less CPU a process, less than cat(1) takes). It needs no
# shared library at run time either: it looks up no user, sets no
# locale, and converts its arguments from ASCII, which glibc has built
# in. ld warns of getpwuid and getpwnam_r, which GLib's gutils.o holds
# and the front never calls. Only with STATIC=1, and not with SANITIZE,
# whose runtime needs the shared libc; not for memcheck either, which
# cannot follow malloc in a static program: make valgrind links it with
# FRONT_STATIC=0.
ifeq ($(STATIC),1)
ifneq ($(SANITIZE),1)
FRONT_STATIC ?= 1
endif
endif
FRONT_STATIC ?= 0
ifeq ($(FRONT_STATIC),1)
FRONT_LIBS = -static $(filter-out -Wl$(comma)-Bdynamic,$(FILTER_LIBS))
else
FRONT_LIBS = $(FILTER_LIBS)
endif

# What is built from what.

LIB_SRC := $(filter-out src/lib/sql-schema.c src/lib/gmime-no-gio.c,$(wildcard src/lib/*.c))
LIB_OBJ := $(LIB_SRC:.c=.o) src/lib/sql-schema.o
LIB     := src/lib/libmailticket.a
CLI_SRC := $(wildcard src/cli/*.c)
CLI_OBJ := $(CLI_SRC:.c=.o)
# mailticket-deliver is front.c and what it shares with the rest; the
# rest is mailticket-deliver-local (src/deliver/filter.h says why).
FRONT_OBJ := src/deliver/front.o src/deliver/options.o src/deliver/fail.o
DELIVER_SRC := $(filter-out src/deliver/front.c,$(wildcard src/deliver/*.c))
DELIVER_OBJ := $(DELIVER_SRC:.c=.o)
SEND_SRC := $(wildcard src/send/*.c)
SEND_OBJ := $(SEND_SRC:.c=.o)
UNIT_SRC := $(wildcard tests/unit/test-*.c)
UNIT_OBJ := $(UNIT_SRC:.c=.o)
UNIT_BIN := $(UNIT_SRC:.c=)
SQL     := $(sort $(wildcard sql/[0-9]*.sql))
ALL_OBJ := $(LIB_OBJ) src/lib/gmime-no-gio.o $(CLI_OBJ) $(FRONT_OBJ) $(DELIVER_OBJ) $(SEND_OBJ) $(UNIT_OBJ)

BINS := bin/mailticket-deliver bin/mailticket-deliver-local bin/mailticket bin/mailticket-send

.PHONY: all deps demo check coverage install clean tests bench stress fuzz valgrind format
all: $(BINS)

# Installs the Debian packages the build and the tests need, when one is
# missing and we are root; otherwise says what to install.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then \
	        echo "deps: installing $$missing"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    else \
	        echo "deps: missing packages: $$missing (run 'make deps' as root)" >&2; exit 1; \
	    fi; \
	fi

src/lib/sql-schema.c: $(SQL) sql/embed.sh
	sh sql/embed.sh $(SQL) > $@.tmp && mv $@.tmp $@

# The compiler writes each object's header dependencies to a .d file
# beside it (-MMD; -MP so that a header removed is no error), read back
# below. The Makefile is a dependency too: its flags make the object,
# and the objects of a tree built before the .d files existed are
# rebuilt once that way.
%.o: %.c
	$(CC) -MMD -MP $(ALL_CFLAGS) -c -o $@ $<
$(ALL_OBJ): Makefile
-include $(ALL_OBJ:.o=.d)

$(LIB): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# Without gmime-no-gio.o, which would link GMime, and GObject with it.
bin/mailticket-deliver: $(FRONT_OBJ) $(LIB)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(FRONT_LIBS)

bin/mailticket-deliver-local: $(DELIVER_OBJ) $(FILTER_OBJ) $(LIB)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(FILTER_LIBS)

bin/mailticket: $(CLI_OBJ) $(LIB)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

bin/mailticket-send: $(SEND_OBJ) $(FILTER_OBJ) $(LIB)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(FILTER_LIBS) $(ESMTP_LIBS)

tests/unit/test-%: tests/unit/test-%.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LINK_LIBS)

tests/unit/test-sender: tests/unit/test-sender.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LINK_LIBS) $(ESMTP_LIBS)

tests: $(BINS) $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory all
	sh contrib/samples/demo.sh

check: deps
	@$(MAKE) --no-print-directory tests
	prove -e '' $(UNIT_BIN) tests/integration/t-*.sh

# Coverage is measured on a copy of the tree in tests/tmp/coverage, built
# with --coverage and without optimisation (so that lines are lines): the
# build here stays as it is. tests/coverage.sh runs the tests there as
# make check does (COVERAGE_TESTS names fewer) and prints each file's
# line coverage after them; the corpus is the one beside this tree.
COVERAGE_DIR := tests/tmp/coverage
COVERAGE_TESTS = $(UNIT_BIN) tests/integration/t-*.sh
coverage: deps
	rm -rf $(COVERAGE_DIR) && mkdir -p $(COVERAGE_DIR)
	tar -cf - --exclude=./tests/tmp --exclude=./.git . | tar -xf - -C $(COVERAGE_DIR)
	@$(MAKE) --no-print-directory -C $(COVERAGE_DIR) clean
	@$(MAKE) --no-print-directory -C $(COVERAGE_DIR) tests CFLAGS='-O0 -g --coverage' LDFLAGS=--coverage
	cd $(COVERAGE_DIR) && MAILTICKET_CORPUS=$${MAILTICKET_CORPUS:-$(CURDIR)/../shared/corpus} \
	    sh tests/coverage.sh $(COVERAGE_TESTS)

# The bench installs what it compares with (procmail, notmuch, Postfix's
# smtp-sink ...) itself: bench/bench.py.
bench: deps
	@$(MAKE) --no-print-directory all bench/spawn
	python3 bench/bench.py $(if $(QUICK),--quick)

bench/spawn: bench/spawn.c
	$(CC) $(WARN) $(CFLAGS) -o $@ $<

# The reliability tests run short in make check; here in full, verbose,
# so that their figures (messages in, stored, lost, kills ...) show.
STRESS_TESTS := $(sort $(wildcard tests/integration/t-reliability-*.sh))
stress: deps
	@$(MAKE) --no-print-directory tests
	MAILTICKET_STRESS=full prove -v -e '' $(STRESS_TESTS)

# libFuzzer needs clang and its runtime; the harness is built from the
# modules it drives, not from the library built with cc, in one command:
# so it depends on every header rather than on .d files.
FUZZ_SECONDS ?= 60
FUZZ_CC := clang
FUZZ_DEB_PKGS := clang libclang-rt-14-dev
FUZZ_SRC := tests/fuzz/fuzz-mail.c src/lib/message.c src/lib/message-scan.c src/lib/message-text.c \
            src/lib/message-view.c src/lib/bounce.c src/lib/html.c src/lib/thread.c src/lib/token.c src/lib/error.c
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

tests/fuzz/fuzz-mail: $(FUZZ_SRC) $(wildcard include/mailticket/*.h) src/lib/message-private.h
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(FUZZ_FLAGS) -o $@ $(FUZZ_SRC) $(PKG_LIBS)

fuzz:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(FUZZ_DEB_PKGS)"
	@$(MAKE) --no-print-directory tests/fuzz/fuzz-mail
	sh tests/fuzz/run.sh tests/fuzz/fuzz-mail $(FUZZ_SECONDS)

# Integration tests that start every program (deliver, the CLI, send
# over SMTP) on ordinary mail, failures and exit codes; broken mail and
# the corpus go through the parser in the unit tests (test-fuzz). All
# of the integration tests would take an hour: a second per process.
VALGRIND_TESTS := tests/integration/t-deliver-basic.sh tests/integration/t-exit-codes.sh \
                  tests/integration/t-outbound.sh tests/integration/t-show.sh \
                  tests/integration/t-deliver-server.sh
valgrind:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) valgrind"
	@$(MAKE) --no-print-directory tests
	rm -f bin/mailticket-deliver && $(MAKE) --no-print-directory bin/mailticket-deliver FRONT_STATIC=0
	sh tests/valgrind.sh $(UNIT_BIN) -- $(VALGRIND_TESTS); rc=$$?; \
	rm -f bin/mailticket-deliver && $(MAKE) --no-print-directory bin/mailticket-deliver && exit $$rc

FORMAT_SRC = $(filter-out src/lib/sql-schema.c,$(shell find src include tests bench -path tests/tmp -prune -o -name '*.[ch]' -print))
format:
	clang-format -i $(FORMAT_SRC)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(BINS) $(DESTDIR)$(BINDIR)/
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(COMPLETIONDIR)
	install -m 0644 contrib/bash-completion/mailticket $(DESTDIR)$(COMPLETIONDIR)/

clean:
	rm -rf bin src/*/*.o src/*/*.d tests/unit/*.o tests/unit/*.d $(UNIT_BIN) $(LIB) src/lib/sql-schema.c \
	    demo.db demo.db-* tests/tmp bench/spawn tests/fuzz/fuzz-mail
