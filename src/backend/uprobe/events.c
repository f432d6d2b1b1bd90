/* events.c: the probes as uprobe_events lines: each site of each probe is
 * resolved as the ptrace backend resolves it (resolve.c, argplan.c) and
 * becomes one event whose fields are the arguments' fetch plans. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/argplan.h"
#include "backend/uprobe/uprobe.h"
#include "dwarf/dwarf.h"
#include "util/log.h"

/* A load bias no real module has: the constants that move with it are
 * addresses (fetcharg.c makes them file-relative). */
#define MARK_BIAS 0x100000000000ull

static const char hint_ptrace[] = "hint: --backend=ptrace (the default) reads it";

static struct umodule *open_module(struct uplan *plan, const char *file, const struct probe *p,
				   size_t i)
{
	struct umodule *m, **grown;
	char err[1024];

	for (size_t k = 0; k < plan->nmods; k++)
		if (strcmp(plan->mods[k]->path, file) == 0)
			return plan->mods[k];
	m = calloc(1, sizeof(*m));
	grown = realloc(plan->mods, (plan->nmods + 1) * sizeof(*grown));
	if (!m || !grown) {
		free(m);
		if (grown)
			plan->mods = grown;
		return NULL;
	}
	plan->mods = grown;
	snprintf(m->path, sizeof(m->path), "%s", file);
	if (sym_module_open(file, p->bin, &m->sym, err, sizeof(err)) < 0) {
		log_error("probe %zu (%s): %s: %s", i + 1, p->text, p->bin, err);
		free(m);
		return NULL;
	}
	plan->mods[plan->nmods++] = m;
	return m;
}

/* A name the kernel takes for a field: a C identifier, none of its own
 * (common_*, __probe_*), not comm or cpu (its filters mean the task's),
 * and not used yet in the event. */
static bool good_name(const char *name, const struct ufield *fields, size_t n)
{
	if (!name[0] || isdigit((unsigned char)name[0]) || strlen(name) >= 32 ||
	    strncmp(name, "common_", 7) == 0 || strncmp(name, "__", 2) == 0 ||
	    strcasecmp(name, "comm") == 0 || strcasecmp(name, "cpu") == 0)
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '_')
			return false;
	for (size_t k = 0; k < n; k++)
		if (strcmp(fields[k].name, name) == 0)
			return false;
	return true;
}

/* Where an error about ARG is reported: its place in a script, or the probe. */
static void report_arg(const struct probe *p, size_t i, const struct probe_arg *arg,
		       const char *why)
{
	if (arg->origin)
		log_error("%s: error: %s: not supported yet with --backend=uprobe: %s\n      %s",
			  arg->origin, arg->name, why, hint_ptrace);
	else
		log_error("probe %zu (%s): argument %s: not supported yet with --backend=uprobe: "
			  "%s\n      %s", i + 1, p->text, arg->name, why, hint_ptrace);
}

static bool reads_memory(const struct fetch *f)
{
	for (; f; f = f->inner)
		if (f->op == FETCH_DEREF || f->op == FETCH_STACK)
			return true;
	return false;
}

/* Append " NAME=FETCH" to the event's line.  0 or -ENOMEM. */
static int append(char **line, size_t *len, const char *name, const char *fetch)
{
	char *grown = realloc(*line, *len + strlen(name) + strlen(fetch) + 3);

	if (!grown)
		return -ENOMEM;
	*line = grown;
	*len += (size_t)sprintf(*line + *len, " %s=%s", name, fetch);
	return 0;
}

/* After number field F read from memory as FETCH ("EXPR:TYPE"): the same
 * address read as a string, whose (fault) tells an unreadable number. */
static int add_fault_check(struct uevent *ev, const char *fetch, char **line, size_t *len)
{
	char text[1300];
	struct ufield *f = realloc(ev->fields, (ev->nfields + 1) * sizeof(*f));
	const char *colon = strrchr(fetch, ':');

	if (!f)
		return -ENOMEM;
	ev->fields = f;
	f = &ev->fields[ev->nfields];
	*f = ev->fields[ev->nfields - 1];
	f->string = true;
	f->fault_check = true;
	for (int k = 0;; k++) {
		snprintf(f->name, sizeof(f->name), "ok%zu%s%.0d", ev->nfields - 1, k ? "_" : "", k);
		if (good_name(f->name, ev->fields, ev->nfields))
			break;
	}
	ev->nfields++;
	snprintf(text, sizeof(text), "%.*s:string", (int)(colon - fetch), fetch);
	return append(line, len, f->name, text);
}

/* Add ARG's field to EV (none when it is optimized out here). */
static int add_field(struct uevent *ev, const struct probe_arg *arg, const struct fetch *biased,
		     size_t k, long part, char **line, size_t *len, const struct probe *p, size_t i)
{
	struct fetch_addrs fa = {biased, ev->vaddr, ev->site.file_offset};
	char fetch[1200], why[256];
	struct ufield *f;
	int rc;

	rc = uprobe_fetcharg(arg, &fa, fetch, sizeof(fetch), why, sizeof(why));
	if (rc == -ENODATA)
		return 0; /* "(optimized out)", as the other backend shows it */
	if (rc < 0) {
		report_arg(p, i, arg, why);
		return -EINVAL;
	}
	f = realloc(ev->fields, (ev->nfields + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	ev->fields = f;
	f = &ev->fields[ev->nfields];
	memset(f, 0, sizeof(*f));
	f->arg = k;
	f->part = part;
	f->string = arg->type == PROBE_STRING;
	if (part < 0 && good_name(arg->name, ev->fields, ev->nfields))
		snprintf(f->name, sizeof(f->name), "%s", arg->name);
	else if (part < 0)
		snprintf(f->name, sizeof(f->name), "arg%zu", k);
	else
		snprintf(f->name, sizeof(f->name), "arg%zu_%ld", k, part);
	ev->nfields++;
	rc = append(line, len, f->name, fetch);
	if (rc == 0 && arg->type != PROBE_STRING && reads_memory(arg->fetch))
		rc = add_fault_check(ev, fetch, line, len);
	return rc;
}

/* The fields of EV, for ARGS (compiled for the site, or the probe's own);
 * BIASED: the same compiled with MARK_BIAS. */
static int add_fields(struct uevent *ev, const struct probe_arg *args,
		      const struct probe_arg *biased, const struct probe *p, size_t i)
{
	size_t len = strlen(ev->line);
	int rc = 0;

	for (size_t k = 0; k < p->nargs && rc == 0; k++) {
		const struct probe_arg *a = &args[k], *b = biased ? &biased[k] : NULL;

		if (a->list == LIST_NONE) {
			rc = add_field(ev, a, b ? b->fetch : NULL, k, -1, &ev->line, &len, p, i);
			continue;
		}
		for (size_t j = 0; j < a->nparts && rc == 0; j++)
			rc = add_field(ev, &a->parts[j],
				       b && j < b->nparts ? b->parts[j].fetch : NULL, k, (long)j,
				       &ev->line, &len, p, i);
	}
	return rc;
}

static void kernel_filter(struct uevent *ev, const struct probe *p, const struct probe_arg *args)
{
	const char *names[p->nargs ? p->nargs : 1];

	for (size_t k = 0; k < p->nargs; k++)
		names[k] = NULL;
	for (size_t f = 0; f < ev->nfields; f++)
		if (ev->fields[f].part < 0 && !ev->fields[f].fault_check && !ev->fields[f].comm)
			names[ev->fields[f].arg] = ev->fields[f].name;
	ev->kfilter_all = probe_filter_kernel(p->filter, args, names, ev->kfilter,
					      sizeof(ev->kfilter));
}

static int add_event(struct uplan *plan, const char *group, struct umodule *m,
		     struct dwarf_module *dm, const struct probe *p, size_t i,
		     const struct resolved *site, size_t j, size_t nsites)
{
	struct probe_arg *biased = NULL;
	struct uevent *ev, *grown;
	char err[1024];
	size_t len;
	int rc = 0;

	if (p->plt && site->plt.name && site->plt.kind != SYM_PLT_STUB) {
		/* a call through the GOT (-fno-plt): the kernel reports it before
		 * the call, and a return probe there would hijack the caller's
		 * own return; the ptrace backend runs the call first */
		log_error("probe %zu (%s): %s in %s is a call through the GOT (-fno-plt): "
			  "not supported yet with --backend=uprobe\n"
			  "      hint: --backend=ptrace probes it", i + 1, p->text, site->plt.label,
			  site->plt.section);
		return -EINVAL;
	}
	if (p->sdt_semaphore) {
		log_error("probe %zu (%s): the marker is guarded by a semaphore: not supported yet "
			  "with --backend=uprobe\n      hint: --backend=ptrace sets it", i + 1, p->text);
		return -EINVAL;
	}
	grown = realloc(plan->events, (plan->nevents + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	plan->events = grown;
	ev = &plan->events[plan->nevents++];
	memset(ev, 0, sizeof(*ev));
	ev->probe = (int)i;
	ev->mod = m;
	ev->site = *site;
	if (nsites > 1)
		snprintf(ev->name, sizeof(ev->name), "%s_%zu", p->name, j);
	else
		snprintf(ev->name, sizeof(ev->name), "%s", p->name);
	sym_offset_to_vaddr(m->sym, site->file_offset, &ev->vaddr);
	if (argplan_wanted(p)) {
		rc = argplan_compile(p, dm, ev->vaddr, 0, NULL, &ev->args, NULL, NULL, err,
				     sizeof(err));
		if (rc == 0)
			rc = argplan_compile(p, dm, ev->vaddr, MARK_BIAS, NULL, &biased, NULL, NULL,
					     err, sizeof(err));
		if (rc < 0) {
			if (strncmp(err, "argument ", 9) == 0)
				log_error("probe %zu (%s): %s", i + 1, p->text, err);
			else
				log_error("%s", err);
			argplan_free(p, biased);
			return -EINVAL;
		}
	}
	if (asprintf(&ev->line, "%c:%s/%s %s:0x%llx", p->kind == PROBE_RETURN ? 'r' : 'p', group,
		     ev->name, m->path, (unsigned long long)site->file_offset) < 0) {
		ev->line = NULL;
		argplan_free(p, biased);
		return -ENOMEM;
	}
	ev->fields = calloc(1, sizeof(*ev->fields));
	if (!ev->fields) {
		argplan_free(p, biased);
		return -ENOMEM;
	}
	ev->fields[0].comm = ev->fields[0].string = true;
	ev->fields[0].part = -1;
	snprintf(ev->fields[0].name, sizeof(ev->fields[0].name), "__comm");
	ev->nfields = 1;
	len = strlen(ev->line);
	rc = append(&ev->line, &len, "__comm", "$comm");
	if (rc == 0)
		rc = add_fields(ev, ev->args ? ev->args : p->args, biased, p, i);
	argplan_free(p, biased);
	if (rc == 0)
		kernel_filter(ev, p, ev->args ? ev->args : p->args);
	return rc;
}

static int add_probe(struct uplan *plan, const char *group, const struct prestart *ps, size_t i)
{
	const struct options *o = plan->opts;
	const struct probe *p = &o->probes[i];
	struct dwarf_module *dm = NULL;
	char file[4096], err[1024];
	struct umodule *m;
	struct resolved *r;
	size_t nr;
	int rc = 0;

	if (!known_file(o, p, ps, file, sizeof(file))) {
		log_error("probe %zu (%s): '%s' is only known once the program loads it: not "
			  "supported yet with --backend=uprobe\n      hint: name the file by its "
			  "path, or use --backend=ptrace", i + 1, p->text, p->bin);
		return -EINVAL;
	}
	if (file[0] != '/') {
		char *abs = realpath(file, NULL);

		if (abs) {
			snprintf(file, sizeof(file), "%s", abs);
			free(abs);
		}
	}
	m = open_module(plan, file, p, i);
	if (!m)
		return -EINVAL;
	if (resolve_sites(m->sym, file, p, &r, &nr, err, sizeof(err)) < 0) {
		log_error("probe %zu (%s): %s", i + 1, p->text, err);
		return -EINVAL;
	}
	if (nr > RESOLVE_CONFIRM_ABOVE && !o->yes) {
		log_error("probe %zu (%s) matches %zu places (more than %d)\n"
			  "      hint: add --yes to probe them all, or narrow the pattern", i + 1,
			  p->text, nr, RESOLVE_CONFIRM_ABOVE);
		free(r);
		return -EINVAL;
	}
	if (argplan_wanted(p))
		dwarf_module_open(file, &dm);
	for (size_t j = 0; j < nr && rc == 0; j++)
		rc = add_event(plan, group, m, dm, p, i, &r[j], j, nr);
	dwarf_module_close(dm);
	free(r);
	return rc;
}

int uplan_build(const struct options *o, const char *group, struct uplan *plan)
{
	struct prestart ps;
	int rc = 0;

	memset(plan, 0, sizeof(*plan));
	plan->opts = o;
	if (prestart_open(o, &ps) < 0)
		return -EINVAL;
	for (size_t i = 0; i < o->nprobes && rc == 0; i++)
		rc = add_probe(plan, group, &ps, i);
	prestart_close(&ps);
	if (rc == -ENOMEM)
		log_error("out of memory");
	return rc < 0 ? -EINVAL : 0;
}

void uplan_free(struct uplan *plan)
{
	for (size_t i = 0; i < plan->nevents; i++) {
		struct uevent *ev = &plan->events[i];

		argplan_free(&plan->opts->probes[ev->probe], ev->args);
		free(ev->fields);
		free(ev->line);
	}
	free(plan->events);
	for (size_t k = 0; k < plan->nmods; k++) {
		sym_module_close(plan->mods[k]->sym);
		free(plan->mods[k]);
	}
	free(plan->mods);
	memset(plan, 0, sizeof(*plan));
}
