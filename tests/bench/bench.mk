# bench.mk: `make bench`, per-hit cost of utap vs ltrace, kernel uprobes and a bare ptrace loop.
# Included by the top Makefile; not part of `make test`.

BENCH_DIR    := $(BUILD)/bench
BENCH_BINS   := $(BENCH_DIR)/bench_target $(BENCH_DIR)/floor \
		$(BENCH_DIR)/alloc_heavy $(BENCH_DIR)/compute_heavy
# Fixed flags, whatever CFLAGS/DEBUG/SAN say: the figures must compare across builds.
# -fcf-protection=full: bench_fn starts with endbr64, which floor steps over.
BENCH_CFLAGS := -std=gnu11 $(WARN) -O2 -g

$(BENCH_DIR)/bench_target: tests/bench/bench_target.c | $(DEPS_OK)
	$(call E,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -fcf-protection=full -o $@ $<

$(BENCH_DIR)/floor: tests/bench/floor.c | $(DEPS_OK)
	$(call E,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $<

# The leak checkers' targets: -O2, as a service would be built, with -g
# so every tool can name the planted leaks.
$(BENCH_DIR)/alloc_heavy $(BENCH_DIR)/compute_heavy: $(BENCH_DIR)/%: tests/bench/%.c tests/bench/planted.h | $(DEPS_OK)
	$(call E,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $<

# ltrace, strace and valgrind are compared with and counted with; install them when root.
# Missing ones only turn their rows into n/a.
bench-tools:
	$(Q)missing=""; for t in ltrace strace valgrind; do \
		command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ]; then \
		echo "  APT   $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq $$missing >/dev/null || true; \
	elif [ -n "$$missing" ]; then \
		echo "bench: not root, not installing:$$missing"; \
	fi

.PHONY: bench-tools
bench: utap $(BENCH_BINS) bench-tools targets
	$(Q)tests/bench/run.sh ./utap $(BENCH_DIR) $(TGT_DIR)
