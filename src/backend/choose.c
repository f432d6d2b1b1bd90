/* choose.c: the backend --backend names (ptrace unless told otherwise). */
#include "backend/backend.h"

int backend_check(struct options *o)
{
	return o->backend == BACKEND_UPROBE ? uprobe_backend_check(o) : ptrace_backend_check(o);
}

int backend_dry_run(const struct options *o, FILE *out)
{
	return o->backend == BACKEND_UPROBE ? uprobe_backend_dry_run(o, out)
					    : ptrace_backend_dry_run(o, out);
}

int backend_run(const struct options *o, FILE *out, const struct backend_hooks *hooks)
{
	return o->backend == BACKEND_UPROBE ? uprobe_backend_run(o, out, hooks)
					    : ptrace_backend_run(o, out, hooks);
}
