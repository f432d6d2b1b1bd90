/* run.c: the ptrace backend from start to end: check, launch or attach,
 * plant, loop, detach, exit status. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/ptrace/argplan.h"
#include "backend/ptrace/resolve.h"
#include "backend/ptrace/tracee.h"
#include "dwarf/dwarf.h"
#include "proc/launch.h"
#include "util/log.h"

bool known_file(const struct options *o, const struct probe *p, const struct prestart *ps,
		char *buf, size_t n)
{
	const char *cmd_path = ps->cmd_path;
	const struct proc_maps *maps = ps->have_maps ? &ps->maps : NULL;

	if (p->any_module)
		return false; /* every module: known when they are mapped */
	if (strpbrk(p->bin, "*?[") && strchr(p->bin, '/'))
		return false; /* a pattern: the files it names, once they are mapped */
	if (strchr(p->bin, '/')) {
		if (p->bin[0] == '/' && o->attach_pid)
			target_path(o->attach_pid, p->bin, buf, n);
		else
			snprintf(buf, n, "%s", p->bin);
		return true;
	}
	if (cmd_path && sym_bin_matches(p->bin, cmd_path)) {
		snprintf(buf, n, "%s", cmd_path);
		return true;
	}
	if (cmd_path && sym_needed_library(cmd_path, p->bin, buf, n) == 0)
		return true;
	for (size_t i = 0; maps && i < maps->n; i++) {
		if (maps->map[i].path[0] == '/' && sym_bin_matches(p->bin, maps->map[i].path)) {
			module_file(o->attach_pid, maps->map[i].path, maps->map[i].dev,
				    maps->map[i].ino, buf, n);
			return true;
		}
	}
	return false;
}

/* Will the probed instruction be steppable? Refusals are known from the file. */
static int check_steppable(const struct options *o, const struct sym_module *mod,
			   const struct resolved *r, char *err, size_t errlen)
{
	struct arch_step_plan plan;
	uint8_t bytes[16];
	char why[160] = "";
	uint64_t vaddr = 0;
	ssize_t n;

	n = sym_read(mod, r->file_offset, bytes, sizeof(bytes));
	if (n <= 0)
		return 0; /* reported when planting */
	sym_offset_to_vaddr(mod, r->file_offset, &vaddr);
	if (arch_step_plan(bytes, (size_t)n, vaddr, o->step_mode, &plan, why, sizeof(why)) < 0 ||
	    plan.mode == ARCH_STEP_REFUSE) {
		snprintf(err, errlen, "cannot probe %s+0x%llx (%s): %s", r->sym ? r->sym : "?",
			 (unsigned long long)r->sym_off, plan.text, why);
		return -EINVAL;
	}
	return 0;
}

/* Probe I lands in N places, more than we probe unasked: ask on a
 * terminal (a yes counts for the whole run), else refuse. */
static bool confirm(struct options *o, size_t i, size_t n)
{
	char answer[16] = "";

	if (o->yes)
		return true;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
		log_error("probe %zu (%s) matches %zu places (more than %d)\n"
			  "      hint: add --yes to probe them all, or narrow the pattern", i + 1,
			  o->probes[i].text, n, RESOLVE_CONFIRM_ABOVE);
		return false;
	}
	fprintf(stderr, "utap: probe %zu (%s) matches %zu places; probe them all? [y/N] ", i + 1,
		o->probes[i].text, n);
	if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
		return false;
	o->yes = true;
	return true;
}

int prestart_open(const struct options *o, struct prestart *ps)
{
	char err[1024];

	memset(ps, 0, sizeof(*ps));
	if (o->argv) {
		if (proc_find_command(o->argv[0], ps->cmd, sizeof(ps->cmd), err, sizeof(err)) < 0) {
			log_error("%s", err);
			return -EINVAL;
		}
		ps->cmd_path = ps->cmd;
		return 0;
	}
	if (kill(o->attach_pid, 0) < 0 && errno == ESRCH) {
		log_error("no process with ID %d\n      hint: check it with ps -p %d",
			  (int)o->attach_pid, (int)o->attach_pid);
		return -EINVAL;
	}
	if (proc_maps_read(o->attach_pid, &ps->maps) < 0) {
		proc_explain_eperm(o->attach_pid, err, sizeof(err));
		log_error("%s", err);
		return -EINVAL;
	}
	ps->have_maps = true;
	return 0;
}

void prestart_close(struct prestart *ps)
{
	if (ps->have_maps)
		proc_maps_free(&ps->maps);
	ps->have_maps = false;
}

/* An error about probe I; one about a fetch a script wrote names its own
 * place in the script (argplan_compile puts it first). */
static void report_probe_error(size_t i, const struct probe *p, const char *err)
{
	for (size_t k = 0; k < p->nargs; k++) {
		if (p->args[k].origin && strncmp(err, p->args[k].origin, strlen(p->args[k].origin)) == 0) {
			log_error("%s", err);
			return;
		}
	}
	log_error("probe %zu (%s): %s", i + 1, p->text, err);
}

int ptrace_backend_check(struct options *o)
{
	char file[4096], err[1024];
	struct prestart ps;
	int rc = 0;

	if (prestart_open(o, &ps) < 0)
		return -EINVAL;
	for (size_t i = 0; i < o->nprobes && rc == 0; i++) {
		const struct probe *p = &o->probes[i];
		struct sym_module *mod;
		struct resolved *r;
		size_t nr;

		if (p->any_module)
			continue; /* resolved in each module as it is mapped */
		if (!known_file(o, p, &ps, file, sizeof(file))) {
			log_verbose("probe %zu: '%s' is not mapped yet; it is probed when it is loaded",
				    i + 1, p->bin);
			continue;
		}
		if (p->optional)
			continue; /* resolved when planted; left out if it cannot be */
		if (sym_module_open(file, p->bin, &mod, err, sizeof(err)) < 0) {
			log_error("probe %zu (%s): %s: %s", i + 1, p->text, p->bin, err);
			rc = -EINVAL;
			break;
		}
		if (resolve_sites(mod, file, p, &r, &nr, err, sizeof(err)) < 0) {
			log_error("probe %zu (%s): %s", i + 1, p->text, err);
			rc = -EINVAL;
		} else {
			struct dwarf_module *dm = NULL;

			if (argplan_wanted(p))
				dwarf_module_open(file, &dm);
			for (size_t j = 0; j < nr && rc == 0; j++) {
				if (check_steppable(o, mod, &r[j], err, sizeof(err)) < 0 ||
				    argplan_check_site(p, mod, dm, &r[j], NULL, err, sizeof(err)) < 0) {
					report_probe_error(i, p, err);
					rc = -EINVAL;
				}
			}
			dwarf_module_close(dm);
			if (rc == 0 && nr > RESOLVE_CONFIRM_ABOVE && !confirm(o, i, nr))
				rc = -EINVAL;
			free(r);
		}
		sym_module_close(mod);
	}
	prestart_close(&ps);
	return rc;
}

/* A snapshot at the program's exit needs its threads' exit stops. */
static long exit_option(const struct tracer *t)
{
	return t->hooks && t->hooks->snapshot ? PTRACE_O_TRACEEXIT : 0;
}

/* Launched: wait for the exec stop, plant there (before ld.so runs). */
static int start_launched(struct tracer *t)
{
	char path[4096], err[256];
	struct process *proc;
	pid_t pid;

	if (proc_find_command(t->opts->argv[0], path, sizeof(path), err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -EINVAL;
	}
	pid = proc_launch(path, t->opts->argv, t->opts->pin, exit_option(t));
	if (pid < 0) {
		log_error("cannot launch %s: %s", path, strerror(-pid));
		return pid;
	}
	t->launched = true;
	t->main_pid = pid;
	proc = tracer_add_process(t, pid, space_new(pid));
	proc->main = true;
	tracer_add_thread(t, proc, pid)->state = THREAD_RUNNING;
	/* Everything until the exec is our own child code; the exec stop
	 * is handled by the main loop like any exec. */
	return 0;
}

static int start_attached(struct tracer *t)
{
	pid_t pid = t->opts->attach_pid, *tids = NULL;
	char err[1024];
	struct process *proc;
	struct thread *th;
	int n;

	n = proc_attach(pid, exit_option(t), &tids, err, sizeof(err));
	if (n < 0) {
		log_error("%s", err);
		return -EINVAL;
	}
	t->main_pid = pid;
	proc = tracer_add_process(t, pid, space_new(pid));
	proc->main = true;
	for (int i = 0; i < n; i++) {
		th = tracer_add_thread(t, proc, tids[i]);
		th->state = THREAD_RUNNING;
		th->interrupted = true;
	}
	free(tids);
	/* Anything that stopped a thread before our interrupt is handled
	 * after planting. */
	collect_interrupted(t);
	th = proc->threads;
	if (!th)
		return -ESRCH;
	plant_new_image(t, th);
	resume_world(t);
	return 0;
}

volatile int utap_stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	utap_stop_requested = 1;
}

static void install_signals(double duration)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waitpid returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	if (duration > 0) {
		struct itimerval it = {{0, 0}, {(long)duration,
						(long)((duration - (long)duration) * 1e6)}};

		setitimer(ITIMER_REAL, &it, NULL);
	}
}

void backend_request_stop(void)
{
	utap_stop_requested = 1;
}

bool backend_stop_requested(void)
{
	return utap_stop_requested != 0;
}

int ptrace_backend_run(const struct options *o, FILE *out, const struct backend_hooks *hooks)
{
	struct tracer t;
	int rc, status;

	memset(&t, 0, sizeof(t));
	t.opts = o;
	/* UTAP_FETCH_STUB=off: read the hits' memory per hit (comparisons) */
	t.fetch_off = getenv("UTAP_FETCH_STUB") && !strcmp(getenv("UTAP_FETCH_STUB"), "off");
	t.hooks = hooks;
	t.out = out;
	t.probe_matched = calloc(o->nprobes, sizeof(bool));
	t.probe_failed = calloc(o->nprobes, sizeof(bool));
	t.probe_disabled = calloc(o->nprobes + 1, sizeof(bool));
	if (!t.probe_matched || !t.probe_failed || !t.probe_disabled) {
		rc = 1;
		goto out;
	}
	if (o->stack || o->folded) {
		t.frames = calloc((size_t)o->stack_depth, sizeof(*t.frames));
		if (!t.frames || (o->folded && probe_folded_new(&t.folded) < 0)) {
			rc = 1;
			goto out;
		}
	}
	install_signals(o->duration);
	rc = o->argv ? start_launched(&t) : start_attached(&t);
	if (rc < 0) {
		rc = rc == -EINVAL ? 2 : 1;
		goto out;
	}
	retire_set_tracer(&t);
	if (hooks && hooks->start)
		hooks->start(hooks->data, t.main_pid);
	/* An attached process began before us: its begin comes after the
	 * script's (a launched one's comes at its exec). */
	if (!t.launched && t.procs && t.procs->threads)
		hit_life(&t, t.procs->threads, LIFE_PROCESS_BEGIN);
	events_loop(&t);
	ticks_stop(&t);
	fetch_stub_end(&t);
	if (hooks && hooks->end)
		hooks->end(hooks->data);
	/* Every hit is in: the stacks are complete, whether the program
	 * exited or we detached from it. */
	if (t.folded && probe_folded_print(t.folded, out, o->probes, o->nprobes) < 0)
		log_error("--folded: out of memory while printing the stacks");
	fflush(out);
	if (t.fatal && t.launched && !t.main_gone) {
		/* A bad probe found before the program's code ran: it never runs. */
		kill(t.main_pid, SIGKILL);
		waitpid(t.main_pid, &status, 0);
		rc = t.fatal_status;
		goto out;
	}
	if (t.launched && !t.main_gone) {
		/* Detached early: the program goes on; its status is still ours. */
		while (waitpid(t.main_pid, &status, 0) < 0 && errno == EINTR)
			;
		t.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	for (size_t i = 0; i < o->nprobes; i++)
		if (!t.probe_matched[i] && !o->probes[i].any_module && !o->probes[i].optional)
			log_error("probe %zu (%s): no loaded module matched '%s'", i + 1,
				  o->probes[i].text, o->probes[i].bin);
	rc = t.fatal ? t.fatal_status : t.launched ? t.exit_status : 0;
out:
	while (t.procs)
		tracer_remove_process(&t, t.procs);
	for (size_t i = 0; i < t.nsymcache; i++) {
		sym_module_close(t.symcache[i].sym);
		dwarf_module_close(t.symcache[i].dwarf);
	}
	free(t.symcache);
	plant_free_argplans(&t);
	retire_set_tracer(NULL);
	free(t.probe_matched);
	free(t.probe_failed);
	free(t.probe_disabled);
	free(t.frames);
	probe_folded_free(t.folded);
	return rc;
}
