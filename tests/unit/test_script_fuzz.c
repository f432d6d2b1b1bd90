/* test_script_fuzz.c: deterministic mutation fuzzing of script_parse and script_dump. */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "script/ast.h"
#include "script/check.h"
#include "tests/tap.h"

#define ITERATIONS 250000
#define BUDGET_S 4.0	 /* stop early past this, whatever the build (ASan is slower) */
#define SLOW_INPUT_S 0.5 /* one input taking longer is a hang */
#define MAX_LEN 2048

/* clang-format off */
/* Valid scripts that reach every part of the grammar. */
static const char *const seeds[] = {
	"global odds, evens, c[100], d%[50], e%, x = 5, s = \"a\" \"b\", n = -3\n"
	"function isprime:long (x:long) {\n"
	"  if (x < 2) return 0\n"
	"  for (i = 2; i < x; i++) { if (x % i == 0) return 0; if (i * i > x) break }\n"
	"  return 1\n}\n",
	"probe begin {\n  for (i = 0; i < 10; i++) { if (i % 2) odds[no++] = i else evens[ne++] = i }\n"
	"  delete odds[2]; delete evens; while (n < 3) { n++; continue } exit() }\n",
	"probe end, error? {\n"
	"  foreach (x+ in odds) printf(\"odds[%d] = %d\\n\", x, odds[x])\n"
	"  foreach ([a, b-] in c limit 10) println(a)\n"
	"  foreach (v = [a] in d @max+) ;\n"
	"  try { x = 1 / 0 } catch (msg) { println(msg) } try { } catch { }\n}\n",
	"probe begin { a = b = 1 ? 2 : 3 ? 4 : 5; z = -5 - -x + +3 * ~y . \"s\" << 2 == 1 && !q || r\n"
	"  c[1, 2] <<< 3; s .= \"x\"; ++z; z--; x = k in a && [1, 2] in c | 3 ^ 4 & 5 }\n",
	"probe process(\"./prog\").function(\"main\").call, process(\"x\").function(\"*\").return!,\n"
	"      timer.ms(100).randomize(5), process(123).begin, begin(-1) {\n"
	"  printf(\"%d %s %s\\n\", $argc, $argv[0]$, $$parms$$)\n"
	"  p = @cast($ptr, \"struct foo\", \"/bin/x\")->a->b[3]\n"
	"  q = @var(\"counter@main.c\")->x$; r = @entry($x->y) + @defined($z); w = $p.a\n}\n",
	"probe process(\"a\").{function(\"x\"), function(\"y\").return}!, {p, q}.{r, s?} { next }\n",
	"global lat\nprobe process(\"p\").function(\"f\").return { lat <<< gettimeofday_us() }\n"
	"probe end { print(@count(lat), @sum(lat), @min(lat), @max(lat), @avg(lat), @variance(lat, 2))\n"
	"  print(@hist_log(lat)); print(@hist_linear(lat, 0, 100, 10)) }\n",
	"%( arch == \"x86_64\" && $# >= 1 %? global a = @1 %: global a = 0 %)\n"
	"%( kernel_v >= \"2.6\" || runtime == \"kernel\" %? probe begin { } %: probe end { } %)\n"
	"%( CONFIG_SMP == \"y\" %? global smp %)\n",
	"probe $1 { x = @1 . \"-\" . @2; n = $#; m = @# }\n",
	"probe begin { x = \"esc\\n\\t\\\"\\\\\\x41\\101\"; y = 0x7fffffffffffffff; z = 0777 /* c */ }\n"
	"# comment\n// comment\n",
	"function f(a, b:string) { if (a) return b; else if (!a) return \"\"; else { next } }\n"
	"private global pg private function g() { return }\n",
	"probe begin { if (a) if (b) x = 1; else y = 2; for (;;) break; for (i = 0; ; ) next }\n",
	"probe p { $x = 1; $y->z++; ++$w[0]; print($u[1]$, $q->$, $e -> next -> prev, $$vars, $$locals$) }\n",
};

/* The language's alphabet, for token splices and random token streams. */
static const char *const alphabet[] = {
	"probe", "global", "private", "function", "if", "else", "for", "foreach", "in", "limit",
	"return", "delete", "while", "break", "continue", "next", "string", "long", "try", "catch",
	"begin", "end", "error", "process", "function", "return", "call", "timer", "ms", "kernel",
	"syscall", "module", "x", "a", "odds", "printf", "exit",
	"0", "1", "42", "0x10", "0777", "08", "18446744073709551616", "-1",
	"\"s\"", "\"\\n\"", "\"\\q\"", "\"unterminated", "\"%d\\n\"",
	"$x", "$$vars", "$$parms$$", "$", "$$", "$1", "$2", "$#", "@1", "@#", "@3", "$0",
	"@count", "@sum", "@hist_linear", "@hist_log", "@entry", "@defined", "@cast", "@var",
	"@define", "@perf", "@", "@max",
	"+", "-", "*", "/", "%", "<<", ">>", ">>>", "&", "|", "^", "&&", "||", "!", "~", ".",
	"=", "+=", "-=", ".=", "<<<", "<<=", "==", "!=", "<", "<=", ">", ">=", "=~", "++", "--",
	"->", "?", ":", ",", ";", "(", ")", "[", "]", "{", "}", "%(", "%?", "%:", "%)",
	"%{", "%}", "/*", "*/", "//", "#", "\\", "`", "\n", "\t", " ",
};

/* Script arguments, some of them broken. */
static char *const arg_sets[][3] = {
	{NULL},
	{"process(\"./prog\").function(\"*\")", "str", NULL},
	{"5", "str", NULL},
	{"1 +", "\"unterminated", NULL},
	{"$2", "%(", NULL},
	{"", "/* open", NULL},
};
/* clang-format on */

#define NSEEDS (sizeof(seeds) / sizeof(seeds[0]))
#define NALPHA (sizeof(alphabet) / sizeof(alphabet[0]))
#define NARGSETS (sizeof(arg_sets) / sizeof(arg_sets[0]))

static const char syntax[] = "{}()[];,.=+-*/%<>!~&|^?:$@#\"\\ \t\n0123456789abcxyz_";

#define FUZZ_SEED 0x2545f4914f6cdd1dull
#define FUZZ_SYNTAX syntax
#include "tests/unit/fuzz_rng.h"

/* Put N bytes of SRC at POS of BUF (LEN long, capacity MAX_LEN + 1). */
static size_t insert(char *buf, size_t len, size_t pos, const char *src, size_t n)
{
	if (len + n > MAX_LEN)
		return len;
	memmove(buf + pos + n, buf + pos, len - pos + 1);
	memcpy(buf + pos, src, n);
	return len + n;
}

/* One to four edits: bytes, tokens, ranges, splices, truncation. */
static void mutate(char *buf)
{
	int edits = 1 + (int)below(4);
	size_t len = strlen(buf);

	while (edits--) {
		size_t pos = below(len + 1), n, from;
		const char *other;
		char c;

		switch (below(8)) {
		case 0: /* insert a byte */
			c = random_byte();
			len = insert(buf, len, pos, &c, 1);
			break;
		case 1: /* delete a few bytes */
			n = below(4) + 1;
			if (pos + n > len)
				n = len - pos;
			memmove(buf + pos, buf + pos + n, len - pos - n + 1);
			len -= n;
			break;
		case 2: /* flip a byte */
			if (pos < len)
				buf[pos] = random_byte();
			break;
		case 3: /* duplicate a range */
			n = below(len - pos + 1);
			if (n && len + n <= MAX_LEN) {
				memmove(buf + pos + n, buf + pos, len - pos + 1);
				len += n;
			}
			break;
		case 4: /* splice in part of another seed */
			other = seeds[below(NSEEDS)];
			from = below(strlen(other) + 1);
			n = below(strlen(other) - from + 1);
			len = insert(buf, len, pos, other + from, n);
			break;
		case 5: /* a token of the language, spaced or glued */
		case 6:
			other = alphabet[below(NALPHA)];
			if (rng() & 1)
				len = insert(buf, len, pos, " ", 1);
			len = insert(buf, len, pos, other, strlen(other));
			break;
		case 7: /* truncate */
			if (below(4) == 0) {
				buf[pos] = '\0';
				len = pos;
			}
			break;
		}
	}
}

/* A stream of random tokens, bare or inside a probe's body. */
static void random_tokens(char *buf)
{
	size_t len = 0, n = 1 + below(60), i;

	buf[0] = '\0';
	if (rng() & 1)
		len = insert(buf, len, len, "probe begin { ", 14);
	for (i = 0; i < n; i++) {
		const char *t = alphabet[below(NALPHA)];

		len = insert(buf, len, len, t, strlen(t));
		if (below(4))
			len = insert(buf, len, len, " ", 1);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *dump_text(const struct script *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	script_dump(s, f);
	fclose(f);
	return text;
}

static int lines_in(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* One input: a clean result or a sane error; an accepted script's dump
 * parses again to the same dump. 0, or 1 for a bad outcome. */
static int check_one(const char *src, char *const *args, FILE *sink, int *accepted)
{
	struct script *s = NULL, *again = NULL;
	struct script_error err;
	char *first = NULL, *second = NULL;
	int nargs = 0, ret, bad = 0;

	while (args[nargs])
		nargs++;
	ret = script_parse("fuzz.stp", src, args, nargs, &s, &err);
	if (ret != 0) {
		/* An argument's tokens take the $N's place, so every error
		 * lies within the script's own text (or just past its end). */
		if (ret != -EINVAL || s || err.line < 1 || err.col < 1 ||
		    err.line > lines_in(src) || !err.msg[0] || strcmp(err.file, "fuzz.stp") != 0) {
			printf("#   ret %d at %d:%d msg '%s'\n", ret, err.line, err.col, err.msg);
			return 1;
		}
		script_error_print(sink, &err, src);
		return 0;
	}
	(*accepted)++;
	first = dump_text(s);
	ret = first ? script_parse("dump", first, NULL, 0, &again, &err) : -ENOMEM;
	if (ret != 0) {
		printf("#   its dump does not parse (%d:%d %s):\n%s\n", err.line, err.col, err.msg,
		       first ? first : "");
		bad = 1;
	} else {
		second = dump_text(again);
		if (!second || strcmp(first, second) != 0) {
			printf("#   the dump changed:\n%s\n# became\n%s\n", first,
			       second ? second : "");
			bad = 1;
		}
	}
	/* the checker on what was accepted: a clean result or a sane error,
	 * with probes on code and .return probes as the session marks them */
	for (int i = 0; i < s->nprobes; i++) {
		s->probes[i].on_code = i % 2 == 0;
		s->probes[i].returns = i % 3 == 0;
	}
	ret = script_check(s, &err);
	if (ret != 0 && (ret != -EINVAL || err.line < 0 || !err.msg[0])) {
		printf("#   the checker returned %d at %d:%d msg '%s'\n", ret, err.line, err.col,
		       err.msg);
		bad = 1;
	}
	script_check_release(s);
	free(first);
	free(second);
	script_free(s);
	script_free(again);
	return bad;
}

int main(void)
{
	FILE *sink = fopen("/dev/null", "w");
	char buf[MAX_LEN + 1];
	double start = now(), slowest = 0, budget = BUDGET_S;
	int bad = 0, accepted = 0, slow = 0, iterations = ITERATIONS, i;

	/* For longer runs by hand: UTAP_FUZZ_SEED=N UTAP_FUZZ_SECONDS=S. */
	if (getenv("UTAP_FUZZ_SEED"))
		rng_state ^= strtoull(getenv("UTAP_FUZZ_SEED"), NULL, 0) * 0x9e3779b97f4a7c15ull;
	if (getenv("UTAP_FUZZ_SECONDS")) {
		budget = strtod(getenv("UTAP_FUZZ_SECONDS"), NULL);
		iterations = INT32_MAX;
	}

	/* A hang that the per-input timing cannot see ends the test here. */
	alarm(getenv("UTAP_FUZZ_SECONDS") ? 0 : 120);
	ok(sink != NULL, "open /dev/null");
	if (!sink)
		return tap_done();
	for (i = 0; i < (int)NSEEDS; i++) {
		int before = accepted;

		bad += check_one(seeds[i], arg_sets[1], sink, &accepted);
		ok(accepted == before + 1, "seed %d parses", i);
	}
	for (i = 0; i < iterations && now() - start < budget; i++) {
		double t0;
		int b;

		if (below(5) == 0) {
			random_tokens(buf);
		} else {
			snprintf(buf, sizeof(buf), "%s", seeds[below(NSEEDS)]);
			mutate(buf);
		}
		t0 = now();
		b = check_one(buf, arg_sets[below(NARGSETS)], sink, &accepted);
		t0 = now() - t0;
		if (t0 > slowest)
			slowest = t0;
		if (t0 > SLOW_INPUT_S)
			slow++;
		if (b && bad < 5)
			printf("#   input %d:\n%s\n", i, buf);
		bad += b;
	}
	printf("# %d inputs in %.1f s (slowest %.3f s), %d accepted\n", i, now() - start, slowest,
	       accepted);
	ok(i >= 1000, "at least 1000 inputs in the time budget (%d)", i);
	is_int(bad, 0, "no crash, sane errors, accepted scripts round-trip");
	is_int(slow, 0, "no input takes more than %.1f s", SLOW_INPUT_S);
	fclose(sink);
	return tap_done();
}
