/* fetcharg.c: a fetch plan written as an uprobe_events fetcharg, so the
 * kernel reads at the hit exactly what probe_fetch would read.
 *
 * Both languages agree on the last step: "+8(X):u32" reads 4 bytes at
 * X+8, "+8(X):string" is the string at X+8, "%di:string" the string %di
 * points to; inner steps read pointers.  A static variable's address
 * (link-time, plus the load bias at run time) becomes "@+OFF", which the
 * kernel reads at file offset OFF of the probed file as mapped. */
#include <errno.h>
#include <stdio.h>

#include "backend/uprobe/uprobe.h"

struct conv {
	const struct fetch_addrs *fa;
	char *why;
	size_t whylen;
};

static int refuse(struct conv *c, const char *what)
{
	snprintf(c->why, c->whylen, "%s", what);
	return -ENOTSUP;
}

/* A constant that moved with the load bias is an address. */
static bool is_address(const struct fetch *f, const struct fetch *biased)
{
	return f->op == FETCH_CONST && biased && biased->op == FETCH_CONST &&
	       biased->offset != f->offset;
}

/* "@+OFF" for link-time address ADDR, as the kernel finds it from the
 * probed file's mapping. */
static int file_relative(struct conv *c, uint64_t addr, char *buf, size_t n)
{
	uint64_t base = c->fa->site_vaddr - c->fa->site_offset;

	if (addr < base)
		return refuse(c, "a static address below the probed file's first byte");
	snprintf(buf, n, "@+0x%llx", (unsigned long long)(addr - base));
	return 0;
}

static int word(struct conv *c, const struct fetch *f, const struct fetch *b, char *buf, size_t n);

/* The memory at (the value of INNER) + OFF. */
static int memory_at(struct conv *c, int64_t off, const struct fetch *inner,
		     const struct fetch *binner, char *buf, size_t n)
{
	char in[512];
	int rc;

	if (!inner)
		return refuse(c, "an incomplete plan");
	if (inner->op == FETCH_REG) {
		snprintf(buf, n, "%+lld(%%%s)", (long long)(off + inner->offset),
			 arch_reg_name(inner->reg));
		return 0;
	}
	if (is_address(inner, binner))
		return file_relative(c, (uint64_t)inner->offset + (uint64_t)off, buf, n);
	if (inner->op == FETCH_CONST) {
		/* a number used as a pointer: an absolute address */
		snprintf(buf, n, "@0x%llx", (unsigned long long)(inner->offset + off));
		return 0;
	}
	rc = word(c, inner, binner, in, sizeof(in));
	if (rc)
		return rc;
	snprintf(buf, n, "%+lld(%s)", (long long)off, in);
	return 0;
}

static int refuse_op(struct conv *c, const struct fetch *f)
{
	switch (f->op) {
	case FETCH_FPREG:
		return refuse(c, "it is in a floating-point register, which the kernel's "
				 "uprobe_events cannot read");
	case FETCH_NONE:
		return -ENODATA;
	case FETCH_REG:
		return refuse(c, "it is a register plus an offset (an address computed at the "
				 "hit), which uprobe_events cannot express");
	case FETCH_CONST:
		return refuse(c, "it is the address of a static variable, which uprobe_events "
				 "can read through but not show");
	default:
		return refuse(c, "uprobe_events has no such fetch");
	}
}

/* The value of F as a pointer-sized word. */
static int word(struct conv *c, const struct fetch *f, const struct fetch *b, char *buf, size_t n)
{
	switch (f->op) {
	case FETCH_REG:
		if (f->offset)
			return refuse_op(c, f);
		snprintf(buf, n, "%%%s", arch_reg_name(f->reg));
		return 0;
	case FETCH_RETVAL:
		snprintf(buf, n, "$retval");
		return 0;
	case FETCH_STACK:
		snprintf(buf, n, "%+lld(%%sp)", (long long)f->offset);
		return 0;
	case FETCH_DEREF:
		return memory_at(c, f->offset, f->inner, b ? b->inner : NULL, buf, n);
	default:
		return refuse_op(c, f);
	}
}

/* A string: the text at the address F's value is (probe_fetch's rule). */
static int string_at(struct conv *c, const struct fetch *f, const struct fetch *b, char *buf,
		     size_t n)
{
	char in[512];
	int rc;

	/* The kernel takes a string only from memory: "%di:string" is
	 * written "+0(%di):string", the same string. */
	switch (f->op) {
	case FETCH_REG:
		snprintf(buf, n, "%+lld(%%%s)", (long long)f->offset, arch_reg_name(f->reg));
		return 0;
	case FETCH_RETVAL:
		snprintf(buf, n, "+0($retval)");
		return 0;
	case FETCH_STACK:
		rc = word(c, f, b, in, sizeof(in));
		if (rc)
			return rc;
		snprintf(buf, n, "+0(%s)", in);
		return 0;
	case FETCH_CONST:
		if (is_address(f, b))
			return file_relative(c, (uint64_t)f->offset, buf, n);
		snprintf(buf, n, "@0x%llx", (unsigned long long)f->offset);
		return 0;
	default:
		return word(c, f, b, buf, n);
	}
}

int uprobe_fetcharg(const struct probe_arg *arg, const struct fetch_addrs *fa, char *buf,
		    size_t n, char *why, size_t whylen)
{
	struct conv c = {fa, why, whylen};
	const struct fetch *f = arg->fetch, *b = fa->biased;
	char expr[1024];
	int rc;

	if (!f)
		return refuse(&c, "it is not compiled");
	if (f->op == FETCH_CONST && !is_address(f, b) && arg->type != PROBE_STRING) {
		/* a DWARF constant: the kernel's immediate */
		snprintf(expr, sizeof(expr), "\\%lld", (long long)f->offset);
		rc = 0;
	} else if (arg->type == PROBE_STRING) {
		rc = string_at(&c, f, b, expr, sizeof(expr));
	} else {
		rc = word(&c, f, b, expr, sizeof(expr));
	}
	if (rc)
		return rc;
	if ((size_t)snprintf(buf, n, "%s:%s", expr, probe_type_name(arg->type)) >= n)
		return refuse(&c, "the fetch is too long for uprobe_events");
	return 0;
}
