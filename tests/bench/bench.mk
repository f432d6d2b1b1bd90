# bench.mk: `make bench`. Included by the top Makefile. (placeholder)
bench: utap
	@echo "bench: not written yet" && exit 1
