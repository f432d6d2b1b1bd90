# utap: one non-recursive Makefile. `make help` lists the targets.

CC       ?= cc
BUILD    := build
PKGS     := libelf libdw capstone libunwind-generic libunwind-ptrace
# Build dependencies, then what the tests use (jq reads --json output,
# setpriv/unshare come with util-linux, libc6-dev has the static libc,
# systemtap-sdt-dev the <sys/sdt.h> of the USDT target, jemalloc and
# tcmalloc the allocators utap leaks is tested with besides glibc's).
DEB_PKGS := libelf-dev libdw-dev libcapstone-dev libunwind-dev binutils-dev pkg-config \
	    systemtap-sdt-dev libjemalloc2 libtcmalloc-minimal4 \
	    jq util-linux libc6-dev
WARN     := -Wall -Wextra -Wshadow -Wno-unused-parameter -Wno-missing-field-initializers
CFLAGS   ?= -O2 -g
ifdef DEBUG
CFLAGS   := -O0 -g3
endif
ifdef SAN
CFLAGS   += -fsanitize=$(SAN) -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=$(SAN)
endif
ifdef CI
WARN     += -Werror
endif
# Evaluated when used, i.e. after the dependency check has installed them.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lbfd
ALL_CFLAGS = -std=gnu11 $(WARN) $(CFLAGS) -I. -Isrc $(PKG_CFLAGS) -MMD -MP

ifndef V
Q := @
E = @printf '  %-6s %s\n' $(1) $(2);
else
E =
endif

LIB_SRC  := $(filter-out src/main.c, \
	$(wildcard src/*.c src/*/*.c src/*/*/*.c arch/x86_64/*.c disasm/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit/%.t)
DEPS_OK  := $(BUILD)/.deps-ok

.PHONY: all test unit e2e demo bench help clean format deps
all: utap

help:
	@echo 'make            build ./utap'
	@echo 'make test       build and run every test (unit and end-to-end)'
	@echo 'make demo       build, then trace the demo target and show the output'
	@echo 'make bench      per-hit cost: utap vs ltrace, kernel uprobes, a bare ptrace loop'
	@echo 'make clean      remove build products'
	@echo 'options: V=1 (show commands) DEBUG=1 (-O0 -g3) SAN=address,undefined CI=1 (-Werror)'

# Install the Debian -dev packages we build against, once.
deps: $(DEPS_OK)
$(DEPS_OK):
	$(Q)missing=""; for p in $(DEB_PKGS); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "  APT   $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq $$missing >/dev/null || exit 1; \
		else \
			echo "utap: missing Debian packages:$$missing"; \
			echo "      run: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi
	$(Q)mkdir -p $(BUILD) && touch $@

$(BUILD)/%.o: %.c | $(DEPS_OK)
	$(call E,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libutap.a: $(LIB_OBJ)
	$(call E,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

utap: $(BUILD)/src/main.o $(BUILD)/libutap.a
	$(call E,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/unit/%.t: tests/unit/%.c $(BUILD)/libutap.a | $(DEPS_OK)
	$(call E,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libutap.a $(PKG_LIBS)

unit: $(UNIT_BIN)

# Targets traced by the tests, the demo and the benchmark.
include targets/targets.mk
# End-to-end tests, the benchmark.
include tests/tests.mk
# The benchmark.
include tests/bench/bench.mk

clean:
	rm -rf $(BUILD) utap

format:
	clang-format -i $(LIB_SRC) src/main.c $(wildcard arch/*.h arch/*/*.h disasm/*.h src/*/*.h src/*/*/*.h)

-include $(LIB_OBJ:.o=.d) $(BUILD)/src/main.d $(UNIT_BIN:.t=.d)
