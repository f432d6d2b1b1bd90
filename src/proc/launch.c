/* launch.c: start a program stopped before its first instruction, or seize
 * a running one; explain why when the kernel says no. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/launch.h"
#include "proc/status.h"

int proc_find_command(const char *cmd, char *buf, size_t n, char *err, size_t errlen)
{
	const char *path = getenv("PATH");
	struct stat st;

	if (strchr(cmd, '/')) {
		snprintf(buf, n, "%s", cmd);
		if (stat(buf, &st) < 0 || access(buf, X_OK) < 0) {
			snprintf(err, errlen, "cannot run '%s': %s", cmd, strerror(errno));
			return -errno;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "cannot run '%s': it is a directory", cmd);
			return -EISDIR;
		}
		return 0;
	}
	for (path = path ? path : "/usr/local/bin:/usr/bin:/bin"; *path;) {
		size_t len = strcspn(path, ":");

		snprintf(buf, n, "%.*s%s%s", (int)len, path, len ? "/" : "", cmd);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		path += len + (path[len] == ':');
	}
	snprintf(err, errlen, "command '%s' not found in PATH", cmd);
	return -ENOENT;
}

pid_t proc_launch(const char *path, char **argv, bool pin, long extra)
{
	int status;
	pid_t pid;

	if (pin) {
		/* tracer and tracee on the CPU we run on now */
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(sched_getcpu() < 0 ? 0 : sched_getcpu(), &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* Wait here until the tracer has seized us, so the exec (and
		 * so the program's first instruction) happens under ptrace. */
		raise(SIGSTOP);
		execv(path, argv);
		fprintf(stderr, "utap: cannot run '%s': %s\n", path, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, WUNTRACED) < 0 || !WIFSTOPPED(status))
		return -ECHILD;
	if (ptrace(PTRACE_SEIZE, pid, 0L, (long)(PROC_PTRACE_OPTIONS | PTRACE_O_EXITKILL) | extra) < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		return -e;
	}
	kill(pid, SIGCONT);
	return pid;
}

void proc_explain_eperm(pid_t pid, char *err, size_t errlen)
{
	char tracer[32], uid[64], comm[64] = "", path[64];
	int scope = -1;
	FILE *f;

	proc_status_field(pid, "TracerPid", tracer, sizeof(tracer));
	if (tracer[0] && atoi(tracer) != 0) {
		snprintf(path, sizeof(path), "/proc/%s/comm", tracer);
		f = fopen(path, "re");
		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
		snprintf(err, errlen,
			 "process %d is already traced by process %s (%s)\n"
			 "      hint: only one tracer at a time; stop that one first", (int)pid, tracer,
			 comm[0] ? comm : "?");
		return;
	}
	proc_status_field(pid, "Uid", uid, sizeof(uid));
	if (uid[0] && (uid_t)atol(uid) != getuid() && geteuid() != 0) {
		snprintf(err, errlen,
			 "process %d belongs to uid %ld, not to you\n"
			 "      hint: run utap as that user, or with CAP_SYS_PTRACE", (int)pid,
			 atol(uid));
		return;
	}
	f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	if (f) {
		if (fscanf(f, "%d", &scope) != 1)
			scope = -1;
		fclose(f);
	}
	if (scope >= 1) {
		snprintf(err, errlen,
			 "not allowed to trace process %d: Yama ptrace_scope is %d\n"
			 "      hint: %s", (int)pid, scope,
			 scope == 1 ? "launch the program under utap instead (utap ... -- CMD), or "
				      "echo 0 > /proc/sys/kernel/yama/ptrace_scope as root"
				    : "needs CAP_SYS_PTRACE (scope 2) or is disabled (scope 3)");
		return;
	}
	snprintf(err, errlen,
		 "not allowed to trace process %d\n"
		 "      hint: it may be setuid, undumpable (prctl PR_SET_DUMPABLE), or need "
		 "CAP_SYS_PTRACE", (int)pid);
}

static bool have(const pid_t *tids, int n, pid_t tid)
{
	for (int i = 0; i < n; i++)
		if (tids[i] == tid)
			return true;
	return false;
}

int proc_attach(pid_t pid, long extra, pid_t **out, char *err, size_t errlen)
{
	char path[64];
	pid_t *tids = NULL;
	int n = 0, cap = 0;
	bool added;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	do {
		DIR *d = opendir(path);
		struct dirent *de;

		if (!d) {
			snprintf(err, errlen, "no process with ID %d", (int)pid);
			free(tids);
			return -ESRCH;
		}
		added = false;
		while ((de = readdir(d))) {
			pid_t tid = (pid_t)atoi(de->d_name);

			if (tid <= 0 || have(tids, n, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0L, (long)PROC_PTRACE_OPTIONS | extra) < 0) {
				int e = errno;

				if (e == ESRCH && tid != pid)
					continue; /* a thread that just ended */
				if (e == EPERM)
					proc_explain_eperm(pid, err, errlen);
				else
					snprintf(err, errlen, "cannot attach to %d: %s", (int)tid,
						 strerror(e));
				closedir(d);
				for (int i = 0; i < n; i++)
					ptrace(PTRACE_DETACH, tids[i], 0L, 0L);
				free(tids);
				return -e;
			}
			ptrace(PTRACE_INTERRUPT, tid, 0L, 0L);
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				tids = realloc(tids, (size_t)cap * sizeof(*tids));
				if (!tids) {
					closedir(d);
					return -ENOMEM;
				}
			}
			tids[n++] = tid;
			added = true;
		}
		closedir(d);
	} while (added); /* threads created meanwhile by unseized threads */
	*out = tids;
	return n;
}
