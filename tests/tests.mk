# tests.mk: `make test`, `make e2e`, `make demo`. Included by the top Makefile.
#
# The unit binaries and the end-to-end scripts (tests/e2e/*.t, bash, TAP)
# run in one prove, so the output ends with prove's summary. E2E_JOBS runs
# scripts in parallel (each uses its own temporary directory).

E2E_TESTS := $(sort $(wildcard tests/e2e/*.t))
E2E_JOBS  ?= 4
PROVE     := prove --exec '' --timer -j$(E2E_JOBS)

test: utap unit targets
	$(PROVE) $(UNIT_BIN) $(E2E_TESTS)

e2e: utap targets
	$(PROVE) $(E2E_TESTS)

# The demo: an order desk; show what its functions get and return.
DEMO_PROBES := \
	'p demo:process_order id=+0(%0):s32 qty=+4(%0):s32 customer=+0(+16(%0)):string note=%1:string' \
	'r demo:total_cents cents=$$retval:s64'

demo: utap targets
	@echo '# utap shows each process_order() call (fields of the order struct and the'
	@echo '# note string) and what total_cents() returned, next to the program'"'"'s output:'
	@set -- $(DEMO_PROBES); printf '$$ ./utap'; printf " '%s'" "$$@"; \
		printf ' -- %s\n' $(TGT_DIR)/demo
	@./utap $(DEMO_PROBES) -- $(TGT_DIR)/demo
