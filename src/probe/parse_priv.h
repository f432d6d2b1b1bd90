/* parse_priv.h: what the one-liner parser's files share; not for other modules. */
#ifndef UTAP_PROBE_PARSE_PRIV_H
#define UTAP_PROBE_PARSE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"

struct probe_parser {
	const char *text;	 /* the whole probe, for columns */
	enum probe_kind kind;	 /* known once the location is parsed */
	bool named;		 /* "p:EVENT" gave the probe its name */
	struct probe_error *err; /* may be NULL */
};

/* Fill PS->err with a message about the text at AT (a column is derived
 * from it) and return -EINVAL. HINT may be NULL. */
int probe_fail(struct probe_parser *ps, const char *at, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Decimal or 0x-hex, exactly N characters, no overflow. */
bool probe_parse_u64(const char *s, size_t n, uint64_t *out);

/* Parse the FETCH of "NAME=FETCH" in [S, END) into ARG: a raw fetch into
 * ARG->fetch and ARG->type, a C-level one (cast, $name, @name, accessors)
 * into ARG->expr. ARG->name is set already. Returns 0, -EINVAL (error
 * filled in) or -ENOMEM. */
int probe_parse_arg(struct probe_parser *ps, const char *s, const char *end, struct probe_arg *arg);

/* A raw fetch (%REG, %N, $retval, $stackN, $argN, +OFF(FETCH)) at *P,
 * which is left after it. Returns 0, -EINVAL (error filled) or -ENOMEM. */
int probe_parse_raw_fetch(struct probe_parser *ps, const char **p, const char *end,
			  struct fetch **out);
/* ":TYPE" in [S, END) (S at the ':'). 0 or -EINVAL. */
int probe_parse_type(struct probe_parser *ps, const char *s, const char *end,
		     enum probe_type *type);


/* Strings are printed (and compared by filters) up to this many bytes,
 * read a page at a time so one crossing into unmapped memory still shows
 * its readable part. */
#define PRINT_STRING_MAX 256
#define PRINT_PAGE 4096

/* Read the NUL-terminated string at ADDR into BUF (PRINT_STRING_MAX
 * bytes); *LEN gets its length, *CUT whether it was longer. Returns 0, or
 * -EFAULT when not even its first byte can be read. */
int probe_read_string(const struct arch_mem *mem, uint64_t addr, char *buf, size_t *len,
		      bool *cut);

/* "f:EXPR": compile the filter in [S, END) over PROBE's fields (all parsed
 * already) into probe->filter. Returns 0, -EINVAL (error filled) or -ENOMEM. */
int probe_parse_filter(struct probe_parser *ps, const char *s, const char *end,
		       struct probe *probe);
void probe_filter_free(struct probe_filter *filter);

/* plt.c: whether the symbol [SYM, *END) is NAME@plt: 1, with the suffix
 * cut off (*END moves back) and OUT->plt set; 0 when it is not; -1 when
 * "@plt" is misused (after an offset, with +OFF after it). */
int probe_parse_plt_suffix(const char *sym, const char **end, struct probe *out);
/* plt.c: a PLT probe's fetches, once parsed: the called function's DWARF
 * is in another module, so names and types of its parameters are refused.
 * 0 or -EINVAL (error filled). */
int probe_check_plt_args(struct probe_parser *ps, const struct probe *out);

#endif
