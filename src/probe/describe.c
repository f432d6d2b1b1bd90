/* describe.c: a fetch plan written back as text, for -S/--dry-run. */
#include <stdio.h>

#include "probe/probe.h"

static const char *const type_name[] = {
	[PROBE_U8] = "u8",   [PROBE_U16] = "u16", [PROBE_U32] = "u32", [PROBE_U64] = "u64",
	[PROBE_S8] = "s8",   [PROBE_S16] = "s16", [PROBE_S32] = "s32", [PROBE_S64] = "s64",
	[PROBE_X8] = "x8",   [PROBE_X16] = "x16", [PROBE_X32] = "x32", [PROBE_X64] = "x64",
	[PROBE_STRING] = "string",
};

const char *probe_type_name(enum probe_type type)
{
	return (unsigned)type < sizeof(type_name) / sizeof(type_name[0]) && type_name[type]
		       ? type_name[type]
		       : "?";
}

static int describe(const struct fetch *f, char *buf, size_t n)
{
	int len;

	switch (f->op) {
	case FETCH_REG:
		return snprintf(buf, n, "%%%s", arch_reg_name(f->reg));
	case FETCH_STACK:
		return snprintf(buf, n, "+%lld(%%sp)", (long long)f->offset);
	case FETCH_RETVAL:
		return snprintf(buf, n, "$retval");
	case FETCH_DEREF:
		len = snprintf(buf, n, "%+lld(", (long long)f->offset);
		if (len < 0 || (size_t)len >= n)
			return len;
		len += describe(f->inner, buf + len, n - (size_t)len);
		if (len < 0 || (size_t)len >= n)
			return len;
		return len + snprintf(buf + len, n - (size_t)len, ")");
	}
	return snprintf(buf, n, "?");
}

void probe_describe_fetch(const struct fetch *fetch, char *buf, size_t n)
{
	if (n)
		buf[0] = '\0';
	describe(fetch, buf, n);
}
