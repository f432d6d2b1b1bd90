# tests.mk: `make test`, `make demo`, `make bench`. Included by the top Makefile.
test: utap unit targets
	prove --exec '' $(UNIT_BIN)
