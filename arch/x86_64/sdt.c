/* sdt.c: an SDT marker's argument ("-4@%edi", "8@-8(%rbp)", "-4@$42": GAS's x86-64
 * operands) as the fetch a one-liner writes ("%di:s32", "-8(%bp):u64", "\42:s32"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"

/* Every spelling of a general register, by width, to its 64-bit name as
 * uprobe_events writes it. */
static const char *const reg_aliases[][5] = {
	{"ax", "rax", "eax", "al", "ah"},   {"bx", "rbx", "ebx", "bl", "bh"},
	{"cx", "rcx", "ecx", "cl", "ch"},   {"dx", "rdx", "edx", "dl", "dh"},
	{"si", "rsi", "esi", "sil", NULL},  {"di", "rdi", "edi", "dil", NULL},
	{"bp", "rbp", "ebp", "bpl", NULL},  {"sp", "rsp", "esp", "spl", NULL},
	{"ip", "rip", "eip", NULL, NULL},
};

static const char *canonical_reg(const char *name, size_t len)
{
	char buf[8];

	if (len == 0 || len >= sizeof(buf))
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	for (size_t i = 0; i < sizeof(reg_aliases) / sizeof(reg_aliases[0]); i++)
		for (int k = 0; k < 5 && reg_aliases[i][k]; k++)
			if (strcmp(buf, reg_aliases[i][k]) == 0)
				return reg_aliases[i][0];
	/* r8 .. r15 and their d, w, b halves */
	if (buf[0] == 'r' && buf[1] >= '0' && buf[1] <= '9') {
		static char out[4];
		char *end;
		long n = strtol(buf + 1, &end, 10);

		if (n >= 8 && n <= 15 && (!*end || (!end[1] && strchr("dwb", *end)))) {
			snprintf(out, sizeof(out), "r%ld", n);
			return out;
		}
	}
	return NULL;
}

int arch_sdt_arg(const char *spec, size_t len, char *fetch, size_t n)
{
	const char *at = memchr(spec, '@', len), *op, *end = spec + len, *paren;
	const char *type, *reg;
	long size;
	char *stop;

	if (!at)
		return -EINVAL;
	size = strtol(spec, &stop, 10);
	if (stop != at)
		return -EINVAL;
	switch (size) {
	case 1: type = "u8"; break;
	case -1: type = "s8"; break;
	case 2: type = "u16"; break;
	case -2: type = "s16"; break;
	case 4: type = "u32"; break;
	case -4: type = "s32"; break;
	case 8: type = "u64"; break;
	case -8: type = "s64"; break;
	default: return -EINVAL;
	}
	op = at + 1;
	if (op < end && *op == '$') { /* a constant */
		snprintf(fetch, n, "\\%.*s:%s", (int)(end - op - 1), op + 1, type);
		return 0;
	}
	if (op < end && *op == '%') { /* a register */
		reg = canonical_reg(op + 1, (size_t)(end - op - 1));
		if (!reg)
			return -ENOTSUP;
		snprintf(fetch, n, "%%%s:%s", reg, type);
		return 0;
	}
	/* OFF(%REG): memory; an index register or a symbol is beyond us */
	paren = memchr(op, '(', (size_t)(end - op));
	if (!paren || end[-1] != ')' || paren[1] != '%' || memchr(paren, ',', (size_t)(end - paren)))
		return -ENOTSUP;
	size = paren == op ? 0 : strtol(op, &stop, 0);
	if (paren != op && stop != paren)
		return -ENOTSUP;
	reg = canonical_reg(paren + 2, (size_t)(end - 1 - paren - 2));
	if (!reg)
		return -ENOTSUP;
	snprintf(fetch, n, "%s%ld(%%%s):%s", size < 0 ? "-" : "+", size < 0 ? -size : size, reg, type);
	return 0;
}
