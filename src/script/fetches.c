/* fetches.c: what a script reads of the program, as the arguments of its planted probes:
 * the one-liner fetches ($x, @x), the lists ($$parms...), the casts and @var of a file or a
 * module (built here: the one-liners have no syntax for them), and the casts compiled once
 * for the session. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/dwarf.h"
#include "script/session_priv.h"

/* $$parms, $$locals, $$vars (pretty or not): the lists compiled per site,
 * or LIST_NONE. */
static enum probe_list list_of(const char *target)
{
	if (strncmp(target, "$$parms", 7) == 0 && strspn(target + 7, "$") == strlen(target + 7))
		return LIST_PARAMS;
	if (strncmp(target, "$$locals", 8) == 0 && strspn(target + 8, "$") == strlen(target + 8))
		return LIST_LOCALS;
	if (strncmp(target, "$$vars", 6) == 0 && strspn(target + 6, "$") == strlen(target + 6))
		return LIST_VARS;
	return LIST_NONE;
}

/* $x$ (1), $x$$ (2): pretty-printed; 0: not. */
static int pretty_of(const char *target)
{
	size_t n = strlen(target), k = 0;

	while (k < n && k < 2 && target[n - 1 - k] == '$')
		k++;
	return k < n ? (int)k : 0;
}

bool session_fetch_is_oneliner(const char *target)
{
	return list_of(target) == LIST_NONE && strncmp(target, "@cast(", 6) != 0 &&
	       strncmp(target, "@var(", 5) != 0 && !strstr(target, "[i]") && !pretty_of(target);
}

/* @cast(BASE, "TYPE"[, "MODULE"])->a, @var("NAME@FILE"[, "MODULE"])->a or
 * $a[i]->b as a C-level fetch: the cast's from a value the handler gives,
 * the index i likewise. */
static int build_expr(const struct script_expr *e, struct probe_expr **out)
{
	struct probe_expr *x = calloc(1, sizeof(*x));
	const char *at;
	size_t len;

	*out = x;
	if (!x)
		return -ENOMEM;
	x->arrow_is_member = true;
	if (e->kind == SE_TARGET) {
		/* $a[i]: the variable (or $return), indexed by a given value */
		if (strcmp(e->name, "$return") == 0) {
			x->base = PEXPR_RETVAL;
			x->raw = calloc(1, sizeof(*x->raw));
			if (!x->raw)
				return -ENOMEM;
			x->raw->op = FETCH_RETVAL;
		} else {
			x->base = PEXPR_VAR;
			x->name = strdup(e->name + 1);
			if (!x->name)
				return -ENOMEM;
		}
	} else if (e->kind == SE_CAST) {
		/* the value points to a TYPE */
		len = strlen(e->str);
		x->base = PEXPR_INPUT;
		if (asprintf(&x->cast, "%s%s*", e->str, len && e->str[len - 1] == '*' ? "" : " ") <
		    0)
			x->cast = NULL;
		if (!x->cast)
			return -ENOMEM;
	} else {
		at = strchr(e->str, '@');
		x->base = PEXPR_GLOBAL;
		x->name = at ? strndup(e->str, (size_t)(at - e->str)) : strdup(e->str);
		if (!x->name || (at && !(x->file = strdup(at + 1))))
			return -ENOMEM;
	}
	if (e->module && !(x->module = strdup(e->module)))
		return -ENOMEM;
	x->access = calloc((size_t)e->naccess + 1, sizeof(*x->access));
	if (!x->access)
		return -ENOMEM;
	for (int i = 0; i < e->naccess; i++) {
		const struct script_access *a = &e->access[i];
		struct probe_access *to = &x->access[x->naccess++];

		if (a->kind == SA_MEMBER) {
			to->kind = ACCESS_ARROW;
			to->member = strdup(a->member);
			if (!to->member)
				return -ENOMEM;
		} else {
			to->kind = ACCESS_INDEX;
			to->by_input = a->index->kind != SE_NUMBER;
			to->index = to->by_input ? 0 : a->index->num;
		}
	}
	return 0;
}

int session_place_fetches(struct probe *p, const struct script_probe *sp, bool at_entry)
{
	char *const *targets = at_entry ? sp->entry_targets : sp->targets;
	struct script_expr *const *exprs = at_entry ? sp->entry_target_exprs : sp->target_exprs;
	const bool *optional = at_entry ? sp->entry_target_optional : sp->target_optional;
	int ntargets = at_entry ? sp->nentry_targets : sp->ntargets;
	struct probe_arg *all;
	size_t k = 0;

	all = calloc((size_t)ntargets + 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (int i = 0; i < ntargets; i++) {
		int rc = 0;

		if (session_fetch_is_oneliner(targets[i]) && k < p->nargs) {
			all[i] = p->args[k++]; /* parsed from the one-liner */
		} else {
			all[i].name = strdup(targets[i]);
			all[i].list = list_of(targets[i]);
			all[i].pretty = pretty_of(targets[i]);
			all[i].type = PROBE_U64;
			if (!all[i].name)
				rc = -ENOMEM;
			else if (all[i].list == LIST_NONE)
				rc = build_expr(exprs[i], &all[i].expr);
		}
		all[i].optional = optional[i];
		if (rc < 0) {
			for (int j = 0; j <= i; j++)
				if (!session_fetch_is_oneliner(targets[j])) {
					free(all[j].name);
					probe_expr_free(all[j].expr);
				}
			free(all);
			return rc;
		}
	}
	free(p->args);
	p->args = all;
	p->nargs = (size_t)ntargets;
	return 0;
}

/* ---- casts off code, compiled once ------------------------------------------ */

/* The DWARF of MODULE, opened once for the session (kept until its end). */
static struct dwarf_module *module_dwarf(struct session *ss, const char *module)
{
	struct session_dwarf *grown;
	struct dwarf_module *dm;

	for (int i = 0; i < ss->ndwarfs; i++)
		if (strcmp(ss->dwarfs[i].path, module) == 0)
			return ss->dwarfs[i].dm;
	if (dwarf_module_open(module, &dm) < 0)
		dm = NULL;
	grown = realloc(ss->dwarfs, (size_t)(ss->ndwarfs + 1) * sizeof(*grown));
	if (!grown) {
		dwarf_module_close(dm);
		return NULL;
	}
	ss->dwarfs = grown;
	grown[ss->ndwarfs].path = strdup(module);
	grown[ss->ndwarfs].dm = dm;
	if (!grown[ss->ndwarfs].path) {
		dwarf_module_close(dm);
		return NULL;
	}
	ss->ndwarfs++;
	return dm;
}

static int cast_error(struct session *ss, const struct script_expr *e, const char *msg,
		      const char *hint)
{
	struct script_error err = {{0}};

	snprintf(err.file, sizeof(err.file), "%s", ss->s->file);
	err.line = e->pos.line;
	err.col = e->pos.col;
	snprintf(err.msg, sizeof(err.msg), "%s", msg);
	snprintf(err.hint, sizeof(err.hint), "%s", hint ? hint : "");
	session_report(&err, ss->s->source);
	return -EINVAL;
}

/* "@cast(struct outer, /bin/prog)->in->x": the cast as messages name it. */
static char *cast_name(const struct script_expr *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return NULL;
	fprintf(m, "@cast(%s%s%s)", e->str, e->module ? ", " : "", e->module ? e->module : "");
	for (int i = 0; i < e->naccess; i++) {
		if (e->access[i].kind == SA_MEMBER)
			fprintf(m, "->%s", e->access[i].member);
		else
			fprintf(m, "[%lld]", (long long)e->access[i].index->num);
	}
	fclose(m);
	return text;
}

int session_compile_casts(struct session *ss, const char *program)
{
	const struct script *s = ss->s;
	char why[512], *hint;

	if (!s->ncasts)
		return 0;
	ss->casts = calloc((size_t)s->ncasts, sizeof(*ss->casts));
	if (!ss->casts)
		return -ENOMEM;
	ss->ncasts = s->ncasts;
	for (int i = 0; i < s->ncasts; i++) {
		const struct script_expr *e = s->casts[i];
		struct probe_arg *a = &ss->casts[i];
		const char *module = e->module ? e->module : program;
		struct dwarf_module *dm;
		int rc;

		a->type = PROBE_U64;
		a->optional = s->cast_optional[i];
		a->name = cast_name(e);
		if (!a->name || build_expr(e, &a->expr) < 0)
			return -ENOMEM;
		/* the expression's module is the DWARF chosen here */
		free(a->expr->module);
		a->expr->module = NULL;
		if (!module) {
			if (a->optional) {
				a->absent = true;
				continue;
			}
			return cast_error(ss, e,
					  "@cast in a function or a begin/end/timer probe: "
					  "which program's types?",
					  "name it: @cast(p, \"struct foo\", \"/path/prog\"), "
					  "or trace a program with -c / -x");
		}
		if (strchr(module, '<'))
			return cast_error(ss, e, "@cast's types from headers are not supported yet",
					  "name a program or library with DWARF: \"/path/prog\"");
		dm = module_dwarf(ss, module);
		if (!dm) {
			snprintf(why, sizeof(why),
				 "@cast: %.200s has no DWARF debug info (or is no file)", module);
			rc = -ENOENT;
		} else {
			rc = dwarf_compile_arg(dm, 0, false, 0, a, why, sizeof(why));
		}
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0 && a->optional) {
			probe_arg_release_compiled(a);
			a->absent = true;
		} else if (rc < 0) {
			hint = strstr(why, "\n      hint: ");
			if (hint) {
				*hint = '\0';
				hint += 13;
			}
			return cast_error(ss, e, why, hint);
		}
	}
	return 0;
}

void session_fetches_free(struct session *ss)
{
	for (int i = 0; i < ss->ncasts; i++) {
		free(ss->casts[i].name);
		probe_expr_free(ss->casts[i].expr);
		probe_arg_release_compiled(&ss->casts[i]);
	}
	free(ss->casts);
	for (int i = 0; i < ss->ndwarfs; i++) {
		free(ss->dwarfs[i].path);
		dwarf_module_close(ss->dwarfs[i].dm);
	}
	free(ss->dwarfs);
}
