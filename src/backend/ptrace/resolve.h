/* resolve.h: a probe's place in one ELF module, without any process. */
#ifndef UTAP_PTRACE_RESOLVE_H
#define UTAP_PTRACE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe/probe.h"
#include "proc/maps.h"
#include "sym/sym.h"

struct resolved {
	uint64_t file_offset;
	const char *sym; /* owned by the module; NULL if not inside a function */
	uint64_t sym_off, sym_size;
	struct sym_plt plt; /* a PLT probe's stub or call (plt.name set), else zero */
};

/* Where PROBE lands in MOD: the file offset, checked to be an instruction
 * boundary of its function. Returns 0, or -ENOENT/-EINVAL with a message
 * (and hint) for the user in ERR. */
int resolve_probe(const struct sym_module *mod, const struct probe *probe, struct resolved *r,
		  char *err, size_t errlen);

/* Every place PROBE lands in MOD, whose file utap opens at OPEN_PATH (for
 * its DWARF): one for SYM or SYM+OFF or an offset, plus each inlined copy
 * of SYM; each function matching a pattern; each statement address of a
 * source line. *OUT (free()) holds *N >= 1. Returns 0, or -ENOENT/-EINVAL
 * with a message (and hint) in ERR. */
int resolve_sites(const struct sym_module *mod, const char *open_path, const struct probe *probe,
		  struct resolved **out, size_t *n, char *err, size_t errlen);

/* pltsites.c: resolve_sites for a PLT probe (BIN:NAME@plt): every stub,
 * call and tail call through a GOT slot of MOD that NAME names. */
int resolve_plt_sites(const struct sym_module *mod, const struct probe *probe,
		      struct resolved **out, size_t *n, char *err, size_t errlen);

/* More sites than this need --yes (or a yes on the terminal). */
#define RESOLVE_CONFIRM_ABOVE 100

struct options;

/* What can be known before anything starts: the launched command's path,
 * or the attached process's memory map. */
struct prestart {
	char cmd[4096];
	const char *cmd_path; /* cmd, when launching; else NULL */
	struct proc_maps maps;
	bool have_maps;       /* when attaching */
};

/* Fill PS for OPTS. Returns 0, or -EINVAL after saying why ("command not
 * found", "no process with ID N", why the process cannot be traced). */
int prestart_open(const struct options *o, struct prestart *ps);
void prestart_close(struct prestart *ps);

/* The file a probe names, when it can be known before starting: a path,
 * the launched command or a library it needs, or a module the attached
 * process maps. False if it is only known at run time. */
bool known_file(const struct options *o, const struct probe *p, const struct prestart *ps,
		char *buf, size_t n);


#endif
