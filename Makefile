# p2p toolkit: plain make, pkg-config for every library (libcsv ships no .pc).
# Targets: all check demo bench install clean fuzz deps
VERSION    = 0.1.0
PREFIX    ?= /usr/local
BINDIR     = $(PREFIX)/bin
BUILD     ?= build
CC        ?= cc
CFLAGS    ?= -O2 -g
PKGS       = glib-2.0 sqlite3 gsl cairo pango pangocairo libsodium libcrypto icu-uc icu-i18n
STD        = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
WARN       = -Wall -Wextra -Wno-unused-parameter
# SAN=1 builds the same tree with AddressSanitizer and UBSan (make check does).
ifeq ($(SAN),1)
SANFLAGS   = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lcsv -lm
ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(SANFLAGS) -Ilib -I$(BUILD)/gen \
             -DP2P_VERSION='"$(VERSION)"' $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

LIB_SRC    = $(wildcard lib/*.c)
LIB_OBJ    = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schema_sql.o
LIBP2P     = $(BUILD)/libp2p.a
PROGRAMS   = $(BUILD)/p2p-ingest $(BUILD)/p2p-analyse $(BUILD)/p2p-report
TOOLS      = $(BUILD)/p2p-gen-sample
UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SCHEMAS    = $(sort $(wildcard schemas/[0-9][0-9][0-9]-*.sql))

.PHONY: all programs tests check demo bench install uninstall clean fuzz deps
all: programs $(TOOLS)

programs: $(PROGRAMS)
tests: programs $(TOOLS) $(UNIT_BIN)

# Each program: its own directory's objects plus the internal library.
define program_rule
$(BUILD)/$(1): $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard $(2)/*.c)) $(LIBP2P)
	$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(PKG_LIBS)
endef
$(eval $(call program_rule,p2p-ingest,ingest))
$(eval $(call program_rule,p2p-analyse,analysis))
$(eval $(call program_rule,p2p-report,report))
$(eval $(call program_rule,p2p-gen-sample,sample-data))

$(LIBP2P): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The schema scripts are compiled in, so a binary never depends on the tree.
$(BUILD)/gen/schema_sql.c: $(SCHEMAS) tools/embed-sql.sh
	@mkdir -p $(dir $@)
	sh tools/embed-sql.sh $(SCHEMAS) > $@
$(BUILD)/gen/schema_sql.o: $(BUILD)/gen/schema_sql.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBP2P)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(LIBP2P) $(PKG_LIBS)

# Ingest one file under libFuzzer (clang only); seeded from tests/bad.
FUZZ_BIN = build/fuzz/fuzz-ingest
$(FUZZ_BIN): tests/fuzz/fuzz_ingest.c $(LIB_SRC) $(SCHEMAS)
	$(MAKE) BUILD=build/fuzz CC=clang SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer' build/fuzz/libp2p.a
	clang $(STD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -Ilib $(PKG_CFLAGS) -o $@ \
	  tests/fuzz/fuzz_ingest.c build/fuzz/libp2p.a $(PKG_LIBS)
FUZZ_SECONDS ?= 60
# Then the CSV differential test against Python's csv module, longer than
# in make check and with a new seed each time (the test prints it).
CSV_DIFF_COUNT ?= 50000
fuzz: deps
	$(MAKE) $(FUZZ_BIN)
	sh tests/fuzz/run-fuzz.sh $(FUZZ_BIN) $(FUZZ_SECONDS)
	$(MAKE) programs
	COUNT=$(CSV_DIFF_COUNT) SEED=$$(date +%s) P2P_BIN=$(abspath $(BUILD)) \
	  sh tests/e2e/t1012-csv-differential.sh

deps:
	@sh tools/deps.sh

check: deps
	$(MAKE) tests
	$(MAKE) BUILD=build/asan SAN=1 CFLAGS='-O1 -g' tests
	-$(MAKE) $(FUZZ_BIN)
	sh tests/run.sh

demo: deps
	$(MAKE) all
	sh tools/demo.sh $(BUILD)

bench: deps
	$(MAKE) all
	sh tools/bench.sh $(BUILD)

install: programs
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(PROGRAMS) $(DESTDIR)$(BINDIR)

uninstall:
	rm -f $(PROGRAMS:$(BUILD)/%=$(DESTDIR)$(BINDIR)/%)

clean:
	rm -rf build out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
