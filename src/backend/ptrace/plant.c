/* plant.c: turn probes into planted sites in an address space: match
 * modules, resolve, decide the step plan, fill the XOL slot, write int3. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/ptrace/argplan.h"
#include "backend/ptrace/resolve.h"
#include "backend/ptrace/tracee.h"
#include "dwarf/dwarf.h"
#include "proc/mem.h"
#include "util/log.h"

static bool wants_module(struct space *s, const struct probe *p, const struct module *m)
{
	char path[4096];
	struct stat st;

	if (p->any_module)
		return true;
	if (!strchr(p->bin, '/'))
		return sym_bin_matches(p->bin, m->path);
	if (strpbrk(p->bin, "*?["))
		return module_globbed(s->pid, p->bin, m);
	/* A path names a file: compare identities, so symlinks and relative
	 * paths work. An absolute path is looked up in the target's root. */
	if (p->bin[0] == '/')
		target_path(s->pid, p->bin, path, sizeof(path));
	else
		snprintf(path, sizeof(path), "%s", p->bin);
	return stat(path, &st) == 0 && st.st_dev == m->dev && st.st_ino == m->ino;
}

static bool mark_resolved(struct space *s, int probe, const struct module *m)
{
	void *grown;

	for (size_t i = 0; i < s->nresolved; i++) {
		if (s->resolved[i].probe == probe && s->resolved[i].dev == m->dev &&
		    s->resolved[i].ino == m->ino)
			return false;
	}
	grown = realloc(s->resolved, (s->nresolved + 1) * sizeof(*s->resolved));
	if (!grown)
		return false;
	s->resolved = grown;
	s->resolved[s->nresolved].probe = probe;
	s->resolved[s->nresolved].dev = m->dev;
	s->resolved[s->nresolved].ino = m->ino;
	s->nresolved++;
	return true;
}

/* Add probe IDX, with its arguments ARGS as compiled for this site (or
 * NULL), to a site's list; a probe is there at most once. */
static int add_probe(int **v, const struct probe_arg ***args, int *n, int idx,
		     const struct probe_arg *a)
{
	const struct probe_arg **grown_args;
	int *grown;

	for (int i = 0; i < *n; i++)
		if ((*v)[i] == idx)
			return 0;
	grown = realloc(*v, (size_t)(*n + 1) * sizeof(int));
	if (!grown)
		return -ENOMEM;
	*v = grown;
	if (a || *args) {
		grown_args = realloc(*args, (size_t)(*n + 1) * sizeof(*grown_args));
		if (!grown_args)
			return -ENOMEM;
		if (!*args)
			memset(grown_args, 0, (size_t)*n * sizeof(*grown_args));
		*args = grown_args;
		(*args)[*n] = a;
	}
	(*v)[(*n)++] = idx;
	return 0;
}

/* Decide how to step over the instruction, once, and prepare its slot. */
static int prepare_site(struct tracer *t, struct thread *th, struct site *site,
			const struct sym_module *sm, uint64_t file_offset, char *err, size_t errlen)
{
	struct space *s = th->proc->space;
	uint8_t bytes[16];
	char why[160] = "";
	ssize_t n;
	int rc;

	n = sym_read(sm, file_offset, bytes, sizeof(bytes));
	if (n <= 0) {
		snprintf(err, errlen, "cannot read the instruction at offset %#llx of %s",
			 (unsigned long long)file_offset, sym_module_path(sm));
		return -EIO;
	}
	rc = arch_step_plan(bytes, (size_t)n, site->addr, t->opts->step_mode, &site->plan, why,
			    sizeof(why));
	if (rc < 0 || site->plan.mode == ARCH_STEP_REFUSE) {
		snprintf(err, errlen, "cannot probe %s+0x%llx (%s): %s", site->sym ? site->sym : "?",
			 (unsigned long long)site->sym_off, site->plan.text, why);
		return -EINVAL;
	}
	if (why[0])
		log_verbose("%s+0x%llx: %s", site->sym ? site->sym : "?",
			    (unsigned long long)site->sym_off, why);
	if (site->plan.mode == ARCH_STEP_XOL) {
		rc = xol_slot(t, th, site->addr, &site->slot_addr);
		if (rc == 0)
			rc = arch_xol_relocate(&site->plan, site->slot_addr);
		if (rc == 0)
			rc = mem_poke(s->memfd, site->slot_addr, site->plan.slot_code,
				      site->plan.slot_len);
		if (rc < 0) {
			log_verbose("%s+0x%llx: no out-of-line slot (%s); single-stepping",
				    site->sym ? site->sym : "?", (unsigned long long)site->sym_off,
				    strerror(-rc));
			site->plan.mode = ARCH_STEP_SINGLESTEP;
		}
	}
	log_debug("site %#llx %s+0x%llx '%s': %s", (unsigned long long)site->addr,
		  site->sym ? site->sym : "?", (unsigned long long)site->sym_off, site->plan.text,
		  arch_step_mode_name(site->plan.mode));
	return 0;
}

int site_write_trap(struct space *s, struct site *site)
{
	int rc = mem_poke(s->memfd, site->addr, arch_trap_insn, arch_trap_len);

	if (rc == 0)
		site->planted = true;
	return rc;
}

int site_restore(int memfd, struct site *site)
{
	return mem_poke(memfd, site->addr, site->plan.insn, arch_trap_len);
}

/* The site at R in module M, created and planted if new. */
static struct site *get_site(struct tracer *t, struct thread *th, struct module *m,
			     const struct sym_module *sm, const struct resolved *r, char *err,
			     size_t errlen)
{
	struct space *s = th->proc->space;
	struct site *site;
	uint64_t addr;

	if (module_offset_to_addr(m, r->file_offset, &addr) < 0) {
		snprintf(err, errlen, "offset %#llx of %s is not mapped in process %d",
			 (unsigned long long)r->file_offset, m->path, th->proc->pid);
		return NULL;
	}
	site = space_site(s, addr);
	if (site)
		return site;
	site = space_add_site(s, addr);
	if (!site) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	site->sym = r->sym;
	site->sym_off = r->sym_off;
	site->sym_size = r->sym_size;
	if (prepare_site(t, th, site, sm, r->file_offset, err, errlen) < 0 ||
	    site_write_trap(s, site) < 0) {
		if (!err[0])
			snprintf(err, errlen, "cannot write the breakpoint at %#llx",
				 (unsigned long long)addr);
		site->plan.mode = ARCH_STEP_REFUSE;
		return NULL;
	}
	return site;
}

static void probe_error(struct tracer *t, int i, const char *err)
{
	if (t->probe_failed[i])
		return;
	t->probe_failed[i] = true;
	if (t->opts->probes[i].optional) {
		log_verbose("probe %d (%s), optional, left out: %s", i + 1, t->opts->probes[i].text,
			    err);
		return;
	}
	log_error("probe %d (%s): %s", i + 1, t->opts->probes[i].text, err);
	/* Before the program's own code ran, a bad probe stops everything,
	 * as it would have before launch. Later, the program goes on. */
	if (before_program_code(t)) {
		t->fatal = true;
		t->fatal_status = 2;
	}
}

/* The tracer owns every compiled argument array, until it ends. */
struct argplan_list {
	const struct probe *probe;
	struct probe_arg *args;
	struct argplan_list *next;
};

void plant_free_argplans(struct tracer *t)
{
	where_free_all(t);
	for (size_t i = 0; i < t->nunloaded; i++) {
		free(t->unloaded[i].path);
		dwarf_module_close(t->unloaded[i].dm);
	}
	free(t->unloaded);
	t->unloaded = NULL;
	t->nunloaded = 0;
	while (t->argplans) {
		struct argplan_list *l = t->argplans;

		t->argplans = l->next;
		argplan_free(l->probe, l->args);
		free(l);
	}
}

struct warn_ctx {
	int probe;
	const struct site *site;
};

static void warn_optimized_out(void *ctx, const char *why)
{
	const struct warn_ctx *w = ctx;

	log_error("warning: probe %d at %s+0x%llx: %s", w->probe + 1,
		  w->site->sym ? w->site->sym : "?", (unsigned long long)w->site->sym_off, why);
}

/* The space a site's arguments are compiled in, for find_module. */
struct module_ctx {
	struct tracer *t;
	struct space *s;
};

/* A library the program will load (or a file by path) that is not mapped
 * yet: its DWARF gives types (a @cast), not yet addresses (bias
 * ARGPLAN_NO_BIAS).  Opened once, kept by the tracer. */
static int find_unloaded(struct module_ctx *mc, const char *name, struct dwarf_module **dm,
			 uint64_t *bias, char *err, size_t errlen)
{
	struct tracer *t = mc->t;
	char exe[4096], path[4096], link[64];
	ssize_t n;

	*bias = ARGPLAN_NO_BIAS;
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)mc->s->pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	if (strchr(name, '/'))
		target_path(mc->s->pid, name, path, sizeof(path));
	else if (n <= 0 || sym_needed_library(exe, name, path, sizeof(path)) < 0)
		path[0] = '\0';
	for (size_t i = 0; path[0] && i < t->nunloaded; i++) {
		if (strcmp(t->unloaded[i].path, path) == 0) {
			*dm = t->unloaded[i].dm;
			return *dm ? 0 : -ENOENT;
		}
	}
	if (!path[0] || access(path, R_OK) != 0) {
		snprintf(err, errlen, "module %s is not loaded in process %d, nor found", name,
			 (int)mc->s->pid);
		return -ENOENT;
	}
	t->unloaded = realloc(t->unloaded, (t->nunloaded + 1) * sizeof(*t->unloaded));
	if (!t->unloaded)
		return -ENOMEM;
	t->unloaded[t->nunloaded].path = strdup(path);
	if (dwarf_module_open(path, &t->unloaded[t->nunloaded].dm) < 0)
		t->unloaded[t->nunloaded].dm = NULL;
	*dm = t->unloaded[t->nunloaded++].dm;
	if (*dm)
		return 0;
	snprintf(err, errlen, "%s has no DWARF debug info", path);
	return -ENOENT;
}

/* A module of the process by NAME (a path, or a library name as a probe's
 * BIN), for arguments that read another module's DWARF: its DWARF and
 * load bias. */
static int find_module(void *ctx, const char *name, struct dwarf_module **dm, uint64_t *bias,
		       char *err, size_t errlen)
{
	struct module_ctx *mc = ctx;
	struct probe named = {.bin = (char *)name};
	struct sym_module *sm;
	uint64_t vaddr;

	for (size_t k = 0; k < mc->s->nmodules; k++) {
		struct module *m = &mc->s->modules[k];

		if (!m->nmaps || !wants_module(mc->s, &named, m))
			continue;
		sm = tracer_sym(mc->t, mc->s, m);
		*dm = tracer_dwarf(mc->t, mc->s, m);
		if (!sm || !*dm) {
			snprintf(err, errlen, "%s has no DWARF debug info", m->path);
			return -ENOENT;
		}
		/* where its first mapping's file offset is, against where
		 * it was linked */
		if (sym_offset_to_vaddr(sm, m->maps[0].pgoff, &vaddr) < 0)
			vaddr = m->maps[0].pgoff;
		*bias = m->maps[0].start - vaddr;
		return 0;
	}
	return find_unloaded(mc, name, dm, bias, err, errlen);
}

/* Probe I's arguments compiled for SITE; *ARGS stays NULL when all are
 * raw. Returns 0, or -errno with ERR filled. */
static int compile_args(struct tracer *t, struct space *s, int i, struct dwarf_module *dm,
			const struct sym_module *sm, const struct resolved *r,
			const struct site *site, const struct probe_arg **args, char *err,
			size_t errlen)
{
	const struct probe *p = &t->opts->probes[i];
	struct warn_ctx w = {.probe = i, .site = site};
	struct module_ctx mc = {t, s};
	struct argplan_modules mods = {find_module, &mc};
	struct argplan_list *l;
	struct probe_arg *compiled;
	uint64_t vaddr = 0;
	int rc;

	*args = NULL;
	if (!argplan_wanted(p))
		return 0;
	sym_offset_to_vaddr(sm, r->file_offset, &vaddr);
	rc = argplan_compile(p, dm, vaddr, site->addr - vaddr, &mods, &compiled,
			     warn_optimized_out, &w, err, errlen);
	if (rc < 0)
		return rc;
	l = calloc(1, sizeof(*l));
	if (!l) {
		argplan_free(p, compiled);
		return -ENOMEM;
	}
	l->probe = p;
	l->args = compiled;
	l->next = t->argplans;
	t->argplans = l;
	*args = compiled;
	return 0;
}

/* Plant probe I at one of its sites. */
static void plant_one(struct tracer *t, struct thread *th, struct module *m,
		      const struct sym_module *sm, struct dwarf_module *dm, int i,
		      const struct resolved *r)
{
	const struct probe *p = &t->opts->probes[i];
	const struct probe_arg *args;
	struct site *site;
	char err[1024] = "";

	/* At the entry point the stack holds argc where a return address
	 * would be: hijacking it would change the program's argc. */
	if (p->kind == PROBE_RETURN && sym_is_entry_point(sm, r->file_offset)) {
		if (!p->sym_glob)
			log_error("warning: probe %d (%s): %s is the program's entry point and never "
				  "returns: no return probe there",
				  i + 1, p->text, r->sym ? r->sym : "it");
		return;
	}
	site = get_site(t, th, m, sm, r, err, sizeof(err));
	if (!site) {
		probe_error(t, i, err);
		return;
	}
	if (p->plt && r->plt.name) {
		site->plt = r->plt.name;
		site->plt_label = r->plt.label;
		site->got_call = r->plt.kind != SYM_PLT_STUB;
	}
	if (site->got_call && p->kind == PROBE_RETURN) {
		/* hit.c hijacks a GOT call's return address before the call
		 * (a function's own return) or after it (the PLT probe's) */
		for (int k = 0; k < site->nreturn; k++) {
			if (t->opts->probes[site->return_probes[k]].plt == p->plt)
				continue;
			probe_error(t, i, "a .return PLT probe and a function's return probe on the "
					  "same jump through the GOT: not supported yet");
			return;
		}
	}
	if (compile_args(t, th->proc->space, i, dm, sm, r, site, &args, err, sizeof(err)) < 0) {
		probe_error(t, i, err);
		return;
	}
	if (args && argplan_needs_fp(args, p->nargs))
		site->needs_fp = true;
	if (p->want_where) {
		uint64_t vaddr = 0;

		sym_offset_to_vaddr(sm, r->file_offset, &vaddr);
		where_fill(t, th->proc->space, m, site, vaddr);
	}
	if (p->kind == PROBE_ENTRY)
		add_probe(&site->entry_probes, &site->entry_args, &site->nentry, i, args);
	else
		add_probe(&site->return_probes, &site->return_args, &site->nreturn, i, args);
	log_verbose("probe %d: %s at %#llx (%s+0x%llx in %s, file offset %#llx), %s", i + 1,
		    p->name, (unsigned long long)site->addr, r->sym ? r->sym : "?",
		    (unsigned long long)r->sym_off, m->path, (unsigned long long)r->file_offset,
		    arch_step_mode_name(site->plan.mode));
}

/* Probe I is at an SDT marker (R) guarded by a semaphore: raise it in this
 * module, at its link-time address plus the load bias the marker's own
 * address gives (a file offset could name two mappings of one page). */
static void hold_semaphore(struct tracer *t, struct space *s, const struct module *m,
			   const struct sym_module *sm, int i, const struct resolved *r)
{
	const struct site *site;
	uint64_t addr, vaddr;

	if (module_offset_to_addr(m, r->file_offset, &addr) < 0 ||
	    sym_offset_to_vaddr(sm, r->file_offset, &vaddr) < 0)
		return;
	site = space_site(s, addr);
	if (!site || !site->planted)
		return; /* not planted: reported, and nothing to enable */
	sema_hold(s, m, i, t->opts->probes[i].sdt_semaphore + (addr - vaddr));
}

int plant_probes(struct tracer *t, struct thread *th)
{
	const struct options *o = t->opts;
	struct space *s = th->proc->space;
	char err[512];

	for (size_t i = 0; i < o->nprobes; i++) {
		const struct probe *p = &o->probes[i];

		if (t->probe_disabled && t->probe_disabled[i])
			continue; /* disabled while running: not in new modules either */
		for (size_t k = 0; k < s->nmodules; k++) {
			struct module *m = &s->modules[k];
			char path[4096];
			struct dwarf_module *dm = NULL;
			struct sym_module *sm;
			struct resolved *r;
			size_t nr;

			if (!m->nmaps || !wants_module(s, p, m) || !mark_resolved(s, (int)i, m))
				continue;
			if (!p->any_module)
				t->probe_matched[i] = true;
			err[0] = '\0';
			sm = tracer_sym(t, s, m);
			if (p->any_module && (!sm || !sym_defines(sm, p->sym)))
				continue;
			t->probe_matched[i] = true;
			if (!sm) {
				snprintf(err, sizeof(err), "%s: cannot read its symbols", m->path);
				probe_error(t, (int)i, err);
				continue;
			}
			module_file(s->pid, m->path, m->dev, m->ino, path, sizeof(path));
			if (resolve_sites(sm, path, p, &r, &nr, err, sizeof(err)) < 0) {
				probe_error(t, (int)i, err);
				continue;
			}
			if (nr > RESOLVE_CONFIRM_ABOVE && !o->yes) {
				snprintf(err, sizeof(err),
					 "matches %zu places in %s (more than %d)\n"
					 "      hint: add --yes to probe them all", nr, m->path,
					 RESOLVE_CONFIRM_ABOVE);
				probe_error(t, (int)i, err);
				free(r);
				continue;
			}
			/* No DWARF is not an error yet: casts to built-in
			 * types still compile; names say what is missing. */
			if (argplan_wanted(p))
				dwarf_module_open(path, &dm);
			for (size_t j = 0; j < nr; j++)
				plant_one(t, th, m, sm, dm, (int)i, &r[j]);
			if (p->sdt_semaphore)
				hold_semaphore(t, s, m, sm, (int)i, &r[0]);
			dwarf_module_close(dm);
			dm = NULL;
			free(r);
		}
	}
	return 0;
}

static bool is_dynamic_linker(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strncmp(base, "ld-linux", 8) == 0 || strncmp(base, "ld.so", 5) == 0 ||
	       strncmp(base, "ld-", 3) == 0;
}

int plant_rendezvous(struct tracer *t, struct thread *th)
{
	struct space *s = th->proc->space;
	struct probe fake = {.bin = "", .sym = "_dl_debug_state", .kind = PROBE_ENTRY};
	char err[512];

	if (s->rendezvous)
		return 0;
	/* glibc's dynamic linker calls _dl_debug_state (r_debug.r_brk) before
	 * and after every change to the list of loaded objects. */
	for (size_t k = 0; k < s->nmodules; k++) {
		struct module *m = &s->modules[k];
		struct sym_module *sm;
		struct resolved r;
		struct site *site;

		if (!m->nmaps || !is_dynamic_linker(m->path))
			continue;
		sm = tracer_sym(t, s, m);
		if (!sm || resolve_probe(sm, &fake, &r, err, sizeof(err)) < 0)
			continue;
		err[0] = '\0';
		site = get_site(t, th, m, sm, &r, err, sizeof(err));
		if (!site) {
			log_verbose("no rendezvous breakpoint in %s: %s", m->path, err);
			continue;
		}
		site->kind = SITE_RENDEZVOUS;
		s->rendezvous = true;
		return 0;
	}
	return 0;
}

int plant_new_image(struct tracer *t, struct thread *th)
{
	int rc = space_scan_modules(th->proc->space);

	if (rc < 0)
		return rc;
	rc = xol_setup(t, th);
	if (rc < 0)
		log_verbose("pid %d: no out-of-line page (%s); single-stepping instead",
			    th->proc->pid, strerror(-rc));
	plant_probes(t, th);
	return plant_rendezvous(t, th);
}
