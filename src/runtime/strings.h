/* strings.h: SystemTap's string builtins (tapset/string.stp, tokenize.stp) on rt strings. */
#ifndef UTAP_RUNTIME_STRINGS_H
#define UTAP_RUNTIME_STRINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/value.h"

/*
 * Functions returning "struct rt_str *" return a new reference (NULL only
 * without memory); MAXLEN is MAXSTRINGLEN as in value.h (0: the default).
 * Out-of-range arguments behave as SystemTap's C does, noted for each.
 */

/* strlen(s). */
int64_t rt_strlen(const struct rt_str *s);

/*
 * substr(str, start, length): LENGTH bytes from START (0-based), fewer at
 * the end of STR.  "" when START is negative or not inside STR, or when
 * LENGTH <= 0; LENGTH is capped at MAXLEN - 1 (SystemTap clamps length + 1
 * to [0, MAXSTRINGLEN], so a LENGTH of INT64_MAX, whose + 1 wraps, gives ""
 * too).
 */
struct rt_str *rt_substr(const struct rt_str *s, int64_t start, int64_t length, size_t maxlen);

/* stringat(str, pos): the byte at POS as a (signed) char.  -ERANGE
 * ("Position out of bounds") outside STR, *OUT = 0. */
int rt_stringat(const struct rt_str *s, int64_t pos, int64_t *out);

/* isinstr(s1, s2): 1 when S2 occurs in S1 ("" occurs everywhere), else 0. */
int64_t rt_isinstr(const struct rt_str *s1, const struct rt_str *s2);

/* strpos(haystack, needle): the offset of the first NEEDLE, -1 if none
 * (0 for an empty NEEDLE). */
int64_t rt_strpos(const struct rt_str *haystack, const struct rt_str *needle);

/*
 * strtol(str, base): the kernel's simple_strtol(), which SystemTap calls:
 * an optional '-', then for BASE 0 "0x" + hex digit means 16, a leading 0
 * means 8, else 10; BASE 16 skips a "0x"; digits 0-9 a-f A-F below BASE
 * are read until the first other byte; no blanks, no '+', no overflow
 * check (the value wraps); "" and garbage give 0.  BASE is taken as an
 * unsigned int, as the kernel does.
 */
int64_t rt_strtol(const struct rt_str *s, int64_t base);

/* isdigit(str): whether the first byte is 0-9. */
int64_t rt_isdigit(const struct rt_str *s);

/* str_replace(prnt, srch, rplc): every SRCH in PRNT replaced, left to right,
 * truncated to MAXLEN - 1; an empty SRCH returns PRNT. */
struct rt_str *rt_str_replace(const struct rt_str *prnt, const struct rt_str *srch,
			      const struct rt_str *rplc, size_t maxlen);

/*
 * text_str(input): non-printable bytes escaped as SystemTap's
 * _stp_text_str() does: \a \b \f \n \r \t \v \" \\ (and \0), other bytes
 * as three octal digits ("\377"), valid UTF-8 sequences as \uXXXX or
 * \UXXXXXXXX (upper-case hex).  The output stops, silently, before the
 * escape that would pass MAXLEN - 1 bytes.
 */
struct rt_str *rt_text_str(const struct rt_str *input, size_t maxlen);

/* text_strn(input, len, quoted): the same within LEN output bytes (0 or
 * out of range: MAXLEN - 1), and with QUOTED the result in double quotes,
 * followed by "..." when the input did not fit ("\"abc\"..."). */
struct rt_str *rt_text_strn(const struct rt_str *input, int64_t len, bool quoted, size_t maxlen);

/*
 * tokenize(input, delim)'s state, which SystemTap keeps in the probe
 * context: the caller owns one (per interpreter thread), zero-initialized
 * or set up with rt_tokenizer_init(), and frees it with
 * rt_tokenizer_free().
 */
struct rt_tokenizer {
	char *buf;  /* the copy of the last non-empty input */
	char *next; /* where the next token starts; NULL: none left */
	char *end;
};

void rt_tokenizer_init(struct rt_tokenizer *t);
void rt_tokenizer_free(struct rt_tokenizer *t);

/*
 * tokenize(input, delim): a non-empty INPUT (truncated to MAXLEN - 1) starts
 * over and returns its first token; an empty one continues with the
 * previous input.  A token is the next non-empty run of bytes not in DELIM
 * (empty tokens between adjacent delimiters are skipped, as strsep()
 * loops in the tapset); "" when none is left.  *OUT set, or -ENOMEM.
 */
int rt_tokenize(struct rt_tokenizer *t, const struct rt_str *input, const struct rt_str *delim,
		size_t maxlen, struct rt_str **out);

#endif
