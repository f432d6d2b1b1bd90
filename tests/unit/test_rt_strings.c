/* test_rt_strings.c: strings and the string builtins as SystemTap's tapset defines them. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runtime/buf.h"
#include "runtime/strings.h"
#include "tests/tap.h"

/*
 * Expected values come from SystemTap's tapset code (tapset/string.stp:
 * substr's clamp and strlcpy, stringat, isinstr's strstr, str_replace's
 * strlcat, strtol's simple_strtol; tapset/tokenize.stp's strsep loop;
 * runtime/stp_string.c's _stp_text_str) and from its testsuite where it
 * has one: systemtap.string/strpos.exp, string_quoted.exp,
 * systemtap.printf/char1.stp (stringat).
 */

static struct rt_str *S(const char *s)
{
	return rt_str_cstr(s, 0);
}

/* Check and drop a returned string. */
static void is_rstr(struct rt_str *got, const char *want, const char *what)
{
	is_str(got ? got->data : NULL, want, "%s", what);
	if (got)
		is_int(got->len, strlen(want), "%s: length", what);
	rt_str_unref(got);
}

static void test_values(void)
{
	struct rt_str *a = S("foo"), *b = S("bar"), *big, *c;
	char long_text[600];
	struct rt_value v, w;

	is_rstr(rt_str_concat(a, b, 0), "foobar", "\"foo\" . \"bar\"");
	is_rstr(rt_str_concat(a, b, 5), "foob", "concatenation truncated to MAXSTRINGLEN - 1");
	memset(long_text, 'y', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	big = S(long_text);
	is_int(big->len, 511, "strings keep at most 511 bytes by default");
	is_rstr(rt_str_concat(big, a, 0), long_text + 88, "full . anything = full");
	is_rstr(rt_str_new("ab\0cd", 5, 0), "ab", "a string ends at a NUL byte, as in C");
	is_rstr(rt_str_from_long(-9223372036854775807LL - 1), "-9223372036854775808",
		"a long as sprint() writes it");
	is_rstr(rt_str_from_long(42), "42", "42");
	ok(rt_str_cmp(a, b) > 0, "\"foo\" > \"bar\"");
	c = S("foo");
	ok(rt_str_cmp(a, c) == 0 && rt_str_eq(a, c), "\"foo\" == \"foo\"");
	rt_str_unref(c);
	c = S("fo");
	ok(rt_str_cmp(c, a) < 0, "a prefix sorts first");
	rt_str_unref(c);
	c = S("\xe9");
	ok(rt_str_cmp(c, a) > 0, "bytes compare unsigned (strncmp)");
	rt_str_unref(c);
	ok(rt_str_empty() == S(""), "every empty string is the shared one");
	rt_str_unref(rt_str_empty());
	ok(rt_str_empty()->refs == RT_STR_IMMORTAL, "... which refcounting leaves alone");

	v = rt_value_string(rt_str_ref(a));
	rt_value_copy(&w, &v);
	is_int(a->refs, 3, "a value copy takes a reference");
	rt_value_release(&v);
	rt_value_release(&w);
	is_int(a->refs, 1, "releasing drops it");
	is_int(w.type, RT_NONE, "a released value is RT_NONE");
	v = rt_value_zero(RT_STRING);
	is_str(v.str->data, "", "the zero string is \"\"");
	is_int(rt_value_zero(RT_LONG).num, 0, "the zero long is 0");
	ok(rt_value_zero(RT_STATS).stats == NULL, "the zero aggregate is absent");
	is_str(rt_strerror(-ENODATA), "empty aggregate", "-ENODATA reads as SystemTap says");
	is_str(rt_strerror(-E2BIG), "Array overflow, check MAXMAPENTRIES", "-E2BIG");
	rt_str_unref(a);
	rt_str_unref(b);
	rt_str_unref(big);
}

static void test_buf(void)
{
	struct rt_buf b;

	rt_buf_init(&b, 6);
	is_str(rt_buf_cstr(&b), "", "an empty buffer reads as \"\"");
	rt_buf_put(&b, "abc", 3);
	rt_buf_printf(&b, "%d", 12345);
	is_str(rt_buf_cstr(&b), "abc123", "a capped buffer drops what passes the cap");
	is_int(rt_buf_room(&b), 0, "no room left");
	rt_buf_free(&b);
	rt_buf_init(&b, 0);
	for (int i = 0; i < 1000; i++)
		rt_buf_printf(&b, "%s", "0123456789");
	is_int(b.len, 10000, "an uncapped buffer grows");
	rt_buf_printf(&b, "%0300d", 7);
	is_int(b.len, 10300, "long printf output (past the small buffer)");
	rt_buf_free(&b);
}

static void test_substr_and_friends(void)
{
	struct rt_str *h = S("hello"), *okstr = S("ok"), *e = S(""), *hi = S("\xe9");
	int64_t c;

	is_int(rt_strlen(h), 5, "strlen");
	is_rstr(rt_substr(h, 1, 3, 0), "ell", "substr(\"hello\", 1, 3)");
	is_rstr(rt_substr(h, 0, 5, 0), "hello", "substr whole");
	is_rstr(rt_substr(h, 3, 100, 0), "lo", "substr past the end: the rest");
	is_rstr(rt_substr(h, 5, 1, 0), "", "start at the end: \"\"");
	is_rstr(rt_substr(h, -1, 3, 0), "", "negative start: \"\"");
	is_rstr(rt_substr(h, 1, 0, 0), "", "length 0");
	is_rstr(rt_substr(h, 1, -4, 0), "", "negative length");
	is_rstr(rt_substr(h, 1, INT64_MAX, 0), "", "length INT64_MAX: length + 1 wraps, \"\"");
	is_rstr(rt_substr(h, 1, INT64_MAX - 1, 0), "ello", "a huge length is capped");
	is_rstr(rt_substr(h, 0, 3, 3), "he", "length capped at MAXSTRINGLEN - 1");
	is_rstr(rt_substr(e, 0, 3, 0), "", "substr of \"\"");

	is_int(rt_stringat(okstr, 0, &c), 0, "stringat(\"ok\", 0)");
	is_int(c, 'o', "... 'o' (char1.stp)");
	rt_stringat(okstr, 1, &c);
	is_int(c, 'k', "stringat(\"ok\", 1)");
	is_int(rt_stringat(okstr, 2, &c), -ERANGE, "stringat past the end: Position out of bounds");
	is_int(rt_stringat(okstr, -1, &c), -ERANGE, "negative position");
	rt_stringat(hi, 0, &c);
	is_int(c, -23, "a high byte is a negative char");

	{
		struct rt_str *d = S("7x");

		is_int(rt_isdigit(d), 1, "isdigit(\"7x\")");
		rt_str_unref(d);
	}
	is_int(rt_isdigit(h), 0, "isdigit(\"hello\")");
	is_int(rt_isdigit(e), 0, "isdigit(\"\")");
	rt_str_unref(h);
	rt_str_unref(okstr);
	rt_str_unref(e);
	rt_str_unref(hi);
}

static void test_search(void)
{
	/* strpos.exp */
	static const struct {
		const char *hay, *needle;
		int64_t pos;
	} cases[] = {
	    {"foo", "abcfoobad", -1}, {"abcfoobad", "foo", 3}, {"foo", "foo", 0},
	    {"foo", "", 0},	      {"", "foo", -1},	       {"", "", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rt_str *h = S(cases[i].hay), *n = S(cases[i].needle);

		is_int(rt_strpos(h, n), cases[i].pos, "strpos(\"%s\", \"%s\")", cases[i].hay,
		       cases[i].needle);
		is_int(rt_isinstr(h, n), cases[i].pos >= 0, "isinstr(\"%s\", \"%s\")", cases[i].hay,
		       cases[i].needle);
		rt_str_unref(h);
		rt_str_unref(n);
	}
}

static void test_strtol(void)
{
	static const struct {
		const char *s;
		int64_t base, want;
	} cases[] = {
	    {"123", 10, 123},
	    {"-42", 10, -42},
	    {"0x1f", 16, 31},
	    {"1F", 16, 31},
	    {"0x1f", 0, 31},
	    {"017", 0, 15},
	    {"17", 0, 17},
	    {"0x", 0, 0}, /* "0x" without a hex digit: octal 0 */
	    {"777", 8, 511},
	    {"789", 8, 7}, /* stops at the first digit too big */
	    {"101", 2, 5},
	    {"12abc", 10, 12},
	    {"z", 10, 0},
	    {"", 10, 0},
	    {" 5", 10, 0}, /* no blanks skipped */
	    {"+5", 10, 0}, /* no '+' */
	    {"--5", 10, 0},
	    {"18446744073709551615", 10, -1}, /* wraps, no overflow check */
	    {"9223372036854775808", 10, INT64_MIN},
	    {"ff", 36, 555}, /* the kernel only knows digits up to f */
	    {"g", 36, 0},
	    {"11", -1, 4294967296LL}, /* base taken as an unsigned int: 1 * 0xffffffff + 1 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rt_str *s = S(cases[i].s);

		is_int(rt_strtol(s, cases[i].base), cases[i].want, "strtol(\"%s\", %lld)",
		       cases[i].s, (long long)cases[i].base);
		rt_str_unref(s);
	}
}

static void test_replace(void)
{
	struct rt_str *p = S("hello world"), *o = S("o"), *z = S("0"), *e = S(""), *ll = S("ll");
	struct rt_str *x = S("xxxxxxxxxx"), *xx = S("xxx");

	is_rstr(rt_str_replace(p, o, z, 0), "hell0 w0rld", "str_replace every match");
	is_rstr(rt_str_replace(p, ll, e, 0), "heo world", "replace with \"\"");
	is_rstr(rt_str_replace(p, e, z, 0), "hello world", "empty search: unchanged");
	is_rstr(rt_str_replace(p, z, o, 0), "hello world", "no match");
	is_rstr(rt_str_replace(x, o, z, 0), "xxxxxxxxxx", "no match either");
	is_rstr(rt_str_replace(x, x, xx, 0), "xxx", "whole string");
	is_rstr(rt_str_replace(p, o, x, 12), "hellxxxxxxx", "truncated to MAXSTRINGLEN - 1");
	rt_str_unref(p);
	rt_str_unref(o);
	rt_str_unref(z);
	rt_str_unref(e);
	rt_str_unref(ll);
	rt_str_unref(x);
	rt_str_unref(xx);
}

static void test_text_str(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"plain text", "plain text"},
	    {"a\tb\nc", "a\\tb\\nc"},
	    {"\a\b\f\r\v", "\\a\\b\\f\\r\\v"},
	    {"say \"hi\" \\o/", "say \\\"hi\\\" \\\\o/"},
	    {"it's", "it's"},
	    {"\x01\x1f\x7f", "\\001\\037\\177"},
	    {"caf\xc3\xa9", "caf\\u00E9"},		  /* UTF-8 as \u, upper-case hex */
	    {"\xe2\x82\xac", "\\u20AC"},		  /* a 3-byte sequence */
	    {"\xf0\x9f\x98\x80", "\\U0001F600"},	  /* 4 bytes: \U and 8 digits */
	    {"\xc3(", "\\303("},			  /* bad continuation: bytes */
	    {"\xc0\x80", "\\300\\200"},			  /* overlong */
	    {"\xed\xa0\x80", "\\355\\240\\200"},	  /* a surrogate */
	    {"\xf4\x90\x80\x80", "\\364\\220\\200\\200"}, /* past U+10FFFF */
	    {"\xff", "\\377"},
	    {"end\xc3", "end\\303"}, /* cut short by the end */
	};
	/* string_quoted.exp: text_strn(s, 0, 1) */
	static const struct {
		const char *in, *want;
	} quoted[] = {
	    {"", "\"\""},
	    {"hello world", "\"hello world\""},
	    {"hello\nworld", "\"hello\\nworld\""},
	    {"\"hello\nworld\"", "\"\\\"hello\\nworld\\\"\""},
	};
	char many[301], want[600];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rt_str *s = S(cases[i].in);

		is_rstr(rt_text_str(s, 0), cases[i].want, cases[i].want);
		rt_str_unref(s);
	}
	for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
		struct rt_str *s = S(quoted[i].in);

		is_rstr(rt_text_strn(s, 0, true, 0), quoted[i].want, quoted[i].want);
		rt_str_unref(s);
	}

	/* _stp_text_str()'s truncation */
	{
		struct rt_str *s = S("hello world");

		is_rstr(rt_text_strn(s, 10, true, 0), "\"hello\"...", "quoted, cut to 10 bytes");
		is_rstr(rt_text_strn(s, 5, false, 0), "hello", "unquoted, cut to 5 bytes");
		is_rstr(rt_text_strn(s, 3, true, 0), "\"\"...", "quoted needs at least 5 bytes");
		is_rstr(rt_text_strn(s, 13, true, 0), "\"hello world\"", "exactly fits");
		is_rstr(rt_text_strn(s, -5, true, 0), "\"hello world\"", "len <= 0: MAXSTRINGLEN");
		rt_str_unref(s);
		s = S("a\001bcdef");
		is_rstr(rt_text_strn(s, 9, true, 0), "\"a\"...",
			"an escape the cut would split goes whole");
		rt_str_unref(s);
		s = S("ab\001cd");
		is_rstr(rt_text_strn(s, 7, true, 0), "\"ab\"...", "an escape that does not fit");
		is_rstr(rt_text_strn(s, 4, false, 0), "ab", "unquoted: stops before it");
		rt_str_unref(s);
	}
	memset(many, 1, 300);
	many[300] = '\0';
	want[0] = '\0';
	for (int i = 0; i < 127; i++)
		strcat(want, "\\001");
	{
		struct rt_str *s = S(many);

		is_rstr(rt_text_str(s, 0), want, "escapes stop before passing 511 bytes");
		rt_str_unref(s);
	}
}

static void test_tokenize(void)
{
	struct rt_tokenizer t;
	struct rt_str *in = S("a,b,,c"), *comma = S(","), *e = S(""), *tok;
	struct rt_str *delims = S(" \t"), *words = S("  one\ttwo  three "), *commas = S(",,,");

	rt_tokenizer_init(&t);
	rt_tokenize(&t, e, comma, 0, &tok);
	is_rstr(tok, "", "tokenize(\"\", d) before any input: \"\"");
	rt_tokenize(&t, in, comma, 0, &tok);
	is_rstr(tok, "a", "tokenize(\"a,b,,c\", \",\") starts: a");
	rt_tokenize(&t, e, comma, 0, &tok);
	is_rstr(tok, "b", "tokenize(\"\", \",\") continues: b");
	rt_tokenize(&t, e, comma, 0, &tok);
	is_rstr(tok, "c", "empty tokens are skipped: c");
	rt_tokenize(&t, e, comma, 0, &tok);
	is_rstr(tok, "", "then \"\"");
	rt_tokenize(&t, e, comma, 0, &tok);
	is_rstr(tok, "", "and \"\" again");

	rt_tokenize(&t, words, delims, 0, &tok);
	is_rstr(tok, "one", "a set of delimiters, leading ones skipped");
	rt_tokenize(&t, in, comma, 0, &tok);
	is_rstr(tok, "a", "new input starts over");
	rt_tokenize(&t, e, delims, 0, &tok);
	is_rstr(tok, "b,,c", "the delimiters may change between calls");
	rt_tokenize(&t, commas, comma, 0, &tok);
	is_rstr(tok, "", "only delimiters: \"\"");
	rt_tokenize(&t, in, e, 0, &tok);
	is_rstr(tok, "a,b,,c", "no delimiters: the whole input");
	rt_tokenize(&t, in, comma, 3, &tok);
	is_rstr(tok, "a", "input truncated to MAXSTRINGLEN - 1 (\"a,\")");
	rt_tokenize(&t, e, comma, 3, &tok);
	is_rstr(tok, "", "... so nothing after it");
	rt_tokenizer_free(&t);
	rt_str_unref(in);
	rt_str_unref(comma);
	rt_str_unref(e);
	rt_str_unref(delims);
	rt_str_unref(words);
	rt_str_unref(commas);
}

int main(void)
{
	test_values();
	test_buf();
	test_substr_and_friends();
	test_search();
	test_strtol();
	test_replace();
	test_text_str();
	test_tokenize();
	return tap_done();
}
