/* uprobe_limits.c: a checked script walked for what the kernel cannot give
 * at the hit, for --backend=uprobe; each refusal names the construct, its
 * place, and --backend=ptrace. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "script/uprobe_limits.h"

/* Builtins that read the program or its registers when they run, after
 * the kernel's hit is over. */
static const char *const after_hit[] = {
	"int_arg", "uint_arg", "long_arg", "ulong_arg", "pointer_arg", "s32_arg", "u32_arg",
	"s64_arg", "u64_arg", "returnval", "returnstr", "register", "u_register", "print_regs",
	"print_ubacktrace", "sprint_ubacktrace", "ubacktrace", "print_ustack", "sprint_ustack",
	"usymname", "usymdata", "umodname", "uaddr",
};

static bool reads_after_hit(const char *name)
{
	if (strncmp(name, "user_", 5) == 0)
		return true;
	for (size_t i = 0; i < sizeof(after_hit) / sizeof(after_hit[0]); i++)
		if (strcmp(name, after_hit[i]) == 0)
			return true;
	return false;
}

static int refuse(struct script_error *err, const struct script_pos *pos, const char *what,
		  const char *why)
{
	err->line = pos->line;
	err->col = pos->col;
	snprintf(err->msg, sizeof(err->msg), "%s %s: not supported with --backend=uprobe", what,
		 why);
	snprintf(err->hint, sizeof(err->hint), "%s",
		 strncmp(what, "probe ", 6) == 0
			 ? "use --backend=ptrace"
			 : "the kernel fetches a hit's values at the hit and the program runs on; "
			   "use --backend=ptrace");
	return -EINVAL;
}

static int walk_expr(const struct script_expr *e, struct script_error *err)
{
	char what[160];
	int rc = 0;

	if (!e)
		return 0;
	switch (e->kind) {
	case SE_CALL:
		if (e->builtin && reads_after_hit(e->name)) {
			snprintf(what, sizeof(what), "%s()", e->name);
			return refuse(err, &e->pos, what,
				      "reads the program's memory or registers after the hit");
		}
		break;
	case SE_ENTRY:
		return refuse(err, &e->pos, "@entry()", "needs a value saved at the call");
	case SE_CAST:
		return refuse(err, &e->pos, "@cast()", "reads the program's memory after the hit");
	case SE_TARGET:
		if (e->at_entry) {
			snprintf(what, sizeof(what), "'%s' in a .return probe", e->name);
			return refuse(err, &e->pos, what, "is its value at the call, saved then");
		}
		if (strcmp(e->name, "$$return") == 0)
			return refuse(err, &e->pos, "$$return", "reads the registers after the hit");
		break;
	case SE_ASSIGN:
		if (e->nargs && e->args[0] && e->args[0]->kind == SE_TARGET) {
			snprintf(what, sizeof(what), "writing '%s'", e->args[0]->name);
			return refuse(err, &e->pos, what, "changes the program after the hit");
		}
		break;
	default:
		break;
	}
	for (int i = 0; i < e->nargs && rc == 0; i++)
		rc = walk_expr(e->args[i], err);
	for (int i = 0; i < e->naccess && rc == 0; i++)
		if (e->access[i].kind == SA_INDEX)
			rc = walk_expr(e->access[i].index, err);
	return rc;
}

static int walk_stmt(const struct script_stmt *st, struct script_error *err)
{
	int rc;

	if (!st)
		return 0;
	rc = walk_expr(st->expr, err);
	if (rc == 0)
		rc = walk_expr(st->init, err);
	if (rc == 0)
		rc = walk_expr(st->step, err);
	if (rc == 0)
		rc = walk_expr(st->limit, err);
	if (rc == 0)
		rc = walk_stmt(st->then, err);
	if (rc == 0)
		rc = walk_stmt(st->otherwise, err);
	for (int i = 0; i < st->nbody && rc == 0; i++)
		rc = walk_stmt(st->body[i], err);
	return rc;
}

/* process.begin, process("x").end, process.thread.begin, thread.end: the
 * kernel's uprobes do not tell processes and threads starting and ending. */
static int walk_point(const struct script_point *pt, struct script_error *err)
{
	bool process = false;

	for (int i = 0; i < pt->ncomps; i++) {
		const char *name = pt->comps[i].name;

		if (strcmp(name, "process") == 0 || strcmp(name, "thread") == 0) {
			process = true;
		} else if (process && (strcmp(name, "begin") == 0 || strcmp(name, "end") == 0)) {
			char what[96];

			snprintf(what, sizeof(what), "probe %s.%s", pt->comps[i - 1].name, name);
			return refuse(err, &pt->comps[i].pos, what,
				      "needs ptrace to see processes and threads begin and end");
		}
	}
	return 0;
}

int script_uprobe_limits(const struct script *s, struct script_error *err)
{
	int rc = 0;

	for (int p = 0; p < s->nprobes && rc == 0; p++) {
		for (int k = 0; k < s->probes[p].npoints && rc == 0; k++)
			rc = walk_point(&s->probes[p].points[k], err);
		if (rc == 0)
			rc = walk_stmt(s->probes[p].body, err);
	}
	for (int f = 0; f < s->nfunctions && rc == 0; f++)
		rc = walk_stmt(s->functions[f].body, err);
	return rc;
}
