/* session.c: running a script: parse, check, turn its probe points into planted probes
 * and session events, and drive the interpreter from the backend's hooks. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "script/check.h"
#include "script/interp.h"
#include "script/points.h"
#include "script/script.h"
#include "script/session_priv.h"
#include "script/uprobe_limits.h"
#include "util/log.h"

static char *read_file(const char *path, struct script_error *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = fopen(path, "re");
	FILE *m;
	int c;

	if (!fp) {
		snprintf(err->msg, sizeof(err->msg), "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	m = open_memstream(&text, &len);
	while (m && (c = fgetc(fp)) != EOF)
		fputc(c, m);
	fclose(fp);
	if (m)
		fclose(m);
	return text;
}

void session_report(const struct script_error *err, const char *source)
{
	fflush(stdout);
	script_error_print(stderr, err, source);
}

static int add_event(struct event **list, int *n, int probe, const struct script_where *w,
		     const char *pp)
{
	struct event *grown = realloc(*list, (size_t)(*n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	*list = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].probe = probe;
	grown[*n].priority = w->priority;
	grown[*n].period_ns = w->period_ns;
	snprintf(grown[*n].pp, sizeof(grown[*n].pp), "%s", pp);
	(*n)++;
	return 0;
}

static int by_priority(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->probe - y->probe; /* then in script order */
}

/* The program the script's bare "process" means: -c / -- CMD, or -x PID's. */
static char *target_bin(const struct options *o)
{
	char path[64], buf[4096];
	ssize_t n;

	if (o->argv)
		return strdup(o->argv[0]);
	if (!o->attach_pid)
		return NULL;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)o->attach_pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strdup(buf);
}

/* A planted probe for a code point of script probe P: the one-liner of
 * the point with the probe's context variables as its fetches. */
int session_add_code_probe(struct session *ss, int p, const struct script_where *w,
			   const char *pp, const struct script_point *point, bool saves_entry,
			   const struct sym_sdt *mark)
{
	const struct script_probe *sp = &ss->s->probes[p];
	char *const *targets = saves_entry ? sp->entry_targets : sp->targets;
	const struct script_pos *where = saves_entry ? sp->entry_target_pos : sp->target_pos;
	int ntargets = saves_entry ? sp->nentry_targets : sp->ntargets;
	struct options *o = ss->opts;
	struct probe_error perr;
	struct script_error err = {{0}};
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	struct probe *grown;
	int idx = (int)o->nprobes;

	if (!m)
		return -ENOMEM;
	/* the entry values of "r BIN:SYM" are taken by "p BIN:SYM" */
	if (saves_entry)
		fprintf(m, "p%s", w->oneliner + 1);
	else
		fputs(w->oneliner, m);
	for (int i = 0; i < ntargets; i++) {
		char fetch[128];

		if (!session_fetch_is_oneliner(targets[i]))
			continue; /* built by session_place_fetches */
		if (!mark) {
			fprintf(m, " t%d=%s", i, targets[i]);
			continue;
		}
		if (session_mark_arg(mark, targets[i], fetch, sizeof(fetch)) < 0) {
			struct script_error bad = {{0}};

			fclose(m);
			free(text);
			snprintf(bad.file, sizeof(bad.file), "%s", ss->s->file);
			bad.line = where[i].line;
			bad.col = where[i].col;
			snprintf(bad.msg, sizeof(bad.msg), "%s", fetch);
			session_report(&bad, ss->s->source);
			return -EINVAL;
		}
		fprintf(m, " t%d=%s", i, fetch);
	}
	fclose(m);
	grown = realloc(o->probes, (o->nprobes + 1) * sizeof(*grown));
	if (!grown) {
		free(text);
		return -ENOMEM;
	}
	o->probes = grown;
	if (probe_parse(text, idx, &o->probes[idx], &perr) < 0) {
		snprintf(err.file, sizeof(err.file), "%s", ss->s->file);
		err.line = point->pos.line;
		err.col = point->pos.col;
		snprintf(err.msg, sizeof(err.msg), "%.100s: %.150s", pp, perr.msg);
		snprintf(err.hint, sizeof(err.hint), "%s", perr.hint);
		session_report(&err, ss->s->source);
		free(text);
		return -EINVAL;
	}
	free(text);
	if (session_place_fetches(&o->probes[idx], sp, saves_entry) < 0)
		return -ENOMEM;
	o->probes[idx].copies = w->copies;
	o->probes[idx].optional = point->optional;
	o->probes[idx].want_where = w->pp_kind != 0;
	if (w->line_func && !(o->probes[idx].line_func = strdup(w->line_func)))
		return -ENOMEM;
	if (session_pp_form(ss, idx, w) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < o->probes[idx].nargs; i++)
		if (o->probes[idx].args[i].expr)
			o->probes[idx].args[i].expr->arrow_is_member = true;
	/* messages about the probe show the point and its context variables
	 * as the script wrote them */
	free(o->probes[idx].text);
	if (saves_entry) {
		/* the hidden probe that takes a .return probe's @entry values */
		if (asprintf(&o->probes[idx].text, "%s, its values at the call", pp) < 0)
			o->probes[idx].text = NULL;
	} else {
		o->probes[idx].text = strdup(pp);
	}
	for (int i = 0; i < ntargets && (size_t)i < o->probes[idx].nargs; i++) {
		struct probe_arg *a = &o->probes[idx].args[i];
		char *name = strdup(targets[i]);

		if (name) {
			free(a->name);
			a->name = name;
		}
		if (asprintf(&a->origin, "%s:%d:%d", ss->s->file, where[i].line, where[i].col) < 0)
			a->origin = NULL;
	}
	o->nprobes++;
	ss->probe_of = realloc(ss->probe_of, o->nprobes * sizeof(*ss->probe_of));
	ss->pp_of = realloc(ss->pp_of, o->nprobes * sizeof(*ss->pp_of));
	ss->saves_entry = realloc(ss->saves_entry, o->nprobes * sizeof(*ss->saves_entry));
	ss->mark_of = realloc(ss->mark_of, o->nprobes * sizeof(*ss->mark_of));
	if (!ss->probe_of || !ss->pp_of || !ss->saves_entry || !ss->mark_of ||
	    !o->probes[idx].text)
		return -ENOMEM;
	ss->probe_of[idx] = p;
	ss->saves_entry[idx] = saves_entry;
	ss->mark_of[idx] = NULL;
	if (mark) {
		ss->mark_of[idx] = malloc(sizeof(*mark));
		if (!ss->mark_of[idx])
			return -ENOMEM;
		*ss->mark_of[idx] = *mark;
	}
	snprintf(ss->pp_of[idx], sizeof(ss->pp_of[idx]), "%s", pp);
	return 0;
}

/* Which probes are .return probes (all their points): there, parameters
 * are read at the call, as SystemTap does; and which are on code (context
 * variables exist there).  Errors wait for place_probes. */
static void mark_returns(struct script *s, const struct options *o)
{
	char *bin = target_bin(o);
	struct script_target target = {bin, (long)o->attach_pid};

	for (int p = 0; p < s->nprobes; p++) {
		struct script_probe *sp = &s->probes[p];

		sp->returns = sp->on_code = sp->npoints > 0;
		for (int k = 0; k < sp->npoints; k++) {
			struct script_where w;
			struct script_error err;

			if (script_point_where(&sp->points[k], &target, &w, &err) < 0) {
				sp->returns = sp->on_code = false;
				continue;
			}
			if (!w.is_return)
				sp->returns = false;
			if (w.kind != POINT_CODE && w.kind != POINT_MARK)
				sp->on_code = false;
			script_where_free(&w);
		}
	}
	free(bin);
}

/* process("PATH").begin and kin: PATH must be the program traced, the
 * only one whose processes utap sees. */
static int check_life_path(const struct script_where *w, const char *target, const char *pp,
			   const struct script_point *point, struct session *ss)
{
	struct script_error err = {{0}};
	struct stat a, b;

	if (w->oneliner && target && stat(w->oneliner, &a) == 0 && stat(target, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		return 0;
	snprintf(err.file, sizeof(err.file), "%s", ss->s->file);
	err.line = point->pos.line;
	err.col = point->pos.col;
	snprintf(err.msg, sizeof(err.msg), "%.150s: utap sees the processes of the program it traces%s",
		 pp, target ? ", and this is another" : ", and none is given");
	snprintf(err.hint, sizeof(err.hint), "trace it with -c 'CMD' or -x PID");
	session_report(&err, ss->s->source);
	return -EINVAL;
}

/* The first fetch of SP read outside @defined(...), or -1. */
static int required_fetch(const struct script_probe *sp)
{
	for (int i = 0; i < sp->ntargets; i++)
		if (!sp->target_optional[i])
			return i;
	return -1;
}

/* Every probe point of the script: events for the session, one-liner
 * probes for code.  0 or -EINVAL (reported). */
static int place_probes(struct session *ss)
{
	char *bin = target_bin(ss->opts);
	struct script_target target = {bin, (long)ss->opts->attach_pid};
	struct script_error err = {{0}};
	int ret = 0;

	snprintf(err.file, sizeof(err.file), "%s", ss->s->file);
	for (int p = 0; p < ss->s->nprobes && ret == 0; p++) {
		const struct script_probe *sp = &ss->s->probes[p];

		for (int k = 0; k < sp->npoints && ret == 0; k++) {
			struct script_where w;
			char pp[256];

			script_point_text(&sp->points[k], pp, sizeof(pp));
			if (sp->points[k].sufficient) {
				err.line = sp->points[k].pos.line;
				err.col = sp->points[k].pos.col;
				snprintf(err.msg, sizeof(err.msg),
					 "sufficient probe points ('!') are not supported yet");
				snprintf(err.hint, sizeof(err.hint),
					 "an optional point ('?') is left out where it does not resolve");
				session_report(&err, ss->s->source);
				ret = -EINVAL;
				break;
			}
			if (script_point_where(&sp->points[k], &target, &w, &err) < 0) {
				if (sp->points[k].optional) {
					/* an optional point that names nothing here */
					log_verbose("%s:%d:%d: optional probe point left out: %s",
						    ss->s->file, err.line, err.col, err.msg);
					memset(&err, 0, sizeof(err));
					snprintf(err.file, sizeof(err.file), "%s", ss->s->file);
					continue;
				}
				session_report(&err, ss->s->source);
				ret = -EINVAL;
				break;
			}
			if (w.kind != POINT_CODE && w.kind != POINT_MARK && required_fetch(sp) >= 0) {
				snprintf(err.msg, sizeof(err.msg),
					 "context variables (%s...) exist only in probes on code",
					 sp->targets[required_fetch(sp)]);
				err.line = sp->points[k].pos.line;
				err.col = sp->points[k].pos.col;
				snprintf(err.hint, sizeof(err.hint), "%.200s has none", pp);
				session_report(&err, ss->s->source);
				ret = -EINVAL;
			} else if (w.kind == POINT_BEGIN) {
				ret = add_event(&ss->begins, &ss->nbegins, p, &w, pp);
			} else if (w.kind == POINT_END) {
				ret = add_event(&ss->ends, &ss->nends, p, &w, pp);
			} else if (w.kind == POINT_ERROR) {
				ret = add_event(&ss->errors, &ss->nerrors, p, &w, pp);
			} else if (w.kind == POINT_TIMER) {
				ret = add_event(&ss->timers, &ss->ntimers, p, &w, pp);
			} else if (w.kind == POINT_MARK) {
				ret = session_add_mark_probes(ss, p, &w, &sp->points[k]);
			} else if (w.kind == POINT_NEVER) {
				/* nothing to plant or run */
			} else if (w.kind >= POINT_PROCESS_BEGIN) {
				int life = w.kind - POINT_PROCESS_BEGIN; /* enum backend_life's order */

				ret = check_life_path(&w, bin, pp, &sp->points[k], ss);
				if (ret == 0)
					ret = add_event(&ss->lives[life], &ss->nlives[life], p, &w, pp);
			} else {
				if (w.is_return && sp->nentry)
					ret = session_add_code_probe(ss, p, &w, pp, &sp->points[k], true, NULL);
				if (ret == 0)
					ret = session_add_code_probe(ss, p, &w, pp, &sp->points[k], false, NULL);
			}
			script_where_free(&w);
		}
	}
	free(bin);
	if (ss->nbegins > 1)
		qsort(ss->begins, (size_t)ss->nbegins, sizeof(*ss->begins), by_priority);
	if (ss->nends > 1)
		qsort(ss->ends, (size_t)ss->nends, sizeof(*ss->ends), by_priority);
	if (ss->nerrors > 1)
		qsort(ss->errors, (size_t)ss->nerrors, sizeof(*ss->errors), by_priority);
	return ret;
}

static void run_events(struct session *ss, const struct event *ev, int n)
{
	for (int i = 0; i < n && !(ev != ss->ends && ev != ss->errors && interp_exiting(ss->in)); i++)
		interp_run(ss->in, ev[i].probe, NULL, ev[i].pp);
}

/* ---- the backend's hooks ---- */

static void on_hit(void *data, const struct probe_hit *hit)
{
	struct session *ss = data;
	int i = hit->probe->index, p = ss->probe_of[i];
	uint64_t t0 = clock_mono_ns();
	const char **pp, **func;
	char why[96];
	int npp;

	if (interp_exiting(ss->in) || ss->disabled[p])
		return; /* exit() was called, or the guard stopped it */
	if (t0 - ss->window >= WINDOW_NS)
		session_new_window(ss, t0);
	if (ss->opts->max_rate && ++ss->hits[p] > ss->opts->max_rate) {
		snprintf(why, sizeof(why), "more than %ld hits in a second (--max-rate)",
			 ss->opts->max_rate);
		session_disable(ss, p, why);
		return;
	}
	if (ss->saves_entry[i]) {
		interp_save_entry(ss->in, ss->probe_of[i], hit, ss->pp_of[i]);
		return;
	}
	if (ss->mark_of[i])
		interp_set_mark(ss->in, ss->mark_of[i]->provider, ss->mark_of[i]->name);
	npp = session_hit_pp(ss, i, hit, &pp, &func);
	if (!npp)
		interp_run(ss->in, ss->probe_of[i], hit, ss->pp_of[i]);
	for (int k = 0; k < npp && !interp_exiting(ss->in); k++) {
		interp_set_func(ss->in, func[k]);
		interp_run(ss->in, ss->probe_of[i], hit, pp[k]);
	}
	interp_set_func(ss->in, NULL);
	interp_set_mark(ss->in, NULL, NULL);
	session_account(ss, p, t0, clock_mono_ns());
	if (interp_exiting(ss->in))
		backend_request_stop();
}

static void on_start(void *data, pid_t target)
{
	struct session *ss = data;
	uint64_t now = clock_mono_ns();

	ss->target = target;
	interp_set_target(ss->in, target);
	for (int i = 0; i < ss->ntimers; i++)
		ss->timers[i].due = now + ss->timers[i].period_ns;
	run_events(ss, ss->begins, ss->nbegins);
	if (interp_exiting(ss->in))
		backend_request_stop();
}

static uint64_t on_next_tick(void *data)
{
	struct session *ss = data;
	uint64_t next = 0;

	for (int i = 0; i < ss->ntimers; i++)
		if (!next || ss->timers[i].due < next)
			next = ss->timers[i].due;
	return next;
}

static void on_tick(void *data, uint64_t now)
{
	struct session *ss = data;

	for (int i = 0; i < ss->ntimers && !interp_exiting(ss->in); i++) {
		struct event *t = &ss->timers[i];

		if (now < t->due)
			continue;
		interp_run(ss->in, t->probe, NULL, t->pp);
		/* the next period; one missed while busy is skipped, not run twice */
		t->due += t->period_ns;
		if (t->due <= now)
			t->due = now + t->period_ns;
	}
	if (interp_exiting(ss->in))
		backend_request_stop();
}

static void on_life(void *data, enum backend_life what, const struct probe_hit *hit)
{
	struct session *ss = data;

	for (int i = 0; i < ss->nlives[what] && !interp_exiting(ss->in); i++)
		interp_run(ss->in, ss->lives[what][i].probe, hit, ss->lives[what][i].pp);
	if (interp_exiting(ss->in))
		backend_request_stop();
}

static void on_end(void *data)
{
	struct session *ss = data;

	/* After runtime errors the error probes run instead of the end ones. */
	if (interp_errors(ss->in) && ss->nerrors)
		run_events(ss, ss->errors, ss->nerrors);
	else
		run_events(ss, ss->ends, ss->nends);
}

/* No program to trace: begin, the timers until exit() or Ctrl-C, end. */
static void on_signal(int sig)
{
	(void)sig;
	backend_request_stop();
}

static void run_without_target(struct session *ss)
{
	struct sigaction sa;
	sigset_t block, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	on_start(ss, 0);
	while (!backend_stop_requested() && !interp_exiting(ss->in)) {
		uint64_t next = on_next_tick(ss), now = clock_mono_ns();
		struct timespec ts, *wait = NULL;

		if (next && next <= now) {
			on_tick(ss, now);
			continue;
		}
		if (next) {
			ts.tv_sec = (time_t)((next - now) / 1000000000u);
			ts.tv_nsec = (long)((next - now) % 1000000000u);
			wait = &ts;
		}
		/* signals are let in only while waiting: none is missed */
		fflush(ss->out);
		ppoll(NULL, 0, wait, &old);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	on_end(ss);
	fflush(ss->out);
}

static void session_free(struct session *ss)
{
	interp_free(ss->in);
	free(ss->begins);
	free(ss->ends);
	free(ss->errors);
	free(ss->timers);
	for (int i = 0; i < 4; i++)
		free(ss->lives[i]);
	for (size_t i = 0; ss->mark_of && i < ss->opts->nprobes; i++)
		free(ss->mark_of[i]);
	free(ss->mark_of);
	for (int i = 0; i < ss->nmarked; i++)
		sym_module_close(ss->marked[i]);
	free(ss->marked);
	free(ss->probe_of);
	free(ss->pp_of);
	free(ss->saves_entry);
	free(ss->hits);
	free(ss->probe_ns);
	free(ss->disabled);
	session_pp_free(ss);
	session_fetches_free(ss);
	if (ss->s) {
		script_check_release(ss->s);
		script_free(ss->s);
	}
}

/* -G NAME=VALUE gives a global used nowhere else its type, as SystemTap
 * does: a long for a number, else a string. */
static void type_set_globals(struct script *s, const struct options *o)
{
	for (int i = 0; i < o->nset_globals; i++) {
		const char *set = o->set_globals[i], *eq = strchr(set, '=');
		char *end;

		for (int g = 0; eq && g < s->nglobals; g++) {
			if (strlen(s->globals[g].name) != (size_t)(eq - set) ||
			    strncmp(s->globals[g].name, set, (size_t)(eq - set)) != 0 ||
			    s->globals[g].type != ST_UNKNOWN || s->globals[g].array_declared)
				continue;
			strtoll(eq + 1, &end, 0);
			s->globals[g].type = eq[1] && !*end ? ST_LONG : ST_STRING;
		}
	}
}

/* -v: SystemTap's pass messages ("Pass 1: parsed user script in 2 ms."),
 * each with the time since the last.  utap has no passes 3 and 4: nothing
 * is translated to C or compiled. */
static void pass_message(struct session *ss, int pass, const char *what)
{
	uint64_t now = clock_mono_ns();

	if (utap_log_level >= 1)
		fprintf(stderr, "Pass %d: %s in %llu ms.\n", pass, what,
			(unsigned long long)((now - ss->pass_start) / 1000000u));
	ss->pass_start = now;
}

static int prepare(struct session *ss, char **text)
{
	struct options *o = ss->opts;
	struct script_error err = {{0}};
	struct script_limits lim;
	struct interp_session is = {0, ss->out};
	const char *file = o->script_file ? o->script_file : "-e";
	char why[256], *program;
	int rc;

	snprintf(err.file, sizeof(err.file), "%s", file);
	*text = o->script_text ? strdup(o->script_text) : read_file(o->script_file, &err);
	if (!*text) {
		log_error("%s", err.msg[0] ? err.msg : "out of memory");
		return -EINVAL;
	}
	if (script_parse(file, *text, o->script_args, o->nscript_args, &ss->s, &err) < 0) {
		session_report(&err, *text);
		return -EINVAL;
	}
	pass_message(ss, 1, "parsed user script");
	if (o->dump_ast)
		return 1;
	if (!ss->s->nprobes) {
		log_error("%s: no probes: nothing would ever run\n"
			  "      hint: probe begin { ... }, or probe process(\"PATH\").function(\"NAME\") { ... }",
			  file);
		return -EINVAL;
	}
	mark_returns(ss->s, o);
	type_set_globals(ss->s, o);
	if (script_check(ss->s, &err) < 0) {
		session_report(&err, *text);
		return -EINVAL;
	}
	if (o->backend == BACKEND_UPROBE && script_uprobe_limits(ss->s, &err) < 0) {
		session_report(&err, *text);
		return -EINVAL;
	}
	for (int i = 0; i < ss->s->nglobals; i++)
		if (ss->s->globals[i].elided)
			fprintf(stderr, "WARNING: Eliding unused variable '%s' at %s:%d:%d\n",
				ss->s->globals[i].name, file, ss->s->globals[i].pos.line,
				ss->s->globals[i].pos.col);
	if (place_probes(ss) < 0)
		return -EINVAL;
	program = target_bin(o);
	rc = session_compile_casts(ss, program);
	free(program);
	if (rc < 0)
		return rc;
	if ((o->nprobes || ss->nlives[0] || ss->nlives[1] || ss->nlives[2] || ss->nlives[3]) &&
	    !o->argv && !o->attach_pid && !o->dry_run) {
		log_error("the script probes programs, and none is given\n"
			  "      hint: add -c 'CMD ARGS', -x PID or '-- CMD ARGS'");
		return -EINVAL;
	}
	script_limits_default(&lim);
	for (int i = 0; i < o->ndefines; i++) {
		if (script_limits_set(&lim, o->defines[i], why, sizeof(why)) < 0) {
			log_error("%s", why);
			return -EINVAL;
		}
	}
	ss->hits = calloc((size_t)ss->s->nprobes + 1, sizeof(*ss->hits));
	ss->probe_ns = calloc((size_t)ss->s->nprobes + 1, sizeof(*ss->probe_ns));
	ss->disabled = calloc((size_t)ss->s->nprobes + 1, sizeof(*ss->disabled));
	if (!ss->hits || !ss->probe_ns || !ss->disabled)
		return -ENOMEM;
	if (utap_log_level >= 1) {
		char what[160];

		snprintf(what, sizeof(what),
			 "analyzed script: %d probe%s, %d function%s, %d global%s, %zu code probe%s",
			 ss->s->nprobes, ss->s->nprobes == 1 ? "" : "s", ss->s->nfunctions,
			 ss->s->nfunctions == 1 ? "" : "s", ss->s->nglobals,
			 ss->s->nglobals == 1 ? "" : "s", o->nprobes, o->nprobes == 1 ? "" : "s");
		pass_message(ss, 2, what);
	}
	if (interp_new(ss->s, &lim, &is, o->set_globals, o->nset_globals, &ss->in, &err) < 0) {
		log_error("%s", err.msg[0] ? err.msg : "out of memory");
		return -EINVAL;
	}
	interp_set_casts(ss->in, ss->casts);
	return 0;
}

int script_main(struct options *o)
{
	struct session ss = {.opts = o, .out = stdout};
	struct backend_hooks hooks = {&ss, on_hit, on_start, on_next_tick, on_tick, on_end, on_life};
	char *text = NULL;
	int rc;

	if (o->output) {
		ss.out = fopen(o->output, "we");
		if (!ss.out) {
			log_error("-o %s: %s", o->output, strerror(errno));
			return 2;
		}
	}
	ss.pass_start = clock_mono_ns();
	rc = prepare(&ss, &text);
	if (rc == 1) {
		script_dump(ss.s, ss.out);
		rc = 0;
	} else if (rc < 0) {
		rc = 2;
	} else if (o->nprobes && backend_check(o) < 0) {
		rc = 2;
	} else if (o->dry_run) {
		rc = o->nprobes ? backend_dry_run(o, ss.out) : 0;
	} else if (!o->argv && !o->attach_pid) {
		run_without_target(&ss);
		rc = interp_errors(ss.in) ? 1 : 0;
	} else {
		if (utap_log_level >= 1)
			fprintf(stderr, "Pass 5: starting run.\n");
		ss.pass_start = clock_mono_ns();
		rc = backend_run(o, ss.out, &hooks);
		/* the script's status, not the program's (SystemTap's) */
		rc = rc == 2 ? 2 : interp_errors(ss.in) ? 1 : 0;
		pass_message(&ss, 5, "run completed");
	}
	session_free(&ss);
	free(text);
	if (ss.out != stdout)
		fclose(ss.out);
	return rc;
}
