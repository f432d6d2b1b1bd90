/* expr_helpers.h: C-level fetch expressions built by hand, as the parser
 * would, and fetch plans spelled back, for unit tests (header-only). */
#ifndef UTAP_TESTS_EXPR_HELPERS_H
#define UTAP_TESTS_EXPR_HELPERS_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"

/* "%di" or "%0" (the ABI register of argument 0) as a raw fetch. */
static inline struct fetch *expr_raw_fetch(const char *s, size_t n, unsigned *argn, bool *is_arg)
{
	struct fetch *f = calloc(1, sizeof(*f));
	char reg[16];
	int64_t off;

	*is_arg = s[1] >= '0' && s[1] <= '9';
	f->op = FETCH_REG;
	if (*is_arg) {
		*argn = (unsigned)atoi(s + 1);
		f->reg = arch_arg_location(*argn, &off);
	} else if (n - 1 < sizeof(reg)) {
		memcpy(reg, s + 1, n - 1);
		reg[n - 1] = '\0';
		f->reg = arch_reg_index(reg);
	}
	return f;
}

static inline size_t expr_name_len(const char *s)
{
	size_t n = 0;

	while (s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	       (s[n] >= '0' && s[n] <= '9'))
		n++;
	return n;
}

static inline void expr_add_access(struct probe_expr *e, enum probe_access_kind kind, const char *s,
				   size_t n, int64_t index, int column)
{
	struct probe_access *a;

	e->access = realloc(e->access, (e->naccess + 1) * sizeof(*e->access));
	a = &e->access[e->naccess++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->member = kind == ACCESS_INDEX ? NULL : strndup(s, n);
	a->index = index;
	a->column = column;
}

/* [!(CAST)]BASE[->m|.m|[i]]... */
static inline struct probe_expr *expr_build(const char *text)
{
	struct probe_expr *e = calloc(1, sizeof(*e));
	const char *p = text, *close;
	size_t n;
	bool is_arg;

	if (p[0] == '!') {
		close = strchr(p, ')');
		e->cast = strndup(p + 2, (size_t)(close - p - 2));
		e->cast_column = 3;
		p = close + 1;
	}
	e->column = (int)(p - text) + 1;
	n = expr_name_len(p + 1) + 1;
	if (strncmp(p, "(input)", 7) == 0) { /* a script's @cast(VALUE, ...) */
		e->base = PEXPR_INPUT;
		n = 7;
	} else if (p[0] == '$' && strncmp(p, "$retval", n) == 0 && n == 7) {
		e->base = PEXPR_RETVAL;
		e->raw = calloc(1, sizeof(*e->raw));
		e->raw->op = FETCH_RETVAL;
	} else if (p[0] == '$') {
		e->base = PEXPR_VAR;
		e->name = strndup(p + 1, n - 1);
	} else if (p[0] == '@' && p[1] >= '0' && p[1] <= '9') {
		e->base = PEXPR_ADDR;
		e->addr = strtoull(p + 1, NULL, 0);
	} else if (p[0] == '@') {
		e->base = PEXPR_GLOBAL;
		e->name = strndup(p + 1, n - 1);
		if (p[n] == '@') { /* @name@file.c: a script's @var("name@file.c") */
			size_t f = strcspn(p + n + 1, "-.[");

			while (p[n + 1 + f] == '.' && p[n + 2 + f] != '\0' && p[n + 2 + f] != '-' &&
			       strchr("ch", p[n + 2 + f]))
				f += 2; /* the ".c" of the file, not a member */
			e->file = strndup(p + n + 1, f);
			n += 1 + f;
		}
	} else if (p[0] == '+') { /* +OFF(%REG) */
		char *open;
		long off = strtol(p + 1, &open, 0);
		size_t rn = expr_name_len(open + 2) + 1;

		e->raw = calloc(1, sizeof(*e->raw));
		e->raw->op = FETCH_DEREF;
		e->raw->offset = off;
		e->raw->inner = expr_raw_fetch(open + 1, rn, &e->argn, &is_arg);
		e->base = PEXPR_REG;
		n = (size_t)(open + 1 + rn + 1 - p);
	} else {
		e->raw = expr_raw_fetch(p, n, &e->argn, &is_arg);
		e->base = is_arg ? PEXPR_ARG : PEXPR_REG;
	}
	p += n;
	while (*p) {
		int col = (int)(p - text) + 1;

		if (p[0] == '[') {
			expr_add_access(e, ACCESS_INDEX, NULL, 0, strtoll(p + 1, NULL, 10), col);
			/* [i]: a script's index computed at run time */
			e->access[e->naccess - 1].by_input = p[1] == 'i';
			p = strchr(p, ']') + 1;
		} else {
			size_t skip = p[0] == '.' ? 1 : 2;

			n = expr_name_len(p + skip);
			expr_add_access(e, p[0] == '.' ? ACCESS_DOT : ACCESS_ARROW, p + skip, n, 0,
					col);
			p += skip + n;
		}
	}
	return e;
}

/* The plan in a spelling of our own (so this test does not depend on -S's):
 * %reg, %reg+N, 0xN, +N(inner), $retval, %xmmN, $stack+N, none. */
static inline void plan_spell(const struct fetch *f, char *buf, size_t len)
{
	size_t used;

	if (!f) {
		snprintf(buf, len, "NULL");
		return;
	}
	switch (f->op) {
	case FETCH_REG:
		if (f->offset)
			snprintf(buf, len, "%%%s%+" PRId64, arch_reg_name(f->reg), f->offset);
		else
			snprintf(buf, len, "%%%s", arch_reg_name(f->reg));
		return;
	case FETCH_STACK:
		snprintf(buf, len, "$stack%+" PRId64, f->offset);
		return;
	case FETCH_RETVAL:
		snprintf(buf, len, "$retval");
		return;
	case FETCH_CONST:
		snprintf(buf, len, "0x%" PRIx64, (uint64_t)f->offset);
		return;
	case FETCH_FPREG:
		snprintf(buf, len, "%%xmm%d", f->reg);
		return;
	case FETCH_NONE:
		snprintf(buf, len, "none");
		return;
	case FETCH_INPUT:
		snprintf(buf, len, "input");
		return;
	case FETCH_INDEX:
		plan_spell(f->inner, buf, len);
		used = strlen(buf);
		snprintf(buf + used, len - used, "+input*%" PRId64, f->offset);
		return;
	case FETCH_DEREF:
		snprintf(buf, len, "%+" PRId64 "(", f->offset);
		used = strlen(buf);
		plan_spell(f->inner, buf + used, len - used);
		used = strlen(buf);
		snprintf(buf + used, len - used, ")");
		return;
	}
	snprintf(buf, len, "?");
}

static inline void arg_release(struct probe_arg *a)
{
	struct fetch *f = a->fetch;

	while (f) {
		struct fetch *inner = f->inner;

		free(f);
		f = inner;
	}
	for (size_t i = 0; i < a->nenums; i++)
		free(a->enums[i].name);
	free(a->enums);
	free(a->ctype);
}

#endif
