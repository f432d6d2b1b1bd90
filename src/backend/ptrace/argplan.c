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
		if (p->args[i].expr || p->args[i].list != LIST_NONE || p->args[i].pretty)
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

/* Compile A, whose names come from another module (expr->module): at no
 * site of it, so no scope but its units'. */
static int compile_elsewhere(const struct probe *p, struct probe_arg *a,
			     const struct argplan_modules *mods, char *why, size_t whylen)
{
	struct dwarf_module *other = NULL;
	uint64_t bias = 0;
	int rc;

	if (!mods) {
		snprintf(why, whylen, "module '%s' cannot be looked up here", a->expr->module);
		return -ENOENT;
	}
	rc = mods->find(mods->ctx, a->expr->module, &other, &bias, why, whylen);
	if (rc < 0)
		return rc;
	if (bias == ARGPLAN_NO_BIAS && a->expr->base == PEXPR_GLOBAL) {
		snprintf(why, whylen, "%s is not loaded yet where the probe is planted: its "
			 "variables have no address", a->expr->module);
		return -ENOENT;
	}
	return dwarf_compile_arg(other, 0, p->kind == PROBE_RETURN,
				 bias == ARGPLAN_NO_BIAS ? 0 : bias, a, why, whylen);
}

/* ERR: what is wrong with argument A, at the place a script wrote it
 * ("calls.stp:3:10: error: $x: WHY") or by its name ("argument x: WHY"). */
static void arg_error(char *err, size_t errlen, const struct probe_arg *a, const char *why)
{
	if (a->origin)
		snprintf(err, errlen, "%s: error: %s: %s", a->origin, a->name, why);
	else
		snprintf(err, errlen, "argument %s: %s", a->name, why);
}

int argplan_compile(const struct probe *p, struct dwarf_module *dm, uint64_t pc, uint64_t bias,
		    const struct argplan_modules *mods, struct probe_arg **out,
		    void (*warn)(void *ctx, const char *why), void *warn_ctx, char *err,
		    size_t errlen)
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
		arg_error(err, errlen, a, "a PLT probe has no DWARF of the called function: "
					  "use $arg1..$argN or uint_arg(N)");
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
		if (a->pretty) {
			/* $x$, $$parms$: pieces of text and values */
			rc = dwarf_compile_pretty(dm, pc, p->kind == PROBE_RETURN, bias, a, why,
						  sizeof(why));
			if (rc < 0 && rc != -ENOMEM && a->optional) {
				probe_arg_release_compiled(a);
				a->absent = true;
				continue;
			}
			if (rc < 0) {
				arg_error(err, errlen, a, why);
				argplan_free(p, args);
				return rc;
			}
			continue;
		}
		if (a->list != LIST_NONE) {
			/* $$parms and kin: what is in scope at this site */
			a->parts = NULL;
			a->nparts = 0;
			rc = dwarf_compile_list(dm, pc, p->kind == PROBE_RETURN, bias, a, why,
						sizeof(why));
			if (rc < 0) {
				arg_error(err, errlen, a, why);
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
		a->absent = false;
		if (a->expr->module)
			rc = compile_elsewhere(p, a, mods, why, sizeof(why));
		else
			rc = dwarf_compile_arg(dm, pc, p->kind == PROBE_RETURN, bias, a, why,
					       sizeof(why));
		if (rc == -EAGAIN)
			continue; /* its module is known once the program runs */
		/* an optional $retval: absent where the function returns
		 * void; without DWARF it is still the return register */
		if (rc < 0 && rc != -ENOMEM && a->optional &&
		    !(bare_retval(a->expr) && rc == -ENOENT)) {
			/* @defined(...) is 0 here: no fetch, not an error */
			probe_arg_release_compiled(a);
			a->absent = true;
			continue;
		}
		if (rc < 0 && rc != -ENOMEM && bare_retval(a->expr)) {
			/* No DWARF type for it (no debug info, a void or
			 * unknown function): rax, as uprobe_events has it. */
			rc = raw_retval(&p->args[i], a);
		}
		if (rc < 0) {
			arg_error(err, errlen, a, why);
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
		if (args[i].expr || args[i].list != LIST_NONE || args[i].pretty)
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
		if (args[i].pretty) {
			fprintf(out, "  fetch    %s: %zu value%s pretty-printed\n", args[i].name,
				args[i].nparts, args[i].nparts == 1 ? "" : "s");
			for (size_t k = 0; k < args[i].nparts; k++)
				if (args[i].parts[k].pretty_fmt)
					argplan_print(out, &args[i].parts[k], 1);
			continue;
		}
		if (args[i].list != LIST_NONE) {
			fprintf(out, "  fetch    %s: %zu variable%s in scope\n", args[i].name,
				args[i].nparts, args[i].nparts == 1 ? "" : "s");
			argplan_print(out, args[i].parts, args[i].nparts);
			continue;
		}
		if (args[i].absent) {
			fprintf(out, "  fetch    %s: not here (@defined is 0)\n", args[i].name);
			continue;
		}
		if (!args[i].fetch && args[i].expr && args[i].expr->module) {
			fprintf(out, "  fetch    %s: compiled when %s is loaded\n", args[i].name,
				args[i].expr->module);
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

/* Before the program runs, another module is known only by its path. */
struct opened {
	char *name;
	struct dwarf_module *dm;
};

static int find_by_path(void *ctx, const char *name, struct dwarf_module **dm, uint64_t *bias,
			char *err, size_t errlen)
{
	struct opened *cache = ctx;
	int i;

	*bias = 0;
	if (!strchr(name, '/'))
		return -EAGAIN; /* a library by name: found where it is mapped */
	for (i = 0; i < 8 && cache[i].name; i++) {
		if (strcmp(cache[i].name, name) == 0) {
			*dm = cache[i].dm;
			return *dm ? 0 : -ENOENT;
		}
	}
	if (i == 8)
		return -EAGAIN;
	cache[i].name = strdup(name);
	if (!cache[i].name)
		return -ENOMEM;
	if (dwarf_module_open(name, &cache[i].dm) < 0) {
		cache[i].dm = NULL;
		snprintf(err, errlen, "module %s: no DWARF debug info (or no such file)", name);
		return -ENOENT;
	}
	*dm = cache[i].dm;
	return 0;
}

int argplan_check_site(const struct probe *p, const struct sym_module *mod,
		       struct dwarf_module *dm, const struct resolved *site, FILE *out,
		       char *err, size_t errlen)
{
	struct opened cache[8] = {{0}};
	struct argplan_modules mods = {find_by_path, cache};
	struct probe_arg *args;
	uint64_t vaddr = 0;
	int rc;

	if (!argplan_wanted(p))
		return 0;
	sym_offset_to_vaddr(mod, site->file_offset, &vaddr);
	rc = argplan_compile(p, dm, vaddr, 0, &mods, &args, print_warning, out, err, errlen);
	for (int i = 0; i < 8; i++) {
		free(cache[i].name);
		dwarf_module_close(cache[i].dm);
	}
	if (rc < 0)
		return rc;
	if (out)
		argplan_print(out, args, p->nargs);
	argplan_free(p, args);
	return 0;
}
