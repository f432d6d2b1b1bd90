/* test_rt_format.c: printf/sprintf against SystemTap's testsuite, langref and vsprintf.c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"
#include "tests/tap.h"

/*
 * Sources of the expected text: the tables int1 and ptr13 are SystemTap's
 * testsuite/systemtap.printf/{int1,ptr-1.3}.exp; char2, string1, bin3,
 * memory1 and print_user_buffer below are the same directory's tests; the
 * %b cases are doc/langref.tex's "Binary Write Examples".  The cases
 * marked "vsprintf.c" follow SystemTap's runtime/vsprintf.c (number(),
 * _stp_vsprint_char/memory/binary) and the compiled printf of
 * translate.cxx, where SystemTap differs from C's printf.
 */

/* testsuite/systemtap.printf/int1.stp and int1.exp: five longs, each */
/* conversion below joined with commas (the %#x and %#o rows are int1.exp's */
/* in SystemTap 2.x and later). */
static const struct int_case {
	const char *conv, *want;
} int1[] = {
    {"%d", "1,10,9000000000000,-1,-1024"},
    {"%2d", " 1,10,9000000000000,-1,-1024"},
    {"%16d",
     "               1,              10,   9000000000000,              -1,           -1024"},
    {"%016d",
     "0000000000000001,0000000000000010,0009000000000000,-000000000000001,-000000000001024"},
    {"%u", "1,10,9000000000000,18446744073709551615,18446744073709550592"},
    {"%2u", " 1,10,9000000000000,18446744073709551615,18446744073709550592"},
    {"%16u", "               1,              10,   "
	     "9000000000000,18446744073709551615,18446744073709550592"},
    {"%016u", "0000000000000001,0000000000000010,0009000000000000,18446744073709551615,"
	      "18446744073709550592"},
    {"%x", "1,a,82f79cd9000,ffffffffffffffff,fffffffffffffc00"},
    {"%2x", " 1, a,82f79cd9000,ffffffffffffffff,fffffffffffffc00"},
    {"%16x",
     "               1,               a,     82f79cd9000,ffffffffffffffff,fffffffffffffc00"},
    {"%016x",
     "0000000000000001,000000000000000a,0000082f79cd9000,ffffffffffffffff,fffffffffffffc00"},
    {"%16X",
     "               1,               A,     82F79CD9000,FFFFFFFFFFFFFFFF,FFFFFFFFFFFFFC00"},
    {"%016X",
     "0000000000000001,000000000000000A,0000082F79CD9000,FFFFFFFFFFFFFFFF,FFFFFFFFFFFFFC00"},
    {"%#x", "0x1,0xa,0x82f79cd9000,0xffffffffffffffff,0xfffffffffffffc00"},
    {"%o", "1,12,202757163310000,1777777777777777777777,1777777777777777776000"},
    {"%2o", " 1,12,202757163310000,1777777777777777777777,1777777777777777776000"},
    {"%16o", "               1,              12, "
	     "202757163310000,1777777777777777777777,1777777777777777776000"},
    {"%016o", "0000000000000001,0000000000000012,0202757163310000,1777777777777777777777,"
	      "1777777777777777776000"},
    {"%#o", "01,012,0202757163310000,01777777777777777777777,01777777777777777776000"},
};

/* testsuite/systemtap.printf/ptr-1.3.stp and ptr-1.3.exp (--compatible=1.3: */
/* %p is %#x). */
static const struct ptr_case {
	const char *fmt;
	int64_t v;
	const char *want;
} ptr13[] = {
    {"%p\n", 0, "0x0\n"},
    {"%p\n", 1, "0x1\n"},
    {"%p\n", 0x12345678, "0x12345678\n"},
    {"%p\n", (int64_t)0x12345678abcdef00ULL, "0x12345678abcdef00\n"},
    {"%p\n", 0x0000000012345678, "0x12345678\n"},
    {"%20pX\n", 0, "                 0x0X\n"},
    {"%20pX\n", 1, "                 0x1X\n"},
    {"%20pX\n", 0x12345678, "          0x12345678X\n"},
    {"%20pX\n", (int64_t)0x12345678abcdef00ULL, "  0x12345678abcdef00X\n"},
    {"%20pX\n", 0x0000000012345678, "          0x12345678X\n"},
    {"%-20pX\n", 0, "0x0                 X\n"},
    {"%-20pX\n", 1, "0x1                 X\n"},
    {"%-20pX\n", 0x12345678, "0x12345678          X\n"},
    {"%-20pX\n", (int64_t)0x12345678abcdef00ULL, "0x12345678abcdef00  X\n"},
    {"%-20pX\n", 0x0000000012345678, "0x12345678          X\n"},
    {"%.20pX\n", 0, "0x00000000000000000000X\n"},
    {"%.20pX\n", 1, "0x00000000000000000001X\n"},
    {"%.20pX\n", 0x12345678, "0x00000000000012345678X\n"},
    {"%.20pX\n", (int64_t)0x12345678abcdef00ULL, "0x000012345678abcdef00X\n"},
    {"%.20pX\n", 0x0000000012345678, "0x00000000000012345678X\n"},
    {"%20.8pX\n", 0, "          0x00000000X\n"},
    {"%20.8pX\n", 1, "          0x00000001X\n"},
    {"%20.8pX\n", 0x12345678, "          0x12345678X\n"},
    {"%20.8pX\n", (int64_t)0x12345678abcdef00ULL, "  0x12345678abcdef00X\n"},
    {"%20.8pX\n", 0x0000000012345678, "          0x12345678X\n"},
    {"%-20.8pX\n", 0, "0x00000000          X\n"},
    {"%-20.8pX\n", 1, "0x00000001          X\n"},
    {"%-20.8pX\n", 0x12345678, "0x12345678          X\n"},
    {"%-20.8pX\n", (int64_t)0x12345678abcdef00ULL, "0x12345678abcdef00  X\n"},
    {"%-20.8pX\n", 0x0000000012345678, "0x12345678          X\n"},
    {"%8p\n", 0, "     0x0\n"},
    {"%8p\n", 1, "     0x1\n"},
    {"%8p\n", 0x12345678, "0x12345678\n"},
    {"%8p\n", (int64_t)0x12345678abcdef00ULL, "0x12345678abcdef00\n"},
    {"%8p\n", 0x0000000012345678, "0x12345678\n"},
    {"%-8pX\n", 0, "0x0     X\n"},
    {"%-8pX\n", 1, "0x1     X\n"},
    {"%-8pX\n", 0x12345678, "0x12345678X\n"},
    {"%-8pX\n", (int64_t)0x12345678abcdef00ULL, "0x12345678abcdef00X\n"},
    {"%-8pX\n", 0x0000000012345678, "0x12345678X\n"},
    {"%.8p\n", 0, "0x00000000\n"},
    {"%.8p\n", 1, "0x00000001\n"},
    {"%.8p\n", 0x12345678, "0x12345678\n"},
    {"%.8p\n", (int64_t)0x12345678abcdef00ULL, "0x12345678abcdef00\n"},
    {"%.8p\n", 0x0000000012345678, "0x12345678\n"},
    {"%8.20p\n", 0, "0x00000000000000000000\n"},
    {"%8.20p\n", 1, "0x00000000000000000001\n"},
    {"%8.20p\n", 0x12345678, "0x00000000000012345678\n"},
    {"%8.20p\n", (int64_t)0x12345678abcdef00ULL, "0x000012345678abcdef00\n"},
    {"%8.20p\n", 0x0000000012345678, "0x00000000000012345678\n"},
    {"%-8.20pX\n", 0, "0x00000000000000000000X\n"},
    {"%-8.20pX\n", 1, "0x00000000000000000001X\n"},
    {"%-8.20pX\n", 0x12345678, "0x00000000000012345678X\n"},
    {"%-8.20pX\n", (int64_t)0x12345678abcdef00ULL, "0x000012345678abcdef00X\n"},
    {"%-8.20pX\n", 0x0000000012345678, "0x00000000000012345678X\n"},
};

/* Arguments as a compact table: 'l' long, 's' string, 0 ends. */
struct arg {
	char type;
	int64_t n;
	const char *s;
};

static int make_args(const struct arg *a, struct rt_value *v)
{
	int n = 0;

	for (; a[n].type; n++)
		v[n] = a[n].type == 'l' ? rt_value_long(a[n].n)
					: rt_value_string(rt_str_cstr(a[n].s, 0));
	return n;
}

static void drop_args(struct rt_value *v, int n)
{
	for (int i = 0; i < n; i++)
		rt_value_release(&v[i]);
}

/* S (N bytes) made printable for a TAP line: \n, \0, \xNN. */
static const char *vis(const char *s, size_t n)
{
	static char bufs[4][1024];
	static int k;
	char *b = bufs[k++ & 3], *o = b;

	for (size_t i = 0; i < n && o < b + sizeof(bufs[0]) - 5; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			o += sprintf(o, "\\n");
		else if (c < 0x20 || c >= 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return b;
}

/* printf(FMT, ARGS) into a fresh buffer; returns the rc, the text in *OUT. */
static int pf(struct rt_buf *out, const char *fmt, const struct arg *args)
{
	struct rt_value v[16];
	int n = make_args(args, v), rc;

	rt_buf_init(out, 0);
	rc = rt_printf(out, fmt, v, n, NULL);
	drop_args(v, n);
	return rc;
}

static void is_printf(const char *fmt, const struct arg *args, const char *want, size_t wantlen,
		      const char *what)
{
	struct rt_buf b;
	int rc = pf(&b, fmt, args);

	if (!wantlen)
		wantlen = strlen(want);
	is_int(rc, 0, "%s: printf ok", what);
	ok(b.len == wantlen && memcmp(rt_buf_cstr(&b), want, wantlen) == 0,
	   "%s: printf(\"%s\") gives \"%s\"", what, vis(fmt, strlen(fmt)), vis(want, wantlen));
	if (b.len != wantlen || memcmp(rt_buf_cstr(&b), want, wantlen))
		printf("#   got \"%s\" (%zu bytes)\n", vis(rt_buf_cstr(&b), b.len), b.len);
	rt_buf_free(&b);
}

static struct rt_str *spf(const char *fmt, const struct arg *args, size_t maxlen, int *rc)
{
	struct rt_format *f;
	struct rt_value v[16];
	struct rt_str *s = NULL;
	int n = make_args(args, v);

	*rc = rt_format_compile(fmt, &f, NULL, 0, NULL);
	if (*rc == 0) {
		*rc = rt_format_sprint(f, v, n, NULL, maxlen, &s, NULL, 0);
		rt_format_free(f);
	}
	drop_args(v, n);
	return s;
}

static void is_sprintf(const char *fmt, const struct arg *args, const char *want, const char *what)
{
	int rc;
	struct rt_str *s = spf(fmt, args, 0, &rc);

	is_int(rc, 0, "%s: sprintf ok", what);
	is_str(s ? s->data : NULL, want, "%s: sprintf(\"%s\")", what, vis(fmt, strlen(fmt)));
	rt_str_unref(s);
}

#define L(x)                                                                                       \
	{                                                                                          \
		'l', (int64_t)(x), NULL                                                            \
	}
#define S(x)                                                                                       \
	{                                                                                          \
		's', 0, (x)                                                                        \
	}
#define END                                                                                        \
	{                                                                                          \
		0, 0, NULL                                                                         \
	}

static void test_testsuite_numbers(void)
{
	static const int64_t vals[] = {1, 10, 9000000000000, -1, -1024};
	char fmt[64];

	for (size_t i = 0; i < sizeof(int1) / sizeof(int1[0]); i++) {
		const char *c = int1[i].conv;
		struct arg a[] = {L(vals[0]), L(vals[1]), L(vals[2]), L(vals[3]), L(vals[4]), END};

		snprintf(fmt, sizeof(fmt), "%s,%s,%s,%s,%s", c, c, c, c, c);
		is_printf(fmt, a, int1[i].want, 0, "int1.exp");
	}
	for (size_t i = 0; i < sizeof(ptr13) / sizeof(ptr13[0]); i++) {
		struct arg a[] = {L(ptr13[i].v), END};

		is_printf(ptr13[i].fmt, a, ptr13[i].want, 0, "ptr-1.3.exp");
	}
}

static void test_testsuite_chars_strings(void)
{
	static const char printable[] = "abc-ABC 123!";
	static const char escapes[] = "\a\b\f\n\r\t\v'\\";
	static const char *const escaped[] = {"\\a", "\\b", "\\f", "\\n", "\\r",
					      "\\t", "\\v", "\\'", "\\\\"};
	static const struct {
		int64_t c;
		const char *want;
	} octal[] = {{0, "\\000"},    {033, "\\033"},  {0177, "\\177"},
		     {0222, "\\222"}, {0333, "\\333"}, {0377, "\\377"}};

	/* char1.stp */
	{
		struct arg a[] = {L(115), L(116), L(97), L(112), END};

		is_printf("%c%c%c%c", a, "stap", 0, "char1.exp");
	}
	/* char2.stp: %#c escapes what is not printable ASCII, and ' and \ */
	for (int i = 0; printable[i]; i++) {
		struct arg a[] = {L(printable[i]), END};
		char want[2] = {printable[i], 0};

		is_printf("%#c", a, want, 0, "char2.exp, printable");
	}
	for (int i = 0; escapes[i]; i++) {
		struct arg a[] = {L(escapes[i]), END};

		is_printf("%#c", a, escaped[i], 0, "char2.exp, C escapes");
	}
	for (size_t i = 0; i < sizeof(octal) / sizeof(octal[0]); i++) {
		struct arg a[] = {L(octal[i].c), END};

		is_printf("%#c", a, octal[i].want, 0, "char2.exp, octal");
	}
	/* string1.stp */
	{
		struct arg a[] = {S("Foobar!"), END};
		struct arg b[] = {S("XYZZY"), S("Foobar!"), S("XYZZY"), S("Foobar!"), END};

		is_printf("The string is <%s>\n", a, "The string is <Foobar!>\n", 0, "string1.exp");
		is_printf("%s%s%s%s\n", b, "XYZZYFoobar!XYZZYFoobar!\n", 0, "string1.exp");
	}
}

static void test_binary(void)
{
	/* langref: printf("%3d: %1b%1b%1b\n", i, i, i-32, i-64) for 97 */
	struct arg a[] = {L(97), L(97), L(97 - 32), L(97 - 64), END};
	/* langref: printf("%b%b", 0xc0dedbad, 0x12345678) | hexdump */
	struct arg b[] = {L(0xc0dedbad), L(0x12345678), END};
	static const char bw[] = "\xad\xdb\xde\xc0\0\0\0\0\x78\x56\x34\x12\0\0\0\0";
	/* langref: "%1b%1b%1blo %1b%1brld\n" */
	struct arg c[] = {L(72), L(101), L(108), L(87), L(111), END};
	/* bin3.stp: "%2b" of big_endian2(0x12) */
	struct arg d[] = {L(0x1200), END};
	struct arg e[] = {L(0x0102030405060708), END};

	is_printf("%3d: %1b%1b%1b\n", a, " 97: aA!\n", 0, "langref binary example");
	is_printf("%b%b", b, bw, 16, "langref %b hexdump example");
	is_printf("%1b%1b%1blo %1b%1brld\n", c, "Hello World\n", 0, "langref Hello World");
	is_printf("%2b", d, "\0\x12", 2, "bin3.exp: 16 bits, host order");
	/* vsprintf.c: _stp_vsprint_binary() */
	is_printf("%4b", e, "\x08\x07\x06\x05", 4, "%4b: 4 low bytes");
	is_printf("%.2b", e, "\x08\x07", 2, "%.2b: precision picks the size");
	is_printf("%8.2b", e, "\0\0\0\0\0\0\x08\x07", 8, "%8.2b: zero bytes pad to the width");
	is_printf("%-4.1b|", e, "\x08\0\0\0|", 5, "%-4.1b: padding after");
	is_printf("%3b", e, "\x08\x07\x06\x05\x04\x03\x02\x01", 8, "%3b: not a size, 8 bytes");
}

/* A fake traced process: FILENAME at 0x1000, "foobar\n" at 0x2000. */
static const char filename[] = "/etc/passwd";
static const char foobar[] = "foobar\n";

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	(void)ctx;
	if (addr >= 0x1000 && addr + n <= 0x1000 + sizeof(filename)) {
		memcpy(buf, filename + (addr - 0x1000), n);
		return 0;
	}
	if (addr >= 0x2000 && addr + n <= 0x2000 + sizeof(foobar)) {
		memcpy(buf, foobar + (addr - 0x2000), n);
		return 0;
	}
	return -EFAULT;
}

static const struct rt_format_mem fake_mem = {fake_read, NULL};

static int mem_printf(struct rt_buf *b, const char *fmt, const struct arg *args, char *err,
		      size_t errlen)
{
	struct rt_format *f;
	struct rt_value v[8];
	int n = make_args(args, v), rc = rt_format_compile(fmt, &f, NULL, 0, NULL);

	if (rc == 0) {
		rc = rt_format_print(f, v, n, &fake_mem, b, err, errlen);
		rt_format_free(f);
	}
	drop_args(v, n);
	return rc;
}

static void is_mem(const char *fmt, const struct arg *args, const char *want, const char *what)
{
	struct rt_buf b;
	int rc;

	rt_buf_init(&b, 0);
	rc = mem_printf(&b, fmt, args, NULL, 0);
	is_int(rc, 0, "%s: ok", what);
	is_str(rt_buf_cstr(&b), want, "%s: %s", what, vis(fmt, strlen(fmt)));
	rt_buf_free(&b);
}

static void test_memory(void)
{
	const int64_t fn = 0x1000, len = sizeof(filename) - 1;
	struct arg p[] = {L(fn), END};
	struct arg p5[] = {L(5), L(fn), END};
	struct arg plen[] = {L(len), L(fn), END};
	struct arg w4[] = {L(4), L(fn), END};
	struct arg w15[] = {L(15), L(fn), END};
	struct arg w4len[] = {L(4), L(len), L(fn), END};
	struct arg w15len[] = {L(15), L(len), L(fn), END};
	struct arg hex[] = {L(14), L(6), L(fn), END};
	struct arg user[] = {L(7), L(0x2000), END};
	struct arg big[] = {L(5000), L(fn), END};
	struct arg bad[] = {L(3), L(0x9000), END};
	struct rt_buf b;
	char err[128];

	/* memory1.stp: %m against sprintf("%.Ns", filename) */
	is_mem("%m", p, "/", "memory1: default width and precision");
	is_mem("%.5m", p, "/etc/", "memory1: static precision");
	is_mem("%.*m", p5, "/etc/", "memory1: dynamic precision");
	is_mem("%.*m", plen, filename, "memory1: precision = length");
	is_mem("%5m", p, "    /", "memory1: static width");
	is_mem("%*m", p5, "    /", "memory1: dynamic width");
	is_mem("%4.5m", p, "/etc/", "memory1: width below precision");
	is_mem("%15.5m", p, "          /etc/", "memory1: width above precision");
	is_mem("%*.5m", w4, "/etc/", "memory1: dynamic width below precision");
	is_mem("%*.5m", w15, "          /etc/", "memory1: dynamic width above precision");
	is_mem("%4.*m", plen, filename, "memory1: width below dynamic precision");
	is_mem("%15.*m", plen, "    /etc/passwd", "memory1: width above dynamic precision");
	is_mem("%*.*m", w4len, filename, "memory1: both dynamic, width below");
	is_mem("%*.*m", w15len, "    /etc/passwd", "memory1: both dynamic, width above");
	is_mem("%*.*M", hex, "  2f6574632f70", "memory1: %M in hex, padded");
	/* print_user_buffer.stp */
	is_mem("%#.*M", user, "666f6f6261720a", "print_user_buffer: %#.*M");
	is_mem("%#.*m", user, "foobar\n", "print_user_buffer: %#.*m");
	is_mem("%-6.2M|", p, "2f65  |", "%-6.2M: left-justified hex");

	/* translate.cxx: more than PAGE_SIZE is refused before printing */
	rt_buf_init(&b, 0);
	is_int(mem_printf(&b, "x%.*m", big, err, sizeof(err)), -EMSGSIZE, "%%.5000m refused");
	is_str(err, "5000 is too many bytes for a memory dump", "... with SystemTap's message");
	is_int(b.len, 0, "... and nothing printed");
	is_int(mem_printf(&b, "before %.*m after", bad, err, sizeof(err)), -EFAULT,
	       "unreadable memory faults");
	is_int(b.len, 0, "... and the whole printf is dropped");
	rt_buf_reset(&b);
	{
		struct rt_format *f;
		struct rt_value v = rt_value_long(fn);

		rt_format_compile("%.3m", &f, NULL, 0, NULL);
		is_int(rt_format_print(f, &v, 1, NULL, &b, NULL, 0), -EFAULT,
		       "no memory reader: %%m faults");
		rt_format_free(f);
	}
	rt_buf_free(&b);
}

static void test_quirks(void)
{
	struct arg seven[] = {L(7), END};
	struct arg zero[] = {L(0), END};
	struct arg abc[] = {S("abc"), END};
	struct arg neg_width[] = {L(-5), L(7), END};
	struct arg neg_prec[] = {L(-1), S("abc"), END};
	struct arg wide[] = {L(4294967301LL), L(7), END};
	struct arg prec_dyn0[] = {L(0), S("abc"), END};
	struct arg big[] = {L(321), END};
	struct arg minneg[] = {L(INT64_MIN), END};
	struct arg none[] = {END};

	/* vsprintf.c: number() */
	is_printf("%#x", zero, "0x0", 0, "vsprintf.c: # prefixes 0 too");
	is_printf("%#o", zero, "00", 0, "vsprintf.c: %#o of 0");
	is_printf("%#X", big, "0X141", 0, "vsprintf.c: %#X");
	is_printf("%#8x|", big, "   0x141|", 0, "vsprintf.c: prefix within the width");
	is_printf("%05.3d", seven, "00007", 0, "vsprintf.c: zero padding despite a precision");
	is_printf("%.3d", seven, "007", 0, "precision pads with zeros");
	is_printf("%-5d|", seven, "7    |", 0, "left-justified");
	is_printf("%+d", seven, "+7", 0, "+ flag");
	is_printf("% d", seven, " 7", 0, "space flag");
	is_printf("%+u", seven, "7", 0, "+ flag means nothing unsigned");
	is_printf("%+x", seven, "7", 0, "+ flag means nothing in hex");
	is_printf("%.0d", zero, "0", 0, "vsprintf.c: a 0 precision still prints 0");
	is_printf("%d", minneg, "-9223372036854775808", 0, "INT64_MIN");
	is_printf("%i", seven, "7", 0, "%i is %d");
	is_printf("%ld", seven, "7", 0, "one 'l' accepted");
	is_printf("%x", minneg, "8000000000000000", 0, "hex of INT64_MIN");

	/* _stp_vsprint_memory() for %s, _stp_vsprint_char() */
	is_printf("%5s|", abc, "  abc|", 0, "%5s");
	is_printf("%-5s|", abc, "abc  |", 0, "%-5s");
	is_printf("%.2s", abc, "ab", 0, "%.2s");
	is_printf("%.9s", abc, "abc", 0, "%.9s");
	is_printf("%.0s|", abc, "|", 0, "compiled printf: %.0s prints nothing");
	is_printf("%.*s|", prec_dyn0, "|", 0, "%.*s with 0");
	is_printf("%05s", abc, "  abc\0", 6, "vsprintf.c: %0s pads with spaces and adds a NUL");
	is_sprintf("%05s|", abc, "  abc", "sprintf: ... where the string ends");
	is_printf("%3c|", big, "  A|", 0, "%c takes the low byte, padded");
	is_printf("%-3c|", big, "A  |", 0, "%-3c");
	is_printf("%03c", big, "  A", 0, "%0c pads with spaces");
	is_printf("%c", zero, "\0", 1, "%c of 0 writes a NUL");

	/* compiled printf: dynamic sizes clamp_t(int, v, 0, room) */
	is_printf("%*d|", neg_width, "7|", 0, "a negative * width counts as 0");
	is_printf("%.*s|", neg_prec, "|", 0, "a negative .* precision counts as 0");
	is_printf("%*d", wide, "    7", 0, "a * width is cut to an int first");

	/* string_to_components() */
	is_printf("100%", none, "100%", 0, "a lone % at the end");
	is_printf("%%d %%", none, "%d %", 0, "%% is %");
	is_printf("ab%l", none, "ab", 0, "%l at the end vanishes");
	is_printf("ab%.", none, "ab", 0, "%. at the end vanishes");
	is_printf("", none, "", 0, "empty format");
	is_printf("%-08d|", seven, "7       |", 0, "'-' then the width 08: 0 is a digit there");
}

static void test_errors(void)
{
	static const struct {
		const char *fmt;
		const char *msg;
		int col;
	} bad[] = {
	    {"abc %-+5d", "invalid or missing conversion specifier", 4},
	    {"%lld", "invalid or missing conversion specifier", 0},
	    {"%hd", "invalid or missing conversion specifier", 0},
	    {"x %q", "invalid or missing conversion specifier", 2},
	    {"%n", "invalid or missing conversion specifier", 0},
	    {"%5", "trailing incomplete print format conversion", 0},
	    {"ok %-", "trailing incomplete print format conversion", 3},
	    {"%5.", "trailing incomplete print format conversion", 0},
	    {"%.5", "trailing incomplete print format conversion", 0},
	    {"%5l", "trailing incomplete print format conversion", 0},
	};
	enum rt_type ls[] = {RT_LONG, RT_STRING};
	enum rt_type ll[] = {RT_LONG, RT_LONG};
	enum rt_type sl[] = {RT_STRING, RT_LONG};
	enum rt_type lls[] = {RT_LONG, RT_LONG, RT_STRING};
	struct rt_format *f;
	char err[160];
	int col;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		col = 99;
		is_int(rt_format_compile(bad[i].fmt, &f, err, sizeof(err), &col), -EINVAL,
		       "\"%s\" refused", bad[i].fmt);
		is_str(err, bad[i].msg, "... %s", bad[i].msg);
		is_int(col, bad[i].col, "... at column %d", bad[i].col);
	}

	is_int(rt_format_compile("%*.*d %s %p%c%b%m%M%%", &f, NULL, 0, NULL), 0, "parsed");
	is_int(rt_format_nargs(f), 9, "9 arguments: width, precision, then one per conversion");
	is_int(rt_format_arg_type(f, 0), RT_LONG, "the width is a long");
	is_int(rt_format_arg_type(f, 3), RT_STRING, "%%s takes a string");
	is_int(rt_format_arg_type(f, 9), RT_NONE, "past the end");
	rt_format_free(f);

	is_int(rt_format_check("%d: %s", ls, 2, err, sizeof(err), &col), 0, "types match");
	is_int(rt_format_check("%d: %s", ll, 2, err, sizeof(err), &col), -EINVAL, "a long for %%s");
	is_int(col, 4, "... reported at the %%s");
	is_str(err, "argument 2 must be a string, not a long", "... %s", err);
	is_int(rt_format_check("%d", sl, 1, err, sizeof(err), &col), -EINVAL, "a string for %%d");
	is_int(col, 0, "... at column 0");
	is_int(rt_format_check("%d %d", ll, 1, err, sizeof(err), &col), -EINVAL,
	       "too few arguments");
	is_int(col, -1, "... reported at the call, not in the format");
	ok(strstr(err, "Wrong number of args") != NULL, "... %s", err);
	is_int(rt_format_check("x %*d", sl, 2, err, sizeof(err), &col), -EINVAL,
	       "a string for the * width");
	is_int(col, 2, "... at its conversion");
	is_int(rt_format_check("%*.*s", lls, 3, err, sizeof(err), &col), 0, "%%*.*s types");
	is_int(rt_format_check("%5", ll, 0, err, sizeof(err), &col), -EINVAL,
	       "parse errors come first");
}

static void test_defensive(void)
{
	struct arg swapped[] = {S("x"), L(5), END};
	struct arg missing[] = {L(5), END};
	struct arg extra[] = {L(5), L(6), END};
	struct rt_buf b;

	is_int(pf(&b, "%d %s.", swapped), -EINVAL, "mismatched types: -EINVAL");
	is_str(rt_buf_cstr(&b), "0 .", "... printed as 0 and \"\"");
	rt_buf_free(&b);
	is_int(pf(&b, "%d %d %s.", missing), -EINVAL, "missing arguments: -EINVAL");
	is_str(rt_buf_cstr(&b), "5 0 .", "... printed as 0 and \"\"");
	rt_buf_free(&b);
	is_int(pf(&b, "%d", extra), -EINVAL, "extra arguments: -EINVAL");
	is_str(rt_buf_cstr(&b), "5", "... ignored");
	rt_buf_free(&b);
}

static void test_limits(void)
{
	char s300[301], want[600];
	struct arg two[] = {S(s300), S(s300), END};
	struct arg one[] = {L(1), END};
	struct arg h0[] = {L(72), L(0), L(72), END};
	struct rt_value v[20];
	struct rt_str *r;
	struct rt_buf b;
	int rc;

	memset(s300, 'x', 300);
	s300[300] = '\0';
	r = spf("%s%s", two, 0, &rc);
	is_int(r->len, 511, "sprintf is cut at MAXSTRINGLEN - 1");
	rt_str_unref(r);
	r = spf("%s%s", two, 100, &rc);
	is_int(r->len, 99, "... with a smaller MAXSTRINGLEN too");
	rt_str_unref(r);
	r = spf("%600d", one, 0, &rc);
	memset(want, ' ', 511);
	want[511] = '\0';
	is_str(r->data, want, "a wide field is cut too (the 1 never fits)");
	rt_str_unref(r);
	r = spf("%1b%1b%1b", h0, 0, &rc);
	is_str(r->data, "H", "sprintf's string ends at a NUL byte (%%b of 0)");
	rt_str_unref(r);

	/* printf writes at most STP_BUFFER_SIZE bytes at once */
	for (int i = 0; i < 20; i++)
		v[i] = rt_value_string(rt_str_cstr(s300, 0));
	rt_buf_init(&b, 0);
	rt_buf_put(&b, "head:", 5);
	rc = rt_printf(&b, "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s|", v, 20, NULL);
	is_int(rc, 0, "a long printf");
	is_int(b.len, 5 + 6000 + 1, "6001 bytes fit");
	for (int i = 0; i < 20; i++) {
		rt_value_release(&v[i]);
		v[i] = rt_value_string(rt_str_cstr(want, 0)); /* 511 bytes */
	}
	rt_buf_reset(&b);
	rc = rt_printf(&b, "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s|", v, 20, NULL);
	is_int(b.len, RT_PRINT_BUFFER_SIZE, "printf output stops at 8192 bytes");
	for (int i = 0; i < 20; i++)
		rt_value_release(&v[i]);
	rt_buf_free(&b);
}

static void test_print_values(void)
{
	struct rt_value v[3] = {rt_value_long(-12), rt_value_string(rt_str_cstr("ab", 0)),
				rt_value_long(3)};
	struct rt_value stats = {.type = RT_STATS};
	struct rt_str *s;
	struct rt_buf b;

	rt_buf_init(&b, 0);
	is_int(rt_print_values(&b, v, 3, NULL, false), 0, "print");
	is_str(rt_buf_cstr(&b), "-12ab3", "print(-12, \"ab\", 3)");
	rt_buf_reset(&b);
	rt_print_values(&b, v, 3, NULL, true);
	is_str(rt_buf_cstr(&b), "-12ab3\n", "println");
	rt_buf_reset(&b);
	rt_print_values(&b, v, 3, "/", false);
	is_str(rt_buf_cstr(&b), "-12/ab/3", "printd(\"/\", ...) as langref's example");
	rt_buf_reset(&b);
	rt_print_values(&b, v, 3, ", ", true);
	is_str(rt_buf_cstr(&b), "-12, ab, 3\n", "printdln");
	is_int(rt_print_values(&b, &stats, 1, NULL, false), -EINVAL,
	       "cannot print a raw stats object");
	rt_buf_free(&b);

	is_int(rt_print_values_str(v, 3, "-", true, 0, &s), 0, "sprintdln");
	is_str(s->data, "-12-ab-3\n", "... as a string");
	rt_str_unref(s);
	rt_print_values_str(v, 3, NULL, false, 4, &s);
	is_str(s->data, "-12", "sprint truncated to MAXSTRINGLEN - 1");
	rt_str_unref(s);
	rt_value_release(&v[1]);
}

int main(void)
{
	test_testsuite_numbers();
	test_testsuite_chars_strings();
	test_binary();
	test_memory();
	test_quirks();
	test_errors();
	test_defensive();
	test_limits();
	test_print_values();
	return tap_done();
}
