/* resolve.c: a probe's symbol or offset to a checked file offset in a module. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/resolve.h"
#include "arch/arch.h"

static void unknown_symbol(const struct sym_module *mod, const char *name, char *err,
			   size_t errlen)
{
	const char *close[5];
	int n = sym_suggest(mod, name, close, 5);
	size_t len;

	len = (size_t)snprintf(err, errlen, "unknown symbol '%s' in %s", name, sym_module_path(mod));
	if (n > 0 && len < errlen) {
		len += (size_t)snprintf(err + len, errlen - len, "\n      hint: did you mean");
		for (int i = 0; i < n && len < errlen; i++)
			len += (size_t)snprintf(err + len, errlen - len, "%s %s", i ? "," : "", close[i]);
		if (len < errlen)
			snprintf(err + len, errlen - len, "?");
	} else if (len < errlen && !sym_module_has_symtab(mod)) {
		snprintf(err + len, errlen - len,
			 "\n      hint: the file is stripped; only exported symbols are known, "
			 "or use BIN:0xFILEOFFSET");
	}
}

/* Walk the function's instructions from its start: OFF must land on one. */
static int check_boundary(const struct sym_module *mod, const struct sym_symbol *fn,
			  uint64_t off, char *err, size_t errlen)
{
	uint64_t want = off - fn->file_offset, at = 0;
	uint8_t buf[32];

	while (at < want) {
		ssize_t n = sym_read(mod, fn->file_offset + at, buf, sizeof(buf));
		int len;

		if (n <= 0) {
			snprintf(err, errlen, "cannot read %s at offset %#llx", sym_module_path(mod),
				 (unsigned long long)(fn->file_offset + at));
			return -EINVAL;
		}
		len = arch_insn_length(buf, (size_t)n, fn->vaddr + at);
		if (len <= 0) {
			snprintf(err, errlen,
				 "%s+0x%llx: cannot decode the instruction there, so %s+0x%llx "
				 "cannot be checked", fn->name, (unsigned long long)at, fn->name,
				 (unsigned long long)want);
			return -EINVAL;
		}
		if (at + (uint64_t)len > want) {
			snprintf(err, errlen,
				 "%s+0x%llx is inside the instruction at %s+0x%llx (%d bytes)\n"
				 "      hint: instructions start at %s+0x%llx and %s+0x%llx",
				 fn->name, (unsigned long long)want, fn->name, (unsigned long long)at,
				 len, fn->name, (unsigned long long)at, fn->name,
				 (unsigned long long)(at + (uint64_t)len));
			return -EINVAL;
		}
		at += (uint64_t)len;
	}
	return 0;
}

int resolve_probe(const struct sym_module *mod, const struct probe *probe, struct resolved *r,
		  char *err, size_t errlen)
{
	struct sym_symbol fn;
	uint64_t delta;

	memset(r, 0, sizeof(*r));
	if (probe->by_file_offset) {
		r->file_offset = probe->file_offset;
		if (sym_lookup_offset(mod, probe->file_offset, &fn, &delta) < 0)
			return 0; /* not inside a known function: trust the user */
		r->sym = fn.name;
		r->sym_off = delta;
		r->sym_size = fn.size;
	} else {
		if (sym_lookup_name(mod, probe->sym, &fn) < 0) {
			unknown_symbol(mod, probe->sym, err, errlen);
			return -ENOENT;
		}
		if (fn.size && probe->sym_offset >= fn.size) {
			snprintf(err, errlen, "%s+0x%llx is past the end of %s (size %#llx)", fn.name,
				 (unsigned long long)probe->sym_offset, fn.name,
				 (unsigned long long)fn.size);
			return -EINVAL;
		}
		r->file_offset = fn.file_offset + probe->sym_offset;
		r->sym = fn.name;
		r->sym_off = probe->sym_offset;
		r->sym_size = fn.size;
	}
	if (probe->kind == PROBE_RETURN && r->sym_off != 0) {
		snprintf(err, errlen,
			 "a return probe must be at a function's entry, not %s+0x%llx\n"
			 "      hint: r BIN:%s", r->sym ? r->sym : "?",
			 (unsigned long long)r->sym_off, r->sym ? r->sym : "SYM");
		return -EINVAL;
	}
	if (r->sym && r->sym_off)
		return check_boundary(mod, &fn, r->file_offset, err, errlen);
	return 0;
}
