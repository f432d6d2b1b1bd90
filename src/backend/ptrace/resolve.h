/* resolve.h: a probe's place in one ELF module, without any process. */
#ifndef UTAP_PTRACE_RESOLVE_H
#define UTAP_PTRACE_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"
#include "sym/sym.h"

struct resolved {
	uint64_t file_offset;
	const char *sym; /* owned by the module; NULL if not inside a function */
	uint64_t sym_off, sym_size;
};

/* Where PROBE lands in MOD: the file offset, checked to be an instruction
 * boundary of its function. Returns 0, or -ENOENT/-EINVAL with a message
 * (and hint) for the user in ERR. */
int resolve_probe(const struct sym_module *mod, const struct probe *probe, struct resolved *r,
		  char *err, size_t errlen);

#endif
