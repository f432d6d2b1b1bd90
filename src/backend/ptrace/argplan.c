/* argplan.c: compile a probe's C-level arguments for one site, once, at
 * planting: the hit path only walks the plain plans this leaves. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/argplan.h"
#include "backend/ptrace/resolve.h"
#include "dwarf/dwarf.h"

bool argplan_wanted(const struct probe *p)
{
	for (size_t i = 0; i < p->nargs; i++)
		if (p->args[i].expr || p->args[i].list != LIST_NONE)
			return true;
	return false;
}

static bool bare_retval(const struct probe_expr *e)
{
	return e->base == PEXPR_RETVAL && !e->cast && !e->naccess;
}

/* A's plan becomes the raw $retval fetch, with the type FROM was parsed with. */
static int raw_retval(const struct probe_arg *from, struct probe_arg *a)
{
	probe_arg_release_compiled(a);
	a->fetch = calloc(1, sizeof(*a->fetch));
	if (!a->fetch)
		return -ENOMEM;
	a->fetch->op = FETCH_RETVAL;
	a->type = from->type;
	a->show = from->show;
	a->bit_offset = a->bit_size = 0;
	a->strmax = 0;
	return 0;
}

int argplan_compile(const struct probe *p, struct dwarf_module *dm, uint64_t pc, uint64_t bias,
		    struct probe_arg **out, void (*warn)(void *ctx, const char *why),
		    void *warn_ctx, char *err, size_t errlen)
{
	struct probe_arg *args = calloc(p->nargs ? p->nargs : 1, sizeof(*args));

	*out = NULL;
	if (!args)
		return -ENOMEM;
	/* A PLT probe's site is a stub or a caller's call: the DWARF there
	 * (the caller's, if any) says nothing of the called function. */
	for (size_t i = 0; i < p->nargs && p->plt; i++) {
		const struct probe_arg *a = &p->args[i];

		if (a->list == LIST_NONE)
			continue;
		snprintf(err, errlen, "%s%s%s: a PLT probe has no DWARF of the called function: "
			 "use $arg1..$argN or uint_arg(N)", a->origin ? a->origin : "argument ",
			 a->origin ? ": error: " : "", a->name);
		free(args);
		return -EINVAL;
	}
	if (p->plt)
		dm = NULL;
	for (size_t i = 0; i < p->nargs; i++) {
		struct probe_arg *a = &args[i];
		char why[512] = "";
		int rc;

		*a = p->args[i];
		if (a->list != LIST_NONE) {
			/* $$parms and kin: what is in scope at this site */
			a->parts = NULL;
			a->nparts = 0;
			rc = dwarf_compile_list(dm, pc, p->kind == PROBE_RETURN, bias, a, why,
						sizeof(why));
			if (rc < 0) {
				snprintf(err, errlen, "%s%s%s: %s", a->origin ? a->origin : "argument ",
					 a->origin ? ": error: " : "", a->name, why);
				argplan_free(p, args);
				return rc;
			}
			continue;
		}
		if (!a->expr)
			continue; /* raw: P's plan, shared */
		a->fetch = NULL;
		a->enums = NULL;
		a->nenums = 0;
		a->ctype = NULL;
		rc = dwarf_compile_arg(dm, pc, p->kind == PROBE_RETURN, bias, a, why, sizeof(why));
		if (rc < 0 && rc != -ENOMEM && bare_retval(a->expr)) {
			/* No DWARF type for it (no debug info, a void or
			 * unknown function): rax, as uprobe_events has it. */
			rc = raw_retval(&p->args[i], a);
		}
		if (rc < 0) {
			if (a->origin)
				snprintf(err, errlen, "%s: error: %s: %s", a->origin, a->name, why);
			else
				snprintf(err, errlen, "argument %s: %s", a->name, why);
			argplan_free(p, args);
			return rc;
		}
		if (rc > 0 && warn)
			warn(warn_ctx, why);
	}
	*out = args;
	return 0;
}

void argplan_free(const struct probe *p, struct probe_arg *args)
{
	if (!args)
		return;
	for (size_t i = 0; i < p->nargs; i++)
		if (args[i].expr || args[i].list != LIST_NONE)
			probe_arg_release_compiled(&args[i]);
	free(args);
}

static bool reads_fp(const struct fetch *f)
{
	for (; f; f = f->inner)
		if (f->op == FETCH_FPREG)
			return true;
	return false;
}

bool argplan_needs_fp(const struct probe_arg *args, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (reads_fp(args[i].fetch) || argplan_needs_fp(args[i].parts, args[i].nparts))
			return true;
	return false;
}

void argplan_print(FILE *out, const struct probe_arg *args, size_t n)
{
	char text[256], format[64];

	for (size_t i = 0; i < n; i++) {
		if (args[i].list != LIST_NONE) {
			fprintf(out, "  fetch    %s: %zu variable%s in scope\n", args[i].name,
				args[i].nparts, args[i].nparts == 1 ? "" : "s");
			argplan_print(out, args[i].parts, args[i].nparts);
			continue;
		}
		probe_describe_fetch(args[i].fetch, text, sizeof(text));
		probe_describe_format(&args[i], format, sizeof(format));
		fprintf(out, "  fetch    %s = %s:%s", args[i].name, text, format);
		if (args[i].ctype)
			fprintf(out, " (%s)", args[i].ctype);
		fputc('\n', out);
	}
}

static void print_warning(void *ctx, const char *why)
{
	FILE *out = ctx;

	if (out)
		fprintf(out, "  warning  %s\n", why);
}

int argplan_check_site(const struct probe *p, const struct sym_module *mod,
		       struct dwarf_module *dm, const struct resolved *site, FILE *out,
		       char *err, size_t errlen)
{
	struct probe_arg *args;
	uint64_t vaddr = 0;
	int rc;

	if (!argplan_wanted(p))
		return 0;
	sym_offset_to_vaddr(mod, site->file_offset, &vaddr);
	rc = argplan_compile(p, dm, vaddr, 0, &args, print_warning, out, err, errlen);
	if (rc < 0)
		return rc;
	if (out)
		argplan_print(out, args, p->nargs);
	argplan_free(p, args);
	return 0;
}
