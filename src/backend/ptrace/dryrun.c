/* dryrun.c: -S/--dry-run: where each probe lands and how it will be run,
 * computed exactly as for a real run, without starting or touching anything. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "backend/backend.h"
#include "backend/ptrace/argplan.h"
#include "backend/ptrace/resolve.h"
#include "dwarf/dwarf.h"
#include "proc/maps.h"
#include "util/log.h"

/* Raw fetches, or C-level ones as written when the module is not known. */
static void print_fetches(FILE *out, const struct probe *p)
{
	for (size_t i = 0; i < p->nargs; i++) {
		if (p->args[i].expr || p->args[i].list != LIST_NONE)
			fprintf(out, "  fetch    %s: compiled against DWARF where the module is "
				     "loaded\n", p->args[i].name);
		else
			argplan_print(out, &p->args[i], 1);
	}
}

/* The address of FILE_OFFSET in the attached process, 0 if not mapped. */
static uint64_t runtime_address(const struct proc_maps *maps, const char *file, uint64_t off)
{
	struct stat st;

	if (!maps || stat(file, &st) < 0)
		return 0;
	for (size_t i = 0; i < maps->n; i++) {
		const struct proc_map *m = &maps->map[i];

		if (m->dev == st.st_dev && m->ino == st.st_ino && off >= m->pgoff &&
		    off < m->pgoff + (m->end - m->start))
			return m->start + (off - m->pgoff);
	}
	return 0;
}

/* A PLT probe's site: a stub, or a call or tail call reading the GOT slot. */
static void print_plt(const struct sym_module *mod, const struct probe *p,
		      const struct resolved *r, FILE *out)
{
	const struct sym_plt *e = &r->plt;
	struct sym_symbol fn;
	char in[256] = "";
	uint64_t delta;

	if (e->kind != SYM_PLT_STUB && sym_lookup_offset(mod, e->file_offset, &fn, &delta) == 0)
		snprintf(in, sizeof(in), " (%s+0x%llx)", fn.name, (unsigned long long)delta);
	if (e->kind == SYM_PLT_STUB)
		fprintf(out, "  plt      %s: stub in %s, jumps through GOT slot %#llx\n", e->name,
			e->section, (unsigned long long)e->slot);
	else if (e->kind == SYM_PLT_CALL)
		fprintf(out, "  plt      %s: call in %s%s through GOT slot %#llx (-fno-plt), "
			     "returns to %#llx; hits are taken once it has run\n",
			e->name, e->section, in, (unsigned long long)e->slot,
			(unsigned long long)e->next);
	else
		fprintf(out, "  plt      %s: tail call in %s%s through GOT slot %#llx (-fno-plt)%s\n",
			e->name, e->section, in, (unsigned long long)e->slot,
			p->kind == PROBE_RETURN ? "; it returns to the caller's caller" : "");
}

/* One place a probe lands: where, the instruction there, how it is stepped. */
static void print_site(const struct options *o, const struct probe *p,
		       const struct sym_module *mod, const char *file,
		       const struct proc_maps *maps, const struct resolved *r, FILE *out)
{
	struct arch_step_plan plan;
	char why[160] = "";
	uint64_t vaddr = 0, addr;
	uint8_t bytes[16];
	ssize_t n;

	sym_offset_to_vaddr(mod, r->file_offset, &vaddr);
	fprintf(out, "  site     %s+0x%llx, file offset %#llx, link-time address %#llx\n",
		r->sym ? r->sym : "?", (unsigned long long)r->sym_off,
		(unsigned long long)r->file_offset, (unsigned long long)vaddr);
	if (r->plt.name)
		print_plt(mod, p, r, out);
	addr = o->attach_pid ? runtime_address(maps, file, r->file_offset) : 0;
	if (addr)
		fprintf(out, "  address  %#llx in process %d\n", (unsigned long long)addr,
			(int)o->attach_pid);
	n = sym_read(mod, r->file_offset, bytes, sizeof(bytes));
	if (n > 0 && arch_step_plan(bytes, (size_t)n, vaddr, o->step_mode, &plan, why,
				    sizeof(why)) == 0) {
		fprintf(out, "  insn     %s (%u byte%s)\n", plan.text, plan.len,
			plan.len == 1 ? "" : "s");
		fprintf(out, "  step     %s%s%s\n", arch_step_mode_name(plan.mode),
			why[0] ? ": " : "", why);
	}
}

/* For a script's probe: the function scopes and the source line of the
 * site, as its pp() will name them. */
static void print_where(const struct sym_module *mod, struct dwarf_module *dm,
			const struct resolved *r, FILE *out)
{
	struct dwarf_scope_info scopes[8];
	uint64_t vaddr = 0;
	const char *file;
	int n, line;

	if (!dm)
		return;
	sym_offset_to_vaddr(mod, r->file_offset, &vaddr);
	n = dwarf_func_scopes(dm, vaddr, scopes, 8);
	for (int k = n - 1; k >= 0; k--)
		fprintf(out, "  in       %s@%s:%d%s%s\n", scopes[k].name,
			scopes[k].decl_file ? scopes[k].decl_file : "?", scopes[k].decl_line,
			scopes[k].inlined ? ", an inlined copy" : "",
			scopes[k].entered ? ", at its entry" : "");
	if (n > 0)
		dwarf_scope_info_free(scopes, n);
	if (dwarf_addr_line(dm, vaddr, &file, &line) == 0)
		fprintf(out, "  line     %s:%d\n", file, line);
}

static int one_probe(const struct options *o, const struct probe *p, size_t i,
		     const struct prestart *ps, FILE *out)
{
	char file[4096], err[1024];
	struct dwarf_module *dm = NULL;
	struct sym_module *mod;
	struct resolved *r;
	size_t nr;
	int rc = 0;

	fprintf(out, "probe %zu  %s\n", i + 1, p->text);
	fprintf(out, "  name     %s (%s)\n", p->name, p->kind == PROBE_ENTRY ? "entry" : "return");
	if (!known_file(o, p, ps, file, sizeof(file))) {
		fprintf(out, "  module   '%s': not known before the program runs (loaded later); "
			     "resolved when it is mapped\n", p->bin);
		print_fetches(out, p);
		return 0;
	}
	if (sym_module_open(file, file, &mod, err, sizeof(err)) < 0) {
		log_error("probe %zu (%s): %s: %s", i + 1, p->text, p->bin, err);
		return -EINVAL;
	}
	if (resolve_sites(mod, file, p, &r, &nr, err, sizeof(err)) < 0) {
		sym_module_close(mod);
		if (p->optional) {
			fprintf(out, "  optional, left out: %s\n", err);
			return 0;
		}
		log_error("probe %zu (%s): %s", i + 1, p->text, err);
		return -EINVAL;
	}
	fprintf(out, "  module   %s (%s%s)\n", file,
		sym_module_is_pie(mod) ? "PIE/shared" : "fixed address",
		sym_module_has_symtab(mod) ? "" : ", exported symbols only");
	if (nr > 1)
		fprintf(out, "  sites    %zu\n", nr);
	if (p->sdt_semaphore)
		fprintf(out, "  enable   semaphore at %#llx (link-time address), raised by one while planted\n",
			(unsigned long long)p->sdt_semaphore);
	if (argplan_wanted(p) || p->want_where)
		dwarf_module_open(file, &dm);
	for (size_t j = 0; j < nr && rc == 0; j++) {
		print_site(o, p, mod, file, ps->have_maps ? &ps->maps : NULL, &r[j], out);
		if (p->want_where)
			print_where(mod, dm, &r[j], out);
		/* C-level fetches compile per site: each has its own plan. */
		rc = argplan_check_site(p, mod, dm, &r[j], out, err, sizeof(err));
		if (rc < 0)
			log_error("probe %zu (%s): %s", i + 1, p->text, err);
	}
	if (!argplan_wanted(p))
		print_fetches(out, p);
	dwarf_module_close(dm);
	free(r);
	sym_module_close(mod);
	return rc < 0 ? -EINVAL : 0;
}

int ptrace_backend_dry_run(const struct options *o, FILE *out)
{
	struct prestart ps;
	int rc = 0;

	if (prestart_open(o, &ps) < 0)
		return 2;
	for (size_t i = 0; i < o->nprobes && rc == 0; i++)
		rc = one_probe(o, &o->probes[i], i, &ps, out);
	prestart_close(&ps);
	fflush(out);
	return rc < 0 ? 2 : 0;
}
