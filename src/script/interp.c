/* interp.c: the interpreter's state, limits, statements and handler runs;
 * eval.c does expressions, call.c builtins. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/format.h"
#include "script/interp_priv.h"

void script_limits_default(struct script_limits *lim)
{
	lim->maxaction = 1000;
	lim->maxmapentries = RT_MAXMAPENTRIES;
	lim->maxstringlen = RT_MAXSTRINGLEN;
	lim->maxerrors = 0;
	lim->maxnesting = 10;
}

int script_limits_set(struct script_limits *lim, const char *setting, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		size_t off;
		long min;
	} known[] = {
		{"MAXACTION", offsetof(struct script_limits, maxaction), 1},
		{"MAXMAPENTRIES", offsetof(struct script_limits, maxmapentries), 1},
		{"MAXSTRINGLEN", offsetof(struct script_limits, maxstringlen), 2},
		{"MAXERRORS", offsetof(struct script_limits, maxerrors), 0},
		{"MAXNESTING", offsetof(struct script_limits, maxnesting), 0},
	};
	const char *eq = strchr(setting, '=');
	size_t nlen = eq ? (size_t)(eq - setting) : 0;
	char *end;
	long v;

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strlen(known[i].name) != nlen || strncmp(known[i].name, setting, nlen) != 0)
			continue;
		v = strtol(eq + 1, &end, 0);
		if (!eq[1] || *end || v < known[i].min) {
			snprintf(err, errlen, "-D %s: expected a number of at least %ld", setting,
				 known[i].min);
			return -EINVAL;
		}
		*(long *)((char *)lim + known[i].off) = v;
		return 0;
	}
	snprintf(err, errlen,
		 "-D %s: unknown setting (utap knows MAXACTION, MAXMAPENTRIES, MAXSTRINGLEN, "
		 "MAXERRORS, MAXNESTING)",
		 setting);
	return -EINVAL;
}

size_t interp_maxlen(const struct interp *in)
{
	return (size_t)in->lim.maxstringlen;
}

enum flow interp_error(struct interp *in, const struct script_pos *pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->error, sizeof(in->error), fmt, ap);
	va_end(ap);
	in->error_pos = pos ? *pos : (struct script_pos){0, 0};
	return FLOW_ERROR;
}

int interp_read(struct interp *in, uint64_t addr, void *buf, size_t n)
{
	if (!in->hit || !in->hit->mem || !in->hit->mem->read)
		return -EFAULT;
	return in->hit->mem->read(in->hit->mem->ctx, addr, buf, n) < 0 ? -EFAULT : 0;
}

static enum rt_type rt_of(enum script_type t)
{
	return t == ST_STRING ? RT_STRING : t == ST_STATS ? RT_STATS : RT_LONG;
}

/* -G NAME=VALUE: a global's starting value. */
static int set_global(struct interp *in, const char *setting, struct script_error *err)
{
	const char *eq = strchr(setting, '=');
	struct script_global *g = NULL;
	char *end;
	int64_t v;
	int i;

	for (i = 0; i < in->s->nglobals; i++) {
		if (strncmp(in->s->globals[i].name, setting, (size_t)(eq - setting)) == 0 &&
		    in->s->globals[i].name[eq - setting] == '\0') {
			g = &in->s->globals[i];
			break;
		}
	}
	if (!g || g->is_array || g->type == ST_STATS) {
		snprintf(err->msg, sizeof(err->msg), "-G %s: %s", setting,
			 g ? "only a scalar global can be set" : "no such global in the script");
		return -EINVAL;
	}
	if (g->type == ST_STRING) {
		rt_value_release(&in->scalars[i]);
		in->scalars[i] = rt_value_string(rt_str_cstr(eq + 1, interp_maxlen(in)));
		return 0;
	}
	v = strtoll(eq + 1, &end, 0);
	if (!eq[1] || *end) {
		snprintf(err->msg, sizeof(err->msg), "-G %s: global '%s' is a long", setting,
			 g->name);
		return -EINVAL;
	}
	in->scalars[i] = rt_value_long(v);
	return 0;
}

static int make_global(struct interp *in, int i)
{
	struct script_global *g = &in->s->globals[i];
	struct rt_stats_spec spec = {RT_HIST_NONE, 0, 0, 0, 0};
	enum rt_type keys[RT_MAP_MAX_KEYS];

	if (g->hist == 1) {
		spec.hist = RT_HIST_LOG;
	} else if (g->hist == 2) {
		spec.hist = RT_HIST_LINEAR;
		spec.start = g->hist_start;
		spec.stop = g->hist_stop;
		spec.interval = g->hist_interval;
	}
	if (g->is_array) {
		for (int k = 0; k < g->nkeys; k++)
			keys[k] = rt_of(g->key_types[k]);
		in->maps[i] = rt_map_new(g->nkeys, keys, rt_of(g->type),
					 g->size ? (size_t)g->size : (size_t)in->lim.maxmapentries,
					 g->wrap);
		if (!in->maps[i])
			return -ENOMEM;
		if (g->type == ST_STATS && rt_map_set_stats_spec(in->maps[i], &spec) < 0)
			return -EINVAL;
		return 0;
	}
	if (g->type == ST_STATS) {
		in->stats[i] = rt_stats_new(&spec);
		return in->stats[i] ? 0 : -ENOMEM;
	}
	if (g->type == ST_STRING)
		in->scalars[i] = rt_value_string(
			g->init ? rt_str_cstr(g->init->str, interp_maxlen(in)) : rt_str_empty());
	else
		in->scalars[i] = rt_value_long(g->init ? g->init->num : 0);
	return 0;
}

int interp_new(struct script *s, const struct script_limits *lim,
	       const struct interp_session *session, char **set, int nset, struct interp **out,
	       struct script_error *err)
{
	struct interp *in = calloc(1, sizeof(*in));
	size_t n = (size_t)s->nglobals + 1;

	if (!in)
		return -ENOMEM;
	in->s = s;
	in->lim = *lim;
	in->session = *session;
	in->scalars = calloc(n, sizeof(*in->scalars));
	in->stats = calloc(n, sizeof(*in->stats));
	in->maps = calloc(n, sizeof(*in->maps));
	rt_buf_init(&in->out, 0);
	rt_tokenizer_init(&in->tok);
	if (!in->scalars || !in->stats || !in->maps)
		goto nomem;
	for (int i = 0; i < s->nglobals; i++)
		if (make_global(in, i) < 0)
			goto nomem;
	for (int i = 0; i < nset; i++) {
		if (set_global(in, set[i], err) < 0) {
			interp_free(in);
			return -EINVAL;
		}
	}
	*out = in;
	return 0;
nomem:
	interp_free(in);
	return -ENOMEM;
}

static void record_free(struct entry_record *r, int n)
{
	for (int i = 0; i < n; i++)
		rt_value_release(&r->values[i]);
	free(r->values);
}

void interp_remember_format(struct interp *in, struct script_expr *call)
{
	struct script_expr **grown = realloc(in->formats, (size_t)(in->nformats + 1) * sizeof(*grown));

	if (!grown) {
		rt_format_free(call->cache);
		call->cache = NULL;
		return;
	}
	in->formats = grown;
	in->formats[in->nformats++] = call;
}

void interp_free(struct interp *in)
{
	if (!in)
		return;
	for (int i = 0; i < in->nformats; i++) {
		rt_format_free(in->formats[i]->cache);
		in->formats[i]->cache = NULL;
	}
	free(in->formats);
	for (size_t i = 0; i < in->nrecords; i++)
		record_free(&in->records[i], in->s->probes[in->records[i].probe].nentry);
	free(in->records);
	for (int i = 0; i < in->s->nglobals; i++) {
		if (in->scalars)
			rt_value_release(&in->scalars[i]);
		if (in->stats)
			rt_stats_free(in->stats[i]);
		if (in->maps)
			rt_map_free(in->maps[i]);
	}
	free(in->scalars);
	free(in->stats);
	free(in->maps);
	rt_buf_free(&in->out);
	rt_tokenizer_free(&in->tok);
	free(in);
}

void interp_set_mark(struct interp *in, const char *provider, const char *name)
{
	in->mark_provider = provider;
	in->mark_name = name;
}

void interp_set_casts(struct interp *in, const struct probe_arg *casts)
{
	in->casts = casts;
}

void interp_set_func(struct interp *in, const char *func)
{
	in->func = func;
}

void interp_set_target(struct interp *in, pid_t target)
{
	in->session.target = target;
}

bool interp_exiting(const struct interp *in)
{
	return in->exiting;
}

int interp_errors(const struct interp *in)
{
	return in->errors;
}

/* ---- statements ------------------------------------------------------------ */

static enum flow exec_foreach(struct interp *in, struct frame *f, const struct script_stmt *st)
{
	const struct script_global *g = NULL;
	struct rt_map_order order = {RT_SORT_NONE, 0, +1, RT_STAT_COUNT};
	struct rt_map_snapshot snap;
	struct rt_map *m = NULL;
	int64_t limit = RT_MAP_NO_LIMIT;
	enum flow fl = FLOW_NORMAL;

	for (int i = 0; i < in->s->nglobals; i++) {
		if (strcmp(in->s->globals[i].name, st->array) == 0) {
			g = &in->s->globals[i];
			m = in->maps[i];
		}
	}
	if (!m || !g)
		return interp_error(in, &st->pos, "'%s' is not an array", st->array);
	if (st->limit && (fl = interp_eval_long(in, f, st->limit, &limit)) != FLOW_NORMAL)
		return fl;
	if (st->sort_by) {
		order.by = st->sort_by < 0 ? RT_SORT_VALUE : RT_SORT_KEY;
		order.key = st->sort_by > 0 ? st->sort_by : 0;
		order.dir = st->sort_dir;
		if (st->sort_stat != STAT_NONE)
			order.stat = (enum rt_stat_op)(st->sort_stat - STAT_COUNT);
	}
	if (rt_map_snapshot(m, st->sort_by ? &order : NULL, limit, &snap) < 0)
		return interp_error(in, &st->pos, "out of memory in foreach");
	for (size_t i = 0; i < snap.n && fl != FLOW_ERROR; i++) {
		const struct rt_map_entry *e = snap.entries[i];

		for (int k = 0; k < st->nkeys; k++) {
			rt_value_release(&f->locals[st->key_slots[k]]);
			rt_value_copy(&f->locals[st->key_slots[k]], rt_map_entry_key(e, k));
		}
		if (st->value_slot >= 0 && g->type != ST_STATS) {
			rt_value_release(&f->locals[st->value_slot]);
			rt_value_copy(&f->locals[st->value_slot], &e->value);
		}
		fl = interp_exec(in, f, st->then);
		if (fl == FLOW_BREAK) {
			fl = FLOW_NORMAL;
			break;
		}
		if (fl == FLOW_CONTINUE)
			fl = FLOW_NORMAL;
		if (fl != FLOW_NORMAL)
			break;
	}
	rt_map_snapshot_free(&snap);
	return fl;
}

static enum flow exec_loop(struct interp *in, struct frame *f, const struct script_stmt *st)
{
	struct rt_value v = {0};
	enum flow fl;
	int64_t cond;

	if (st->init) {
		fl = interp_eval(in, f, st->init, &v);
		rt_value_release(&v);
		if (fl != FLOW_NORMAL)
			return fl;
	}
	for (;;) {
		if (st->expr) {
			fl = interp_eval_long(in, f, st->expr, &cond);
			if (fl != FLOW_NORMAL)
				return fl;
			if (!cond)
				return FLOW_NORMAL;
		}
		fl = interp_exec(in, f, st->then);
		if (fl == FLOW_BREAK)
			return FLOW_NORMAL;
		if (fl != FLOW_NORMAL && fl != FLOW_CONTINUE)
			return fl;
		if (st->step) {
			fl = interp_eval(in, f, st->step, &v);
			rt_value_release(&v);
			if (fl != FLOW_NORMAL)
				return fl;
		}
	}
}

static enum flow exec_delete(struct interp *in, struct frame *f, const struct script_expr *e)
{
	struct rt_value keys[RT_MAP_MAX_KEYS];
	enum flow fl;

	if (e->kind == SE_INDEX) {
		fl = interp_keys(in, f, e, keys);
		if (fl != FLOW_NORMAL)
			return fl;
		rt_map_delete(in->maps[e->slot], keys);
		interp_keys_release(keys, e->nargs);
		return FLOW_NORMAL;
	}
	if (e->global) {
		if (in->maps[e->slot])
			rt_map_clear(in->maps[e->slot]);
		else if (in->stats[e->slot])
			rt_stats_clear(in->stats[e->slot]);
		else {
			enum rt_type t = in->scalars[e->slot].type;

			rt_value_release(&in->scalars[e->slot]);
			in->scalars[e->slot] = rt_value_zero(t);
		}
		return FLOW_NORMAL;
	}
	{
		enum rt_type t = f->locals[e->slot].type;

		rt_value_release(&f->locals[e->slot]);
		f->locals[e->slot] = rt_value_zero(t);
	}
	return FLOW_NORMAL;
}

static enum flow exec_try(struct interp *in, struct frame *f, const struct script_stmt *st)
{
	enum flow fl = interp_exec(in, f, st->then);

	if (fl != FLOW_ERROR)
		return fl;
	/* caught: the message goes to the catch variable */
	if (st->catch_slot >= 0) {
		rt_value_release(&f->locals[st->catch_slot]);
		f->locals[st->catch_slot] = rt_value_string(rt_str_cstr(in->error, interp_maxlen(in)));
	}
	in->error[0] = '\0';
	return interp_exec(in, f, st->otherwise);
}

enum flow interp_exec(struct interp *in, struct frame *f, const struct script_stmt *st)
{
	struct rt_value v = {0};
	enum flow fl;
	int64_t cond;

	if (!st)
		return FLOW_NORMAL;
	/* MAXACTION bounds what one event may cost the traced program. */
	if (++in->actions > in->lim.maxaction)
		return interp_error(in, &st->pos,
				    "MAXACTION exceeded: more than %ld statements in one probe "
				    "handler (raise it with -D MAXACTION=N)",
				    in->lim.maxaction);
	switch (st->kind) {
	case SS_BLOCK:
		for (int i = 0; i < st->nbody; i++) {
			fl = interp_exec(in, f, st->body[i]);
			if (fl != FLOW_NORMAL)
				return fl;
		}
		return FLOW_NORMAL;
	case SS_EXPR:
		fl = interp_eval(in, f, st->expr, &v);
		rt_value_release(&v);
		return fl;
	case SS_IF:
		fl = interp_eval_long(in, f, st->expr, &cond);
		if (fl != FLOW_NORMAL)
			return fl;
		return interp_exec(in, f, cond ? st->then : st->otherwise);
	case SS_WHILE:
	case SS_FOR:
		return exec_loop(in, f, st);
	case SS_FOREACH:
		return exec_foreach(in, f, st);
	case SS_BREAK:
		return FLOW_BREAK;
	case SS_CONTINUE:
		return FLOW_CONTINUE;
	case SS_NEXT:
		return FLOW_NEXT;
	case SS_RETURN:
		if (st->expr) {
			fl = interp_eval(in, f, st->expr, &v);
			if (fl != FLOW_NORMAL)
				return fl;
			rt_value_release(&f->ret);
			f->ret = v;
		}
		return FLOW_RETURN;
	case SS_DELETE:
		return exec_delete(in, f, st->expr);
	case SS_TRY:
		return exec_try(in, f, st);
	case SS_NULL:
		return FLOW_NORMAL;
	}
	return FLOW_NORMAL;
}

/* ---- handler runs ---------------------------------------------------------- */

/* A handler's output goes out whole; the stream is flushed by whoever
 * waits (the backend before it blocks, the session between timers). */
static void flush_output(struct interp *in)
{
	if (in->out.len && in->session.out)
		rt_buf_fwrite(&in->out, in->session.out);
	rt_buf_reset(&in->out);
}

/* A runtime error, as SystemTap reports it; past MAXERRORS the script ends. */
static void report_error(struct interp *in)
{
	fprintf(stderr, "ERROR: %s", in->error);
	if (in->error_pos.line)
		fprintf(stderr, " at %s:%d:%d", in->s->file ? in->s->file : "-",
			in->error_pos.line, in->error_pos.col);
	fprintf(stderr, " (in probe %s)\n", in->pp ? in->pp : "?");
	in->error[0] = '\0';
	if (++in->errors > in->lim.maxerrors)
		in->exiting = true;
}

static void make_locals(struct frame *f, const enum script_type *types, int n)
{
	for (int i = 0; i < n; i++)
		f->locals[i] = rt_value_zero(rt_of(types[i]));
}

static void interp_release_locals(struct rt_value *locals, int n)
{
	for (int i = 0; i < n; i++)
		rt_value_release(&locals[i]);
}

void interp_save_entry(struct interp *in, int probe, const struct probe_hit *hit, const char *pp)
{
	const struct script_probe *p = &in->s->probes[probe];
	struct rt_value *locals = calloc((size_t)p->nlocals + 1, sizeof(*locals));
	struct rt_value *values = calloc((size_t)p->nentry + 1, sizeof(*values));
	struct frame f = {0};
	enum flow fl = FLOW_NORMAL;
	struct entry_record *r;

	if (!locals || !values || in->nrecords >= 1000000) {
		free(locals);
		free(values);
		return; /* the return then reports its missing values */
	}
	f.locals = locals;
	make_locals(&f, p->local_types, p->nlocals);
	in->hit = hit;
	in->pp = pp;
	in->probe = probe;
	in->entry_mode = true;
	in->actions = 0;
	for (int k = 0; k < p->nentry && fl == FLOW_NORMAL; k++)
		fl = interp_eval(in, &f, p->entry_exprs[k], &values[k]);
	in->entry_mode = false;
	in->hit = NULL;
	interp_release_locals(locals, p->nlocals);
	free(locals);
	if (fl == FLOW_ERROR) {
		report_error(in);
		for (int k = 0; k < p->nentry; k++)
			rt_value_release(&values[k]);
		free(values);
		return;
	}
	if (in->nrecords == in->records_cap) {
		size_t cap = in->records_cap ? in->records_cap * 2 : 64;
		struct entry_record *grown = realloc(in->records, cap * sizeof(*grown));

		if (!grown) {
			for (int k = 0; k < p->nentry; k++)
				rt_value_release(&values[k]);
			free(values);
			return;
		}
		in->records = grown;
		in->records_cap = cap;
	}
	r = &in->records[in->nrecords++];
	r->tid = hit->tid;
	r->frame = hit->frame;
	r->probe = probe;
	r->values = values;
}

/* The entry values of the call HIT returns from, taken off the list
 * (with those of deeper calls of the thread that never returned:
 * longjmp, exceptions).  NULL when there are none. */
static struct rt_value *take_entry(struct interp *in, int probe, const struct probe_hit *hit)
{
	struct rt_value *values = NULL;
	int n = in->s->probes[probe].nentry;

	for (size_t i = in->nrecords; i-- > 0;) {
		struct entry_record *r = &in->records[i];

		if (r->tid != hit->tid || r->probe != probe)
			continue;
		if (r->frame < hit->frame || r->frame == hit->frame) {
			if (r->frame == hit->frame && !values)
				values = r->values;
			else
				record_free(r, n);
			in->records[i] = in->records[--in->nrecords];
		}
	}
	return values;
}

void interp_run(struct interp *in, int probe, const struct probe_hit *hit, const char *pp)
{
	struct rt_value *entry = NULL;
	const struct script_probe *p = &in->s->probes[probe];
	struct rt_value stack_locals[32], *locals = stack_locals;
	struct frame f = {0};
	enum flow fl;

	if (p->nlocals > 32) {
		locals = calloc((size_t)p->nlocals, sizeof(*locals));
		if (!locals) {
			fprintf(stderr, "ERROR: out of memory\n");
			in->exiting = true;
			return;
		}
	}
	f.locals = locals;
	make_locals(&f, p->local_types, p->nlocals);
	in->hit = hit;
	in->pp = pp;
	in->probe = probe;
	in->actions = 0;
	if (p->nentry && hit)
		entry = take_entry(in, probe, hit);
	in->entry_values = entry;
	fl = interp_exec(in, &f, p->body);
	in->entry_values = NULL;
	if (entry) {
		struct entry_record r = {0, 0, probe, entry};

		record_free(&r, p->nentry);
	}
	flush_output(in);
	if (fl == FLOW_ERROR)
		report_error(in);
	interp_release_locals(locals, p->nlocals);
	rt_value_release(&f.ret);
	if (locals != stack_locals)
		free(locals);
	in->hit = NULL;
}

enum flow interp_call_function(struct interp *in, struct frame *caller, const struct script_expr *e,
			       struct rt_value *v)
{
	const struct script_function *fn = e->resolved;
	struct rt_value *locals;
	struct frame f = {0};
	enum flow fl = FLOW_NORMAL;

	/* SystemTap's MAXNESTING: a runaway recursion ends with an error,
	 * not with utap's stack. */
	if (caller->depth >= in->lim.maxnesting || caller->depth >= 10000)
		return interp_error(in, &e->pos,
				    "MAXNESTING exceeded: more than %ld nested function calls (raise "
				    "it with -D MAXNESTING=N)",
				    in->lim.maxnesting);
	locals = calloc((size_t)fn->nlocals + 1, sizeof(*locals));
	if (!locals)
		return interp_error(in, &e->pos, "out of memory");
	f.locals = locals;
	f.depth = caller->depth + 1;
	make_locals(&f, fn->local_types, fn->nlocals);
	for (int i = 0; i < e->nargs && fl == FLOW_NORMAL; i++) {
		struct rt_value a = {0};

		fl = interp_eval(in, caller, e->args[i], &a);
		rt_value_release(&locals[i]);
		locals[i] = a;
	}
	if (fl == FLOW_NORMAL) {
		fl = interp_exec(in, &f, fn->body);
		if (fl == FLOW_RETURN || fl == FLOW_NORMAL) {
			fl = FLOW_NORMAL;
			if (f.ret.type == RT_NONE)
				f.ret = rt_value_zero(rt_of(fn->type == ST_VOID ? ST_LONG : fn->type));
			*v = f.ret;
			f.ret.type = RT_NONE;
		}
	}
	rt_value_release(&f.ret);
	interp_release_locals(locals, fn->nlocals);
	free(locals);
	return fl;
}
