/* dryrun.c: -S/--dry-run with --backend=uprobe: where each probe lands,
 * its events, which part of each f: filter the kernel decides, and the
 * exact tracefs writes a run does, as shell lines; nothing is written. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "backend/backend.h"
#include "backend/ptrace/argplan.h"
#include "backend/uprobe/uprobe.h"

static void print_filter(FILE *out, const struct uevent *ev)
{
	if (ev->kfilter_all == 1 && !ev->kfilter[0])
		return; /* no f: */
	if (ev->kfilter_all == 1)
		fprintf(out, "  filter   in the kernel: %s\n", ev->kfilter);
	else if (ev->kfilter_all == 0)
		fprintf(out, "  filter   in the kernel: %s (a part: utap applies all of f: to what "
			     "passes)\n", ev->kfilter);
	else
		fprintf(out, "  filter   in utap (the kernel's filters cannot express it)\n");
}

static void print_event(FILE *out, const struct options *o, const struct uevent *ev)
{
	const struct probe *p = &o->probes[ev->probe];

	fprintf(out, "  site     %s+0x%llx, file offset %#llx, link-time address %#llx\n",
		ev->site.sym ? ev->site.sym : "?", (unsigned long long)ev->site.sym_off,
		(unsigned long long)ev->site.file_offset, (unsigned long long)ev->vaddr);
	argplan_print(out, ev->args ? ev->args : p->args, p->nargs);
	print_filter(out, ev);
	fprintf(out, "  event    %s\n", ev->line);
}

int uprobe_backend_dry_run(const struct options *o, FILE *out)
{
	struct tracefs fs;
	struct uplan plan;
	int probe = -1;

	tracefs_open(&fs, out);
	if (uplan_build(o, fs.group, &plan) < 0) {
		uplan_free(&plan);
		return 2;
	}
	for (size_t i = 0; i < plan.nevents; i++) {
		const struct uevent *ev = &plan.events[i];
		const struct probe *p = &o->probes[ev->probe];

		if (ev->probe != probe) {
			probe = ev->probe;
			fprintf(out, "probe %d  %s\n", probe + 1, p->text);
			fprintf(out, "  name     %s (%s)\n", p->name,
				p->kind == PROBE_ENTRY ? "entry" : "return");
			fprintf(out, "  module   %s (%s)\n", ev->mod->path,
				sym_module_is_pie(ev->mod->sym) ? "PIE/shared" : "fixed address");
		}
		print_event(out, o, ev);
	}
	fprintf(out, "tracefs writes (--backend=uprobe), in order:\n");
	instance_setup(&fs, &plan);
	if (o->argv) {
		fprintf(out, "  echo PID > %s/set_event_pid    # the launched program, held before "
			     "its exec\n", fs.instance);
	} else {
		pid_t *tids = NULL;
		size_t n = 0;

		if (instance_thread_ids(o->attach_pid, &tids, &n) == 0)
			instance_set_pids(&fs, tids, n);
		free(tids);
	}
	instance_enable(&fs, true);
	fprintf(out, "  # the hits: %s/trace_pipe\n", fs.instance);
	fprintf(out, "on exit (normal, Ctrl-C, SIGTERM, error):\n");
	instance_teardown(&fs, &plan);
	uplan_free(&plan);
	fflush(out);
	return 0;
}
