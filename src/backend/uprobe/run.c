/* run.c: the kernel uprobe backend from start to end: check, set up the
 * instance, launch or attach, read hits until the program exits or the user
 * stops us, tear everything down (every way out goes through teardown). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "backend/uprobe/uprobe.h"
#include "proc/launch.h"
#include "util/log.h"
#include "util/clock.h"

/* What the kernel cannot give at the hit, refused before anything starts. */
static int refuse_options(const struct options *o)
{
	if (o->stack || o->folded) {
		log_error("%s with --backend=uprobe: not supported yet: this kernel's user stacks "
			  "for uprobe events follow frame pointers only, and at a function's entry "
			  "they miss its caller\n      hint: --backend=ptrace unwinds with DWARF",
			  o->folded ? "--folded" : "-s/--stack");
		return -EINVAL;
	}
	return 0;
}

int uprobe_backend_check(struct options *o)
{
	struct tracefs fs;
	struct uplan plan;
	int rc;

	if (refuse_options(o) < 0)
		return -EINVAL;
	/* -S needs no rights: it only shows the writes. */
	if (!o->dry_run && tracefs_open(&fs, NULL) < 0)
		return -EINVAL;
	rc = uplan_build(o, "utap_check", &plan);
	uplan_free(&plan);
	return rc;
}

/* ---- the run ---- */

struct urun {
	const struct options *o;
	FILE *out;
	const struct backend_hooks *hooks;
	struct tracefs fs;
	struct uplan plan;
	struct upipe *pipe;
	pid_t main_pid;
	bool launched, main_gone;
	int status;      /* the launched program's wait status */
	int go_fd;       /* launched: written once the events are on */
	int pidfd;
};

static void deliver(void *ctx, const struct probe_hit *hit)
{
	struct urun *r = ctx;

	if (r->hooks) {
		if (r->hooks->hit)
			r->hooks->hit(r->hooks->data, hit);
		return;
	}
	probe_print_hit(r->out, hit, r->o->json);
}

static void on_signal(int sig)
{
	(void)sig;
	backend_request_stop();
}

/* SIGINT, SIGTERM, SIGHUP, SIGALRM (--duration) and SIGCHLD are blocked
 * but while waiting in ppoll: a stop is never missed nor half-handled. */
static void install_signals(double duration, sigset_t *old)
{
	struct sigaction sa;
	sigset_t block;
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGALRM, SIGCHLD};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (sigs[i] != SIGCHLD)
			sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	sigprocmask(SIG_BLOCK, &block, old);
	/* A closed output (| head) ends the run through teardown, not by
	 * killing utap with its events left behind. */
	signal(SIGPIPE, SIG_IGN);
	if (duration > 0) {
		struct itimerval it = {{0, 0}, {(long)duration,
						(long)((duration - (long)duration) * 1e6)}};

		setitimer(ITIMER_REAL, &it, NULL);
	}
}

/* Fork the program, held before its exec until the events are on (and
 * its pid is in set_event_pid).  0 or -errno (reported). */
static int launch_held(struct urun *r, const sigset_t *old)
{
	char path[4096], err[256], go;
	int fds[2];
	pid_t pid;

	if (proc_find_command(r->o->argv[0], path, sizeof(path), err, sizeof(err)) < 0) {
		log_error("%s", err);
		return -EINVAL;
	}
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -errno;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGALRM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, old, NULL);
		close(fds[1]);
		/* EOF: utap gave up before the events were on; never run. */
		if (read(fds[0], &go, 1) != 1)
			_exit(127);
		execv(path, r->o->argv);
		fprintf(stderr, "utap: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	r->go_fd = fds[1];
	r->main_pid = pid;
	r->launched = true;
	return 0;
}

static int start(struct urun *r, const sigset_t *old)
{
	pid_t *pids = NULL;
	size_t npids = 0;
	int rc;

	if (r->o->argv) {
		rc = launch_held(r, old);
		if (rc < 0)
			return rc;
		pids = &r->main_pid;
		npids = 1;
	} else {
		r->main_pid = r->o->attach_pid;
		rc = instance_thread_ids(r->main_pid, &pids, &npids);
		if (rc < 0)
			return rc;
	}
	r->pidfd = (int)syscall(SYS_pidfd_open, r->main_pid, 0);
	rc = instance_setup(&r->fs, &r->plan);
	if (rc == 0)
		rc = instance_set_pids(&r->fs, pids, npids);
	if (rc == 0)
		rc = upipe_open(&r->fs, &r->plan, r->main_pid, deliver, r, &r->pipe);
	if (rc == 0 && r->plan.nevents) /* a script may probe no code */
		rc = instance_enable(&r->fs, true);
	if (!r->launched)
		free(pids);
	return rc;
}

/* Has the program ended?  A launched one is reaped here.  Its pidfd says
 * so even when an attached program's parent has not reaped it yet. */
static bool main_ended(struct urun *r)
{
	struct pollfd pfd = {r->pidfd, POLLIN, 0};

	if (r->pidfd >= 0 && poll(&pfd, 1, 0) <= 0)
		return false;
	if (r->launched) {
		pid_t w = waitpid(r->main_pid, &r->status, r->pidfd >= 0 ? 0 : WNOHANG);

		return w == r->main_pid;
	}
	return r->pidfd >= 0 || (kill(r->main_pid, 0) < 0 && errno == ESRCH);
}

static void loop(struct urun *r, const sigset_t *old)
{
	const struct backend_hooks *h = r->hooks;

	while (!backend_stop_requested()) {
		struct pollfd fds[2] = {{upipe_fd(r->pipe), POLLIN, 0}, {r->pidfd, POLLIN, 0}};
		uint64_t now = clock_mono_ns(), next = h && h->next_tick ? h->next_tick(h->data) : 0;
		/* a bound on the wait: trace_pipe's wakeups come from irq_work */
		uint64_t wait = 100000000u;
		struct timespec ts;

		if (next && next <= now) {
			h->tick(h->data, now);
			continue;
		}
		if (next && next - now < wait)
			wait = next - now;
		ts.tv_sec = (time_t)(wait / 1000000000u);
		ts.tv_nsec = (long)(wait % 1000000000u);
		fflush(r->out);
		ppoll(fds, r->pidfd >= 0 ? 2 : 1, &ts, old);
		if (upipe_read(r->pipe) < 0 || ferror(r->out))
			break;
		if (main_ended(r)) {
			/* its events are all in the buffer: take them */
			r->main_gone = true;
			upipe_read(r->pipe);
			break;
		}
	}
}

int uprobe_backend_run(const struct options *o, FILE *out, const struct backend_hooks *hooks)
{
	struct urun r = {.o = o, .out = out, .hooks = hooks, .go_fd = -1, .pidfd = -1};
	unsigned long long lost;
	sigset_t old;
	int rc;

	if (refuse_options(o) < 0 || tracefs_open(&r.fs, NULL) < 0)
		return 2;
	instance_remove_leftovers(&r.fs);
	if (uplan_build(o, r.fs.group, &r.plan) < 0) {
		uplan_free(&r.plan);
		return 2;
	}
	install_signals(o->duration, &old);
	rc = start(&r, &old);
	if (rc < 0) {
		upipe_close(r.pipe); /* an open trace_pipe keeps the instance busy */
		r.pipe = NULL;
		instance_teardown(&r.fs, &r.plan);
		if (r.launched) {
			close(r.go_fd); /* the program never runs */
			waitpid(r.main_pid, NULL, 0);
		}
		rc = rc == -EINVAL ? 2 : 1;
		goto out;
	}
	if (hooks && hooks->start)
		hooks->start(hooks->data, r.main_pid);
	if (r.launched) {
		if (write(r.go_fd, "g", 1) != 1)
			log_error("--backend=uprobe: could not start the program: %s",
				  strerror(errno));
		close(r.go_fd);
	}
	loop(&r, &old);
	instance_enable(&r.fs, false);
	upipe_read(r.pipe); /* what came in before the events went off */
	lost = instance_lost_events(&r.fs);
	if (lost)
		log_error("--backend=uprobe: %llu hit%s lost: the kernel's buffer filled faster "
			  "than utap read it\n      hint: fewer probes or a filter (f:)", lost,
			  lost == 1 ? " was" : "s were");
	if (hooks && hooks->end)
		hooks->end(hooks->data);
	fflush(out);
	upipe_close(r.pipe); /* an open trace_pipe keeps the instance busy */
	r.pipe = NULL;
	instance_teardown(&r.fs, &r.plan);
	if (r.launched && !r.main_gone) {
		/* Stopped early: the program goes on; its status is still ours. */
		while (waitpid(r.main_pid, &r.status, 0) < 0 && errno == EINTR)
			;
	}
	rc = 0;
	if (r.launched)
		rc = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : 128 + WTERMSIG(r.status);
out:
	upipe_close(r.pipe);
	if (r.pidfd >= 0)
		close(r.pidfd);
	uplan_free(&r.plan);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
