/* script_fuzz.c: libFuzzer harness for script_parse and script_dump (parse, dump, parse again).
 *
 * Not built by make (the unit suite has its own fuzzer, test_script_fuzz.c). Build and run:
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc tests/fuzz/script_fuzz.c \
 *       src/script/lexer.c src/script/preproc.c src/script/parse_*.c src/script/dump.c \
 *       src/script/error.c -o build/script_fuzz
 *   mkdir -p build/script_corpus && cp tests/scripts/parse/[a-z]*.stp build/script_corpus/
 *   ./build/script_fuzz -max_total_time=300 -max_len=4096 -timeout=2 build/script_corpus
 *
 * The first byte picks the script arguments; the rest is the script (up to its first NUL).
 * Any crash, leak, timeout or abort() is a bug: an accepted script's dump must parse again
 * to the same dump, a rejected one must say where. */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/ast.h"

static char *const arg_sets[][3] = {
    {NULL},
    {"process(\"./prog\").function(\"*\")", "str", NULL},
    {"5", NULL},
    {"1 +", "\"open", NULL},
    {"$2", "%(", NULL},
};

static char *dump_text(const struct script *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		abort();
	script_dump(s, f);
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *const *args;
	struct script *s = NULL, *again = NULL;
	struct script_error err;
	char *src, *first, *second;
	int nargs = 0;

	if (size < 1)
		return 0;
	args = arg_sets[data[0] % (sizeof(arg_sets) / sizeof(arg_sets[0]))];
	while (args[nargs])
		nargs++;
	src = malloc(size);
	if (!src)
		return 0;
	memcpy(src, data + 1, size - 1);
	src[size - 1] = '\0';
	if (script_parse("fuzz.stp", src, args, nargs, &s, &err) != 0) {
		if (s || err.line < 1 || err.col < 1 || !err.msg[0])
			abort();
		free(src);
		return 0;
	}
	first = dump_text(s);
	if (script_parse("dump", first, NULL, 0, &again, &err) != 0) {
		fprintf(stderr, "dump does not parse: %d:%d %s\n%s\n", err.line, err.col, err.msg,
			first);
		abort();
	}
	second = dump_text(again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "dump changed:\n%s\n--- became ---\n%s\n", first, second);
		abort();
	}
	free(first);
	free(second);
	script_free(s);
	script_free(again);
	free(src);
	return 0;
}
