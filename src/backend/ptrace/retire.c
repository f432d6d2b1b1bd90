/* retire.c: probes disabled while the program runs (a script's overload guard): off
 * their sites, and a site with nothing left gets the program's bytes back. */
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/tracee.h"
#include "util/log.h"

static struct tracer *running; /* the tracer whose probes can be disabled now */

void retire_set_tracer(struct tracer *t)
{
	running = t;
}

void backend_disable_probe(int probe)
{
	if (!running || probe < 0 || (size_t)probe >= running->opts->nprobes)
		return;
	running->probe_disabled[probe] = true;
	running->disable_pending = true;
}

/* Drop the disabled probes from one list of a site (and its arguments). */
static void drop(struct tracer *t, int *probes, const struct probe_arg **args, int *n)
{
	int k = 0;

	for (int i = 0; i < *n; i++) {
		if (t->probe_disabled[probes[i]])
			continue;
		probes[k] = probes[i];
		if (args)
			args[k] = args[i];
		k++;
	}
	*n = k;
}

static void retire_space(struct tracer *t, struct space *s)
{
	for (size_t i = 0; i < s->nsites; i++) {
		struct site *site = s->site_list[i];

		if (site->kind != SITE_PROBE)
			continue;
		drop(t, site->entry_probes, site->entry_args, &site->nentry);
		drop(t, site->return_probes, site->return_args, &site->nreturn);
		if (site->nentry || site->nreturn || !site->planted)
			continue;
		/* A thread that already hit the int3 finds the site retired
		 * and reruns the instruction there (on_trap). */
		if (site_restore(s->memfd, site) == 0) {
			site->planted = false;
			site->retired = true;
		}
	}
}

void retire_disabled(struct tracer *t)
{
	t->disable_pending = false;
	for (struct process *p = t->procs; p; p = p->next) {
		bool seen = false;

		/* a vfork child shares its parent's space: once is enough */
		for (struct process *q = t->procs; q != p; q = q->next)
			seen = seen || q->space == p->space;
		if (!seen) {
			retire_space(t, p->space);
			sema_retire(t, p->space);
		}
	}
}
