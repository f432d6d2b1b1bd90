/* instance.c: utap's own tracefs instance (instances/utap-PID) and its
 * events (group utap_PID): set up, enabled for the traced processes only,
 * and removed on every way out; what a killed run left is removed at the
 * next start. Other tracing on the machine is never touched. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/uprobe/uprobe.h"
#include "util/log.h"

static void path_in(const struct tracefs *fs, const char *rel, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s", fs->instance, rel);
}

/* An option of the instance the reader relies on; the parser copes when
 * the kernel keeps it global (older kernels), so a refusal is no error. */
static void set_option(const struct tracefs *fs, const char *name, const char *value)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/options/%s", fs->instance, name);
	if (fs->dry)
		fprintf(fs->dry, "  echo '%s' > %s\n", value, path);
	else if (tracefs_write_quiet(path, value, false) < 0)
		log_verbose("--backend=uprobe: could not set %s", path);
}

int instance_setup(struct tracefs *fs, struct uplan *plan)
{
	char path[512], events[256];
	int rc;

	rc = tracefs_make_instance(fs);
	if (rc < 0)
		return rc;
	/* CLOCK_MONOTONIC, as the ptrace backend's timestamps */
	path_in(fs, "trace_clock", path, sizeof(path));
	rc = tracefs_write(fs, path, "mono");
	if (rc < 0)
		return rc;
	/* poll() on trace_pipe wakes at the first event, not at half a buffer */
	path_in(fs, "buffer_percent", path, sizeof(path));
	if (!fs->dry && tracefs_write_quiet(path, "0", false) < 0)
		log_verbose("--backend=uprobe: could not set %s", path);
	else if (fs->dry)
		fprintf(fs->dry, "  echo '0' > %s\n", path);
	path_in(fs, "buffer_size_kb", path, sizeof(path));
	if (fs->dry)
		fprintf(fs->dry, "  echo '4096' > %s\n", path);
	else
		tracefs_write_quiet(path, "4096", false);
	set_option(fs, "irq-info", "0");
	set_option(fs, "record-tgid", "1");
	set_option(fs, "event-fork", "1");
	snprintf(events, sizeof(events), "%s/uprobe_events", fs->root);
	for (size_t i = 0; i < plan->nevents; i++) {
		struct uevent *ev = &plan->events[i];

		rc = tracefs_append(fs, events, ev->line);
		if (rc < 0)
			return rc;
		ev->defined = true;
	}
	for (size_t i = 0; i < plan->nevents; i++) {
		struct uevent *ev = &plan->events[i];

		if (!ev->kfilter[0])
			continue;
		snprintf(path, sizeof(path), "%s/events/%s/%s/filter", fs->instance, fs->group,
			 ev->name);
		rc = tracefs_write(fs, path, ev->kfilter);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int instance_thread_ids(pid_t pid, pid_t **out, size_t *n)
{
	char path[64];
	struct dirent *d;
	pid_t *tids = NULL;
	DIR *dir;

	*n = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir) {
		log_error("no process with ID %d\n      hint: check it with ps -p %d", (int)pid,
			  (int)pid);
		return -EINVAL;
	}
	while ((d = readdir(dir))) {
		pid_t *grown;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		grown = realloc(tids, (*n + 1) * sizeof(*tids));
		if (!grown) {
			closedir(dir);
			free(tids);
			return -ENOMEM;
		}
		tids = grown;
		tids[(*n)++] = (pid_t)atoi(d->d_name);
	}
	closedir(dir);
	*out = tids;
	return 0;
}

int instance_set_pids(const struct tracefs *fs, const pid_t *pids, size_t n)
{
	char path[320], num[16];
	int rc;

	path_in(fs, "set_event_pid", path, sizeof(path));
	for (size_t i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%d", (int)pids[i]);
		rc = tracefs_append(fs, path, num);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int instance_enable(const struct tracefs *fs, bool on)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/events/%s/enable", fs->instance, fs->group);
	if (!on && !fs->dry)
		return tracefs_write_quiet(path, "0", false);
	return tracefs_write(fs, path, on ? "1" : "0");
}

unsigned long long instance_lost_events(const struct tracefs *fs)
{
	unsigned long long lost = 0, n;
	char path[320], line[128];

	for (int cpu = 0; cpu < 4096; cpu++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", fs->instance, cpu);
		f = fopen(path, "re");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "overrun: %llu", &n) == 1 ||
			    sscanf(line, "commit overrun: %llu", &n) == 1 ||
			    sscanf(line, "dropped events: %llu", &n) == 1)
				lost += n;
		fclose(f);
	}
	return lost;
}

/* Remove event GROUP/NAME from uprobe_events.  0 or -errno. */
static int remove_event(const struct tracefs *fs, const char *group, const char *name)
{
	char path[256], cmd[128];

	snprintf(path, sizeof(path), "%s/uprobe_events", fs->root);
	snprintf(cmd, sizeof(cmd), "-:%s/%s", group, name);
	if (fs->dry) {
		fprintf(fs->dry, "  echo '%s' >> %s\n", cmd, path);
		return 0;
	}
	return tracefs_write_quiet(path, cmd, true);
}

void instance_teardown(struct tracefs *fs, struct uplan *plan)
{
	int rc;

	if (fs->made_instance || fs->dry)
		instance_enable(fs, false);
	tracefs_remove_instance(fs);
	for (size_t i = 0; plan && i < plan->nevents; i++) {
		struct uevent *ev = &plan->events[i];

		if (!ev->defined && !fs->dry)
			continue;
		rc = remove_event(fs, fs->group, ev->name);
		if (rc < 0)
			log_error("--backend=uprobe: could not remove event %s/%s: %s\n"
				  "      hint: echo '-:%s/%s' >> %s/uprobe_events", fs->group,
				  ev->name, strerror(-rc), fs->group, ev->name, fs->root);
		else
			ev->defined = false;
	}
}

/* Is PID a live utap?  A PID reused by another program does not count. */
static bool utap_alive(long pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid == (long)getpid())
		return true;
	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return true; /* cannot tell: leave it */
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "utap", 4) == 0;
}

/* The PID in NAME if it is PREFIX followed by digits only, else 0. */
static long owner(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	char *end;
	long pid;

	if (strncmp(name, prefix, n) != 0 || !name[n])
		return 0;
	pid = strtol(name + n, &end, 10);
	return *end == '\0' && pid > 0 ? pid : 0;
}

static int remove_old_instances(const struct tracefs *fs)
{
	char dir[192], path[512];
	struct dirent *d;
	int removed = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/instances", fs->root);
	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		long pid = owner(d->d_name, "utap-");

		if (!pid || utap_alive(pid))
			continue;
		snprintf(path, sizeof(path), "%s/%s/events/enable", dir, d->d_name);
		tracefs_write_quiet(path, "0", false);
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (rmdir(path) == 0) {
			log_printf("note: removed tracefs instance %s left by utap process %ld, "
				   "which is gone", path, pid);
			removed++;
		} else {
			log_error("--backend=uprobe: could not remove %s (left by utap process %ld): "
				  "%s", path, pid, strerror(errno));
		}
	}
	closedir(dp);
	return removed;
}

void instance_remove_leftovers(const struct tracefs *fs)
{
	char path[256], line[8192], group[64], name[64];
	long last = 0;
	int n = 0;
	FILE *f;

	remove_old_instances(fs);
	snprintf(path, sizeof(path), "%s/uprobe_events", fs->root);
	f = fopen(path, "re");
	if (!f)
		return;
	/* Collect first: removing while reading would skip lines. */
	char (*gone)[2][64] = NULL;
	size_t ngone = 0;

	while (fgets(line, sizeof(line), f)) {
		long pid;
		void *grown;

		if (sscanf(line, "%*c:%63[^/]/%63s", group, name) != 2)
			continue;
		pid = owner(group, "utap_");
		if (!pid || utap_alive(pid))
			continue;
		grown = realloc(gone, (ngone + 1) * sizeof(*gone));
		if (!grown)
			break;
		gone = grown;
		snprintf(gone[ngone][0], 64, "%s", group);
		snprintf(gone[ngone][1], 64, "%s", name);
		ngone++;
	}
	fclose(f);
	for (size_t i = 0; i < ngone; i++) {
		long pid = owner(gone[i][0], "utap_");
		int rc = remove_event(fs, gone[i][0], gone[i][1]);

		if (rc < 0) {
			log_error("--backend=uprobe: could not remove event %s/%s left by utap "
				  "process %ld: %s (enabled elsewhere?)", gone[i][0], gone[i][1], pid,
				  strerror(-rc));
			continue;
		}
		if (pid != last && n)
			log_printf("note: removed %d uprobe event%s of group utap_%ld, left by utap "
				   "process %ld, which is gone", n, n == 1 ? "" : "s", last, last);
		if (pid != last)
			n = 0;
		last = pid;
		n++;
	}
	if (n)
		log_printf("note: removed %d uprobe event%s of group utap_%ld, left by utap process "
			   "%ld, which is gone", n, n == 1 ? "" : "s", last, last);
	free(gone);
}
