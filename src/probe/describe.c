/* describe.c: a fetch plan and an argument's format written back as text,
 * for -S/--dry-run. */
#include <stdio.h>
#include <string.h>

#include "probe/format_priv.h"
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

/* A register with an offset has no uprobe_events spelling; "%bp-16"
 * reads as the address arithmetic it is. */
static int describe_reg(const struct fetch *f, char *buf, size_t n)
{
	if (!f->offset)
		return snprintf(buf, n, "%%%s", arch_reg_name(f->reg));
	return snprintf(buf, n, "%%%s%+lld", arch_reg_name(f->reg), (long long)f->offset);
}

/* Addresses and most DWARF constants read best in hex; a negative
 * constant as the number it is. */
static int describe_const(const struct fetch *f, char *buf, size_t n)
{
	if (f->offset < 0)
		return snprintf(buf, n, "%lld", (long long)f->offset);
	return snprintf(buf, n, "0x%llx", (unsigned long long)f->offset);
}

static int describe(const struct fetch *f, char *buf, size_t n)
{
	int len;

	if (!f)
		return snprintf(buf, n, "?"); /* a C-level fetch not compiled yet */
	switch (f->op) {
	case FETCH_REG:
		return describe_reg(f, buf, n);
	case FETCH_STACK:
		return snprintf(buf, n, "+%lld(%%sp)", (long long)f->offset);
	case FETCH_RETVAL:
		return snprintf(buf, n, "$retval");
	case FETCH_CONST:
		return describe_const(f, buf, n);
	case FETCH_FPREG:
		return snprintf(buf, n, "%%%s", arch_fpreg_name(f->reg));
	case FETCH_NONE:
		return snprintf(buf, n, "(optimized out)");
	case FETCH_INPUT:
		return snprintf(buf, n, "(value)");
	case FETCH_INDEX:
		len = describe(f->inner, buf, n);
		if (len < 0 || (size_t)len >= n)
			return len;
		return len + snprintf(buf + len, n - (size_t)len, "+(value)*%lld",
				      (long long)f->offset);
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

/* The name of ARG's format before its modifiers. */
static int describe_show(const struct probe_arg *arg, char *buf, size_t n)
{
	size_t size = probe_type_size(arg->type);

	switch (arg->show) {
	case SHOW_BOOL:
		return snprintf(buf, n, "bool");
	case SHOW_ENUM:
		/* ctype says which enum ("enum color", or a typedef's name). */
		if (!arg->ctype)
			return snprintf(buf, n, "enum");
		return snprintf(buf, n, "%s%s", strncmp(arg->ctype, "enum ", 5) ? "enum " : "",
				arg->ctype);
	case SHOW_FLOAT:
		if (size == 4 || size == 8)
			return snprintf(buf, n, "%s", size == 4 ? "float" : "double");
		break; /* no float of this size: shown as the integer */
	case SHOW_IPV4:
		return snprintf(buf, n, "ipv4");
	case SHOW_CHAR:
		return snprintf(buf, n, "char");
	case SHOW_PLAIN:
		break;
	}
	return snprintf(buf, n, "%s", probe_type_name(arg->type));
}

void probe_describe_format(const struct probe_arg *arg, char *buf, size_t n)
{
	int len;

	if (!n)
		return;
	buf[0] = '\0';
	len = describe_show(arg, buf, n);
	if (len < 0 || (size_t)len >= n)
		return;
	if (arg->type == PROBE_STRING && arg->strmax)
		len += snprintf(buf + len, n - (size_t)len, " max %zu", arg->strmax);
	if ((size_t)len < n && arg->swap)
		len += snprintf(buf + len, n - (size_t)len, " byte-swapped");
	if ((size_t)len < n && arg->bit_size)
		snprintf(buf + len, n - (size_t)len, " bits %u..%u", arg->bit_offset,
			 arg->bit_offset + arg->bit_size - 1);
}
