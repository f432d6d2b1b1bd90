/* resolve.h: a probe's place in one ELF module, without any process. */
#ifndef UTAP_PTRACE_RESOLVE_H
#define UTAP_PTRACE_RESOLVE_H

#include <stdbool.h>
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

struct options;
struct proc_maps;
/* The file a probe names, when it can be known before starting: a path,
 * the launched command (CMD_PATH) or a library it needs, or a module the
 * attached process maps (MAPS). False if it is only known at run time. */
bool known_file(const struct options *o, const struct probe *p, const char *cmd_path,
		const struct proc_maps *maps, char *buf, size_t n);

/* The library a program EXE will load whose name BIN matches (a prefix
 * such as "libc"), found as the dynamic linker would, before it runs.
 * Returns 0 with its path in OUT, or -ENOENT. */
int needed_library(const char *exe, const char *bin, char *out, size_t n);

#endif
