# targets.mk: the programs tests trace. Included by the top Makefile.
# (owned by the tests helper; placeholder until targets exist)
TARGETS :=
targets: $(TARGETS)
