# SPDX-License-Identifier: GPL-3.0-or-later
# mailticket: build, install, test.
#
#   make            build bin/mailticket-deliver, bin/mailticket-send and bin/mailticket
#   make demo       install missing packages, build, deliver contrib/samples into ./demo.db
#   make check      install missing packages, build, run every test under prove (as root
#                   also tests/package/t-deb.sh: builds, installs and purges the .deb)
#   make check SANITIZE=1   the same, built with -fsanitize=address,undefined
#   make coverage   every test on a --coverage build of its own, then each file's line coverage
#   make stress     the reliability tests in full (MAILTICKET_STRESS=full), with their figures
#   make fuzz       the libFuzzer harnesses over parsing, threading and bounces, FUZZ_SECONDS (60) in all
#   make valgrind   the unit tests and a set of integration tests under valgrind's memcheck
#   make install PREFIX=/usr/local DESTDIR=   (bin, sbin, lib/mailticket: below)
#   make dist       mailticket-VERSION.tar.gz of the files git knows, which builds with make
#   make format     apply .clang-format to every C file (t-format.sh checks it)
#   make bench      install missing packages, build, measure against procmail and notmuch
#   make bench QUICK=1      the same table on smaller numbers, in under a minute (bench/README.md)
#
# The targets that run something (demo, check, bench, stress, fuzz,
# valgrind, coverage) first install what a fresh Debian 12 lacks (deps),
# so that one command does the whole set-up.

# Programs go where their manual's section says: mailticket(1) in BINDIR,
# mailticket-deliver(8) and mailticket-send(8) in SBINDIR, and the
# helper mailticket-deliver-local, which only mailticket-deliver runs,
# in LIBEXECDIR. mailticket-deliver is built knowing LIBEXECDIR
# (src/deliver/front.c; in the build tree it finds the helper beside it).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/lib/mailticket
MANDIR  ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

# A comma, for the arguments of make's functions, where a literal one
# would separate the arguments.
comma := ,

CC      ?= cc
PKGS    := gmime-3.0 gio-2.0 glib-2.0 sqlite3 uuid libxml-2.0
DEB_PKGS := build-essential pkg-config clang-format libgmime-3.0-dev libglib2.0-dev \
            libsqlite3-dev libxml2-dev libesmtp-dev libssl-dev uuid-dev sqlite3 perl python3-aiosmtpd mandoc openssl time \
            libgpgme-dev libassuan-dev libgpg-error-dev libidn2-dev libunistring-dev libffi-dev zlib1g-dev \
            libxlsxwriter-dev python3-openpyxl libical-dev

# The version, in one place: the file VERSION (NEWS.md says what changed).
VERSION := $(shell cat VERSION)

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
CPPFLAGS += -Iinclude -Isrc/lib -D_GNU_SOURCE -DMT_VERSION='"$(VERSION)"'
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libesmtp only for what sends: the filter's start-up must not load it.
ESMTP_CFLAGS = $(shell pkg-config --cflags libesmtp-1.0 openssl 2>/dev/null)
ESMTP_LIBS   = $(shell pkg-config --libs libesmtp-1.0 openssl 2>/dev/null)
# libxlsxwriter only for the CLI (time report --xlsx).
XLSX_LIBS    = $(shell pkg-config --libs xlsxwriter 2>/dev/null)
# libical only for the CLI (queue set --holidays reads iCalendar files).
ICAL_LIBS    = $(shell pkg-config --libs libical 2>/dev/null)
ALL_CFLAGS = $(CPPFLAGS) $(PKG_CFLAGS) $(ESMTP_CFLAGS) $(WARN) $(CFLAGS)

# Link modes.
#
# By default the programs link GMime, GLib, SQLite and the rest as
# Debian's shared libraries, so that a security update of any of them
# reaches mailticket when the package is upgraded, without a rebuild.
# --as-needed keeps mailticket-deliver, the front the MTA starts once per
# message, to GLib and libc: it maps neither GMime nor SQLite.
#
# make STATIC=1 takes them from Debian's static archives instead, for a
# faster start (bench/README.md): mailticket-deliver-local and
# mailticket-send without GIO (src/lib/gmime-no-gio.c says how), the CLI
# with libmount, libselinux and pcre2 shared (GIO needs them; Debian
# ships no archive of libmount), and the front wholly static, libc
# included, unless with SANITIZE, whose runtime needs the shared libc.
# ld then warns of getpwuid and getpwnam_r, which GLib's gutils.o holds
# and the front never calls, and of getgrgid, which error.c calls only
# to name the group of a config file the front may not read. The price: rebuild and reinstall after
# every security update of GMime, GLib, SQLite or libc.
#
# The mode is remembered in bin/link-mode (0 or 1), read here, so that a later
# make or make install without STATIC links as the build did; a change
# of mode relinks every program. make clean forgets it.
# remember FILE,TEXT: FILE holds TEXT, rewritten (and so newer than what
# was made from it) only when TEXT changed; not by make -n.
remember = $(if $(findstring n,$(firstword -$(MAKEFLAGS))),,$(shell mkdir -p bin && \
	{ echo '$(2)' | cmp -s - $(1) || echo '$(2)' >$(1); }))
# (Read with cat, not include: make would look for a rule to make it.)
LINK_MODE := bin/link-mode
STATIC ?= $(or $(shell cat $(LINK_MODE) 2>/dev/null),0)
$(call remember,$(LINK_MODE),$(STATIC))
ifeq ($(STATIC),1)
STATIC_LIBS := -lgmime-3.0 -lgio-2.0 -lgobject-2.0 -lgmodule-2.0 -lglib-2.0 -lsqlite3 -luuid \
               -lgpgme -lassuan -lgpg-error -lidn2 -lunistring -lffi -lz
NO_GIO_LIBS := $(filter-out -lgio-2.0 -lgmodule-2.0,$(STATIC_LIBS)) -lpcre2-8
LINK_LIBS = -Wl,--as-needed -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -lxml2 -lmount -lselinux -lpcre2-8 -lm -ldl -pthread
FILTER_OBJ = src/lib/gmime-no-gio.o
FILTER_LIBS = -Wl,--as-needed -Wl,-Bstatic $(NO_GIO_LIBS) -Wl,-Bdynamic -lxml2 -lm -ldl -pthread
FRONT_LIBS = $(if $(filter 1,$(SANITIZE)),$(FILTER_LIBS),-static $(filter-out -Wl$(comma)-Bdynamic -lxml2,$(FILTER_LIBS)))
else
LINK_LIBS = -Wl,--as-needed $(PKG_LIBS)
FILTER_OBJ =
FILTER_LIBS = $(LINK_LIBS)
FRONT_LIBS = $(LINK_LIBS)
endif

# What is built from what.

LIB_SRC := $(filter-out src/lib/sql-schema.c src/lib/gmime-no-gio.c,$(wildcard src/lib/*.c))
LIB_OBJ := $(LIB_SRC:.c=.o) src/lib/sql-schema.o templates/shipped.o
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
# The shipped texts of the mail (mailticket-templates(5)), compiled in.
TEMPLATES := $(sort $(filter-out templates/embed.sh templates/shipped.%,$(wildcard templates/*.* templates/answers/*.*)))
TEMPLATEDIR ?= $(PREFIX)/share/mailticket/templates
ALL_OBJ := $(LIB_OBJ) src/lib/gmime-no-gio.o $(CLI_OBJ) $(FRONT_OBJ) $(DELIVER_OBJ) $(SEND_OBJ) $(UNIT_OBJ)

BINS := bin/mailticket-deliver bin/mailticket-deliver-local bin/mailticket bin/mailticket-send

.PHONY: all deps demo check coverage install clean tests bench stress fuzz valgrind format dist
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

templates/shipped.c: $(TEMPLATES) templates/embed.sh
	sh templates/embed.sh $(TEMPLATES) > $@.tmp && mv $@.tmp $@

# The compiler writes each object's header dependencies to a .d file
# beside it (-MMD; -MP so that a header removed is no error), read back
# below. The Makefile is a dependency too: its flags make the object,
# and the objects of a tree built before the .d files existed are
# rebuilt once that way.
%.o: %.c
	$(CC) -MMD -MP $(ALL_CFLAGS) -c -o $@ $<
$(ALL_OBJ): Makefile VERSION
# The front is compiled again when LIBEXECDIR changes (make install PREFIX=...).
$(call remember,bin/libexecdir,$(LIBEXECDIR))
src/deliver/front.o: bin/libexecdir
src/deliver/front.o: CPPFLAGS += -DMT_LIBEXECDIR='"$(LIBEXECDIR)"'
-include $(ALL_OBJ:.o=.d)

$(LIB): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# Without gmime-no-gio.o, which would link GMime, and GObject with it.
bin/mailticket-deliver: $(FRONT_OBJ) $(LIB) $(LINK_MODE)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(FRONT_LIBS)

bin/mailticket-deliver-local: $(DELIVER_OBJ) $(FILTER_OBJ) $(LIB) $(LINK_MODE)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(FILTER_LIBS)

bin/mailticket: $(CLI_OBJ) $(LIB) $(LINK_MODE)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(LINK_LIBS) $(XLSX_LIBS) $(ICAL_LIBS)

bin/mailticket-send: $(SEND_OBJ) $(FILTER_OBJ) $(LIB) $(LINK_MODE)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(FILTER_LIBS) $(ESMTP_LIBS)

tests/unit/test-%: tests/unit/test-%.o $(LIB) $(LINK_MODE)
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(LINK_LIBS)

tests/unit/test-sender: tests/unit/test-sender.o $(LIB) $(LINK_MODE)
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(LINK_LIBS) $(ESMTP_LIBS)

tests/unit/test-calendar: tests/unit/test-calendar.o $(LIB) $(LINK_MODE)
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_MODE),$^) $(LINK_LIBS) $(ICAL_LIBS)

tests: $(BINS) $(UNIT_BIN)

demo: deps
	@$(MAKE) --no-print-directory all
	sh contrib/samples/demo.sh

check: deps
	@$(MAKE) --no-print-directory tests
	prove -e '' $(UNIT_BIN) tests/integration/t-*.sh tests/package/t-deb.sh

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

# libFuzzer needs clang and its runtime; each harness is built from the
# modules it drives, not from the library built with cc, in one command:
# so it depends on every header rather than on .d files. Three harnesses:
# fuzz-mail (parsing, threading, tokens, HTML), fuzz-bounce (delivery
# status notifications) and fuzz-lmtp (the delivery server's LMTP
# commands and DATA). FUZZ_SECONDS is the whole run: each harness gets
# a third of it (at least a second), one after the other.
FUZZ_SECONDS ?= 60
FUZZ_CC := clang
FUZZ_DEB_PKGS := clang libclang-rt-14-dev
FUZZ_TARGETS := tests/fuzz/fuzz-mail tests/fuzz/fuzz-bounce tests/fuzz/fuzz-lmtp
FUZZ_LIB_SRC := src/lib/message.c src/lib/message-body.c src/lib/message-charset.c src/lib/message-header.c \
                src/lib/message-scan.c src/lib/message-text.c src/lib/message-uu.c src/lib/message-view.c \
                src/lib/bounce.c src/lib/html.c src/lib/thread.c src/lib/token.c src/lib/error.c
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

tests/fuzz/fuzz-mail tests/fuzz/fuzz-bounce: tests/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB_SRC) $(wildcard include/mailticket/*.h) src/lib/message-private.h
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB_SRC) $(PKG_LIBS)

tests/fuzz/fuzz-lmtp: tests/fuzz/fuzz-lmtp.c src/lib/lmtp.c include/mailticket/lmtp.h
	$(FUZZ_CC) $(CPPFLAGS) $(PKG_CFLAGS) $(WARN) $(FUZZ_FLAGS) -o $@ $< src/lib/lmtp.c $(PKG_LIBS)

# The seeds: fuzz-mail's are the corpus beside the tree (run.sh's
# default), fuzz-bounce's the reports written for it, fuzz-lmtp's the
# sessions written for it.
fuzz:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(FUZZ_DEB_PKGS)"
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@share=$$(( ($(FUZZ_SECONDS) + 2) / 3 )); rc=0; \
	sh tests/fuzz/run.sh tests/fuzz/fuzz-mail $$share || rc=1; \
	sh tests/fuzz/run.sh tests/fuzz/fuzz-bounce $$share tests/fuzz/bounces tests/fuzz/regressions || rc=1; \
	sh tests/fuzz/run.sh tests/fuzz/fuzz-lmtp $$share tests/fuzz/lmtp || rc=1; \
	exit $$rc

# Integration tests that start every program (deliver, the CLI, send
# over SMTP) on ordinary mail, failures and exit codes; broken mail and
# the corpus go through the parser in the unit tests (test-fuzz). All
# of the integration tests would take an hour: a second per process.
VALGRIND_TESTS := tests/integration/t-deliver-basic.sh tests/integration/t-exit-codes.sh \
                  tests/integration/t-outbound.sh tests/integration/t-show.sh \
                  tests/integration/t-deliver-server.sh
valgrind:
	@if [ "$(STATIC)" = 1 ]; then echo "make valgrind: memcheck cannot follow malloc in the static front; build with STATIC=0 first" >&2; exit 1; fi
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) valgrind"
	@$(MAKE) --no-print-directory tests
	sh tests/valgrind.sh $(UNIT_BIN) -- $(VALGRIND_TESTS)

FORMAT_SRC = $(filter-out src/lib/sql-schema.c,$(shell find src include tests bench -path tests/tmp -prune -o -name '*.[ch]' -print))
format:
	clang-format -i $(FORMAT_SRC)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(LIBEXECDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 bin/mailticket $(DESTDIR)$(BINDIR)/
	install -m 0755 bin/mailticket-deliver bin/mailticket-send $(DESTDIR)$(SBINDIR)/
	install -m 0755 bin/mailticket-deliver-local $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(COMPLETIONDIR)
	install -m 0644 contrib/bash-completion/mailticket $(DESTDIR)$(COMPLETIONDIR)/
	install -d $(DESTDIR)$(TEMPLATEDIR)/answers
	install -m 0644 $(filter-out templates/answers/%,$(TEMPLATES)) $(DESTDIR)$(TEMPLATEDIR)/
	install -m 0644 $(filter templates/answers/%,$(TEMPLATES)) $(DESTDIR)$(TEMPLATEDIR)/answers/

# The source tarball, in DIST_DIR: the files git tracks, as they are in the tree.
DIST := mailticket-$(VERSION)
DIST_DIR ?= .
dist:
	git ls-files | tar -cf - -T - --transform 's,^,$(DIST)/,' | gzip -9n > $(DIST_DIR)/$(DIST).tar.gz
	@echo $(DIST_DIR)/$(DIST).tar.gz

clean:
	rm -rf bin src/*/*.o src/*/*.d templates/*.o templates/*.d tests/unit/*.o tests/unit/*.d $(UNIT_BIN) $(LIB) \
	    src/lib/sql-schema.c templates/shipped.c demo.db demo.db-* tests/tmp bench/spawn $(FUZZ_TARGETS)
