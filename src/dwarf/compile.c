/* compile.c: dwarf_compile_arg: $var->m, %1.x[2], @g or !(T)%ax to a plan, through DWARF. */
#include <dwarf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "dwarf/internal.h"
#include "probe/probe.h"

#define NO_DWARF_HINT "use the %N / +OFF(%REG):TYPE form, e.g. +8(%di):u32"

int dwarf_fail(char *err, size_t errlen, int ret, const char *hint, const char *fmt, ...)
{
	va_list ap;
	size_t used;

	if (!err || !errlen)
		return ret;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	used = strlen(err);
	if (hint && hint[0] && used < errlen)
		snprintf(err + used, errlen - used, "\n      hint: %s", hint);
	return ret;
}

void dwarf_path_add(struct dwarf_compile *c, const char *fmt, ...)
{
	size_t used = strlen(c->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->path + used, sizeof(c->path) - used, fmt, ap);
	va_end(ap);
}

/* The name of the function whose scope PC is in, for messages. */
const char *dwarf_func_name(struct dwarf_compile *c)
{
	int f = dwarf_scope_func(c->scopes, c->nscopes);
	const char *name = f >= 0 ? dwarf_name_of(&c->scopes[f]) : NULL;

	return name ? name : "?";
}

static int no_dwarf(struct dwarf_compile *c)
{
	if (!c->dm)
		return dwarf_fail(c->err, c->errlen, -ENOENT, NO_DWARF_HINT,
				  "no DWARF debug info: %s cannot be found", c->path);
	return dwarf_fail(c->err, c->errlen, -ENOENT, NO_DWARF_HINT,
			  "no DWARF debug info describes 0x%" PRIx64 ": %s cannot be found", c->pc,
			  c->path);
}

static int params_gone(struct dwarf_compile *c)
{
	return dwarf_fail(c->err, c->errlen, -EINVAL,
			  "fetch it with an entry probe (p ...) on the same function",
			  "%s: parameters are gone by the return; not supported yet", c->path);
}

/* VAR found in scope SCOPE (-1: a global): its type and where it is. */
static int from_var(struct dwarf_compile *c, Dwarf_Die *var, int scope)
{
	int ret;

	dwarf_ctype_of(var, &c->type);
	c->has_type = true;
	ret = dwarf_var_place(c->dm, c->has_cu ? &c->cu : NULL, c->scopes, scope, var, c->pc,
			      c->bias, &c->place, c->why, sizeof(c->why));
	if (ret < 0)
		return ret;
	if (ret == 0)
		c->why[0] = '\0';
	else
		snprintf(c->lost, sizeof(c->lost), "%s", c->path);
	return 0;
}

/* A variable with a static address (a DW_OP_addr location). */
static bool is_static(Dwarf_Die *var)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;

	return dwarf_tag(var) == DW_TAG_variable && dwarf_attr(var, DW_AT_location, &attr) &&
	       dwarf_getlocation(&attr, &ops, &nops) == 0 && nops >= 1 &&
	       (ops[0].atom == DW_OP_addr || ops[0].atom == DW_OP_addrx ||
		ops[0].atom == DW_OP_GNU_addr_index);
}

static int base_var(struct dwarf_compile *c)
{
	char names[200];
	Dwarf_Die var;
	int scope;

	if (!c->dm || !c->has_cu)
		return no_dwarf(c);
	scope = dwarf_scope_var(c->scopes, c->nscopes, c->e->name, &var);
	/* By the return the frame is gone; statics and globals stay. */
	if (scope >= 0 && c->is_return && !is_static(&var))
		return params_gone(c);
	if (scope >= 0)
		return from_var(c, &var, c->is_return ? -1 : scope);
	if (dwarf_global_var(c->dm, &c->cu, c->e->name, &var) == 0)
		return from_var(c, &var, -1);
	dwarf_scope_names(c->scopes, c->nscopes, names, sizeof(names));
	if (!names[0])
		return dwarf_fail(c->err, c->errlen, -ENOENT,
				  "@NAME reads a global; %N the Nth parameter",
				  "no variable '%s' at 0x%" PRIx64 " (in %s)", c->e->name, c->pc,
				  dwarf_func_name(c));
	return dwarf_fail(c->err, c->errlen, -ENOENT, NULL,
			  "no variable '%s' at 0x%" PRIx64
			  " (in %s)\n      hint: visible there: %s",
			  c->e->name, c->pc, dwarf_func_name(c), names);
}

/* @var("name@file.c"): a global or static of the units of that file. */
static int base_global_in_file(struct dwarf_compile *c)
{
	Dwarf_Die var;
	int ret = dwarf_unit_var(c->dm, c->e->file, c->e->name, &var);

	if (ret == 0)
		return from_var(c, &var, -1);
	if (ret == -ENODEV)
		return dwarf_fail(c->err, c->errlen, -ENOENT,
				  "utap -L 'BIN:*' lists the functions and their files",
				  "no compilation unit of %s in the DWARF", c->e->file);
	return dwarf_fail(c->err, c->errlen, -ENOENT, "@var(\"NAME\") looks in every file",
			  "no global or static variable '%s' in %s", c->e->name, c->e->file);
}

static int base_global(struct dwarf_compile *c)
{
	Dwarf_Die var;
	int scope;

	if (!c->dm)
		return no_dwarf(c);
	if (c->e->file)
		return base_global_in_file(c);
	/* A function's static variable, where the probe can see it. */
	scope = dwarf_scope_var(c->scopes, c->nscopes, c->e->name, &var);
	if (scope >= 0 && is_static(&var))
		return from_var(c, &var, -1);
	if (dwarf_global_var(c->dm, c->has_cu ? &c->cu : NULL, c->e->name, &var) == 0)
		return from_var(c, &var, -1);
	return dwarf_fail(c->err, c->errlen, -ENOENT,
			  "@NAME reads globals and statics; $NAME parameters and locals",
			  "no global or static variable '%s' in the DWARF", c->e->name);
}

/* The raw fetch of %N or %REG, its type to come from the cast. */
static int base_raw(struct dwarf_compile *c)
{
	c->place.kind = PLACE_VALUE;
	c->place.base = dwarf_fetch_copy(c->e->raw);
	c->has_type = false;
	return c->place.base ? 0 : -ENOMEM;
}

static int base_arg(struct dwarf_compile *c)
{
	Dwarf_Die param;
	int f;

	if (c->is_return)
		return params_gone(c);
	f = dwarf_scope_func(c->scopes, c->nscopes);
	if (f >= 0 && dwarf_func_param(&c->scopes[f], c->e->argn, &param) == 0)
		return from_var(c, &param, f);
	if (c->e->cast && c->e->raw)
		return base_raw(c); /* the cast says what the ABI register holds */
	if (!c->dm || !c->has_cu || f < 0)
		return no_dwarf(c);
	return dwarf_fail(c->err, c->errlen, -ENOENT, "give it a type: !(struct foo *)%N->member",
			  "%s: %s has no parameter %u in the DWARF", c->path, dwarf_func_name(c),
			  c->e->argn);
}

static int base_reg(struct dwarf_compile *c)
{
	char full[DWARF_PATH_LEN], hint[DWARF_PATH_LEN + 32];

	if (!c->e->cast) {
		snprintf(full, sizeof(full), "%s", c->path);
		for (size_t i = 0; i < c->e->naccess; i++) {
			const struct probe_access *a = &c->e->access[i];
			size_t used = strlen(full);

			if (a->kind == ACCESS_INDEX)
				snprintf(full + used, sizeof(full) - used, "[%" PRId64 "]",
					 a->index);
			else
				snprintf(full + used, sizeof(full) - used, "%s%s",
					 a->kind == ACCESS_ARROW ? "->" : ".", a->member);
		}
		snprintf(hint, sizeof(hint), "cast it: !(struct foo *)%s", full);
		return dwarf_fail(c->err, c->errlen, -EINVAL, hint, "'%s' needs a type", full);
	}
	return base_raw(c);
}

/* $retval: where the function's return type (or, without DWARF, the
 * cast's) comes back. */
static int base_retval(struct dwarf_compile *c)
{
	struct dwarf_ctype rtype, cast;
	struct arch_param_loc loc;
	char tname[256];
	size_t size;
	int f = dwarf_scope_func(c->scopes, c->nscopes), cls;

	if (!c->is_return)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "r BIN:FUNC v=$retval",
				  "$retval is only known at a return probe");
	dwarf_ctype_void(&rtype);
	if (f >= 0)
		dwarf_ctype_of(&c->scopes[f], &rtype);
	if (rtype.has_die) {
		c->type = rtype;
		c->has_type = true;
	} else if (!c->e->cast) {
		if (f < 0)
			return no_dwarf(c);
		return dwarf_fail(c->err, c->errlen, -EINVAL, "", "%s returns void",
				  dwarf_func_name(c));
	} else if (dwarf_ctype_parse(c->dm, c->has_cu ? &c->cu : NULL, c->e->cast, &cast, tname,
				     sizeof(tname)) == 0) {
		rtype = cast; /* checked again, with its column, when applied */
	}
	cls = dwarf_param_class(&rtype, &size);
	loc = arch_return_location((enum arch_param_class)cls);
	c->place.kind = PLACE_VALUE;
	if (loc.kind == ARCH_LOC_REG)
		c->place.base = dwarf_fetch_new(FETCH_RETVAL, 0, 0, NULL);
	else if (loc.kind == ARCH_LOC_FPREG)
		c->place.base = dwarf_fetch_new(FETCH_FPREG, loc.reg, 0, NULL);
	else {
		dwarf_ctype_name(&rtype, tname, sizeof(tname));
		return dwarf_fail(c->err, c->errlen, -EINVAL, "",
				  "$retval has type %s, which comes back in memory or in several "
				  "registers: not supported yet",
				  tname);
	}
	return c->place.base ? 0 : -ENOMEM;
}

/* A value the evaluation is given (a script's @cast(VALUE, ...)): typed
 * by the cast alone. */
static int base_input(struct dwarf_compile *c)
{
	if (!c->e->cast)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "", "a given value needs a cast");
	c->place.kind = PLACE_VALUE;
	c->place.base = dwarf_fetch_new(FETCH_INPUT, 0, 0, NULL);
	c->has_type = false;
	return c->place.base ? 0 : -ENOMEM;
}

static int base_addr(struct dwarf_compile *c)
{
	struct fetch *f = dwarf_fetch_new(FETCH_CONST, 0, (int64_t)(c->e->addr + c->bias), NULL);

	if (!f)
		return -ENOMEM;
	dwarf_place_memory(&c->place, f, 0);
	c->has_type = true;
	return dwarf_ctype_parse(NULL, NULL, "u64", &c->type, c->err, c->errlen);
}

static void base_path(struct dwarf_compile *c)
{
	const struct probe_expr *e = c->e;

	c->path[0] = '\0';
	switch (e->base) {
	case PEXPR_VAR:
		dwarf_path_add(c, "$%s", e->name ? e->name : "?");
		break;
	case PEXPR_GLOBAL:
		dwarf_path_add(c, "@%s", e->name ? e->name : "?");
		if (e->file)
			dwarf_path_add(c, "@%s", e->file);
		break;
	case PEXPR_INPUT:
		dwarf_path_add(c, "@cast(%s)", e->cast ? e->cast : "?");
		break;
	case PEXPR_ADDR:
		dwarf_path_add(c, "@0x%" PRIx64, e->addr);
		break;
	case PEXPR_RETVAL:
		dwarf_path_add(c, "$retval");
		break;
	case PEXPR_ARG:
		dwarf_path_add(c, "%%%u", e->argn);
		break;
	case PEXPR_REG:
		probe_describe_fetch(e->raw, c->path, sizeof(c->path));
		break;
	}
}

static int compile_base(struct dwarf_compile *c)
{
	const struct probe_expr *e = c->e;

	if ((e->base == PEXPR_VAR || e->base == PEXPR_GLOBAL) && !e->name)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "", "a variable without a name");
	if (e->base == PEXPR_REG && !e->raw)
		return dwarf_fail(c->err, c->errlen, -EINVAL, "", "a raw fetch without a plan");
	switch (e->base) {
	case PEXPR_VAR:
		return base_var(c);
	case PEXPR_GLOBAL:
		return base_global(c);
	case PEXPR_ARG:
		return base_arg(c);
	case PEXPR_REG:
		return base_reg(c);
	case PEXPR_RETVAL:
		return base_retval(c);
	case PEXPR_ADDR:
		return base_addr(c);
	case PEXPR_INPUT:
		return base_input(c);
	}
	return dwarf_fail(c->err, c->errlen, -EINVAL, "", "unknown kind of fetch");
}

/* ERR from parsing the cast, with the cast's column in the message. */
static int cast_error(struct dwarf_compile *c, int ret, const char *msg)
{
	const char *hint = strstr(msg, "\n      hint: ");
	int n = hint ? (int)(hint - msg) : (int)strlen(msg);

	if (!c->e->cast_column) /* a script's: its place is the argument's origin */
		return dwarf_fail(c->err, c->errlen, ret, hint ? hint + 13 : NULL, "%.*s", n, msg);
	return dwarf_fail(c->err, c->errlen, ret, hint ? hint + 13 : NULL, "%.*s (column %d)", n,
			  msg, c->e->cast_column);
}

static int compile(struct dwarf_compile *c, struct probe_arg *arg)
{
	struct dwarf_final fin;
	struct dwarf_ctype cast;
	char msg[512];
	int ret;

	if (c->e->cast) {
		ret = dwarf_ctype_parse(c->dm, c->has_cu ? &c->cu : NULL, c->e->cast, &cast, msg,
					sizeof(msg));
		if (ret)
			return cast_error(c, ret, msg);
	}
	ret = compile_base(c);
	if (ret == 0 && c->e->cast)
		ret = dwarf_apply_cast(c, &cast);
	if (ret == 0)
		ret = dwarf_compile_accessors(c);
	if (ret)
		return ret;
	fin = (struct dwarf_final){&c->place, &c->type, c->bit_offset, c->bit_size, c->path};
	return dwarf_finish_arg(&fin, arg, c->err, c->errlen);
}

int dwarf_compile_type(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		       const struct probe_expr *e, struct dwarf_ctype *type, char *err,
		       size_t errlen)
{
	struct dwarf_compile c = {
	    .dm = dm, .pc = pc, .bias = bias, .is_return = is_return, .err = err, .errlen = errlen};
	struct dwarf_ctype cast;
	char msg[512];
	int ret;

	if (err && errlen)
		err[0] = '\0';
	c.e = e;
	base_path(&c);
	ret = dm ? dwarf_scopes_at(dm, pc, &c.cu, &c.scopes, &c.nscopes) : -ENOENT;
	c.has_cu = ret == 0;
	if (ret == -ENOMEM)
		return ret;
	ret = 0;
	if (e->cast) {
		ret = dwarf_ctype_parse(c.dm, c.has_cu ? &c.cu : NULL, e->cast, &cast, msg,
					sizeof(msg));
		if (ret)
			ret = cast_error(&c, ret, msg);
	}
	if (ret == 0)
		ret = compile_base(&c);
	if (ret == 0 && e->cast)
		ret = dwarf_apply_cast(&c, &cast);
	if (ret == 0)
		ret = dwarf_compile_accessors(&c);
	if (ret == 0 && !c.has_type)
		ret = dwarf_fail(err, errlen, -EINVAL, "", "%s has no type", c.path);
	if (ret == 0)
		*type = c.type;
	dwarf_place_clear(&c.place);
	free(c.scopes);
	return ret;
}

int dwarf_compile_arg(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		      struct probe_arg *arg, char *err, size_t errlen)
{
	struct dwarf_compile c = {
	    .dm = dm, .pc = pc, .bias = bias, .is_return = is_return, .err = err, .errlen = errlen};
	int ret;

	if (err && errlen)
		err[0] = '\0';
	if (!arg || !arg->expr)
		return dwarf_fail(err, errlen, -EINVAL, "", "nothing to compile");
	c.e = arg->expr;
	arg->fetch = NULL;
	arg->enums = NULL;
	arg->nenums = 0;
	arg->ctype = NULL;
	base_path(&c);
	ret = dm ? dwarf_scopes_at(dm, pc, &c.cu, &c.scopes, &c.nscopes) : -ENOENT;
	c.has_cu = ret == 0;
	ret = ret == -ENOMEM ? ret : compile(&c, arg);
	dwarf_place_clear(&c.place);
	free(c.scopes);
	if (ret == -ENOMEM)
		return dwarf_fail(err, errlen, ret, NULL, "out of memory");
	if (ret == 0 && c.why[0]) {
		dwarf_fail(err, errlen, 1, NULL, "%s is optimized out at 0x%" PRIx64 " (%s)",
			   c.lost, pc, c.why);
		return 1;
	}
	return ret;
}
