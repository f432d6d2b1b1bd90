/* tracefs.c: where tracefs is, whether we may use its uprobe_events, and
 * the writes to it (each one printed as the shell line it is under -S). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/uprobe/uprobe.h"
#include "util/log.h"

#define TRACEFS_MOUNT "/sys/kernel/tracing"
#define DEBUGFS_TRACING "/sys/kernel/debug/tracing"

static const char hint_ptrace[] = "the default --backend=ptrace needs no rights";

static void fill_paths(struct tracefs *fs, const char *root)
{
	snprintf(fs->root, sizeof(fs->root), "%s", root);
	snprintf(fs->instance, sizeof(fs->instance), "%s/instances/utap-%d", root, (int)getpid());
	snprintf(fs->group, sizeof(fs->group), "utap_%d", (int)getpid());
}

/* Is ROOT a tracefs (its README is there)?  0, or -errno of the stat. */
static int is_tracefs(const char *root)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/README", root);
	return stat(path, &st) == 0 ? 0 : -errno;
}

static int find_root(char *out, size_t n)
{
	int rc = is_tracefs(TRACEFS_MOUNT);

	if (rc == 0 || rc == -EACCES) {
		snprintf(out, n, "%s", TRACEFS_MOUNT);
		return rc;
	}
	rc = is_tracefs(DEBUGFS_TRACING);
	if (rc == 0 || rc == -EACCES) {
		snprintf(out, n, "%s", DEBUGFS_TRACING);
		return rc;
	}
	return -ENOENT;
}

int tracefs_open(struct tracefs *fs, FILE *dry)
{
	char root[128], path[256];
	int rc;

	memset(fs, 0, sizeof(*fs));
	fs->dry = dry;
	rc = find_root(root, sizeof(root));
	if (dry) {
		fill_paths(fs, rc == -ENOENT ? TRACEFS_MOUNT : root);
		return 0;
	}
	if (rc == -ENOENT && geteuid() == 0) {
		/* Root without tracefs mounted: mount it where the kernel
		 * documents it (a mount point the kernel always provides). */
		if (mount("nodev", TRACEFS_MOUNT, "tracefs", 0, NULL) < 0) {
			log_error("--backend=uprobe: tracefs is not mounted and mounting it at %s "
				  "failed: %s\n      hint: mount -t tracefs nodev %s; %s",
				  TRACEFS_MOUNT, strerror(errno), TRACEFS_MOUNT, hint_ptrace);
			return -ENOENT;
		}
		log_printf("--backend=uprobe: mounted tracefs at %s", TRACEFS_MOUNT);
		rc = find_root(root, sizeof(root));
	}
	if (rc == -ENOENT) {
		log_error("--backend=uprobe: tracefs is not mounted (neither %s nor %s)\n"
			  "      hint: as root: mount -t tracefs nodev %s; %s",
			  TRACEFS_MOUNT, DEBUGFS_TRACING, TRACEFS_MOUNT, hint_ptrace);
		return rc;
	}
	if (rc == -EACCES) {
		log_error("--backend=uprobe: no permission to use %s (Permission denied)\n"
			  "      hint: run as root or be given tracefs rights (mount -o gid=...); %s",
			  root, hint_ptrace);
		return rc;
	}
	fill_paths(fs, root);
	snprintf(path, sizeof(path), "%s/uprobe_events", root);
	if (access(path, F_OK) < 0) {
		log_error("--backend=uprobe: this kernel has no %s: it was built without "
			  "CONFIG_UPROBE_EVENTS\n      hint: %s", path, hint_ptrace);
		return -ENOTSUP;
	}
	if (access(path, W_OK) < 0) {
		log_error("--backend=uprobe: no permission to write %s (%s)\n"
			  "      hint: run as root or be given tracefs rights; %s",
			  path, strerror(errno), hint_ptrace);
		return -EACCES;
	}
	return 0;
}

int tracefs_write_quiet(const char *path, const char *text, bool append)
{
	char line[8192];
	int fd, len, rc = 0;

	/* Never O_TRUNC: on uprobe_events that would delete every event on
	 * the machine, not only ours. */
	fd = open(path, O_WRONLY | O_CLOEXEC | (append ? O_APPEND : 0));
	if (fd < 0)
		return -errno;
	len = snprintf(line, sizeof(line), "%s\n", text);
	if (len < 0 || (size_t)len >= sizeof(line))
		rc = -E2BIG;
	else if (write(fd, line, (size_t)len) != len)
		rc = -errno;
	close(fd);
	return rc;
}

/* The kernel's own word on the last refused command, when it has one. */
static void last_error_log(const struct tracefs *fs, char *out, size_t n)
{
	char path[256], line[1024];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/error_log", fs->root);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *what = strstr(line, "error: ");

		if (what) {
			what[strcspn(what, "\n")] = '\0';
			snprintf(out, n, "%s", what + 7);
		}
	}
	fclose(f);
}

static int do_write(const struct tracefs *fs, const char *path, const char *text, bool append)
{
	char why[512], before[512];
	int rc;

	if (fs->dry) {
		fprintf(fs->dry, "  echo '%s' %s %s\n", text, append ? ">>" : ">", path);
		return 0;
	}
	/* error_log is the machine's: only a line our write added is ours */
	last_error_log(fs, before, sizeof(before));
	rc = tracefs_write_quiet(path, text, append);
	if (rc == 0)
		return 0;
	if (rc == -EACCES || rc == -EPERM) {
		log_error("--backend=uprobe: no permission to write %s\n      hint: %s", path,
			  hint_ptrace);
		return rc;
	}
	last_error_log(fs, why, sizeof(why));
	if (strcmp(why, before) == 0)
		why[0] = '\0';
	log_error("--backend=uprobe: the kernel refused '%s' in %s: %s%s%s", text, path,
		  strerror(-rc), why[0] ? "\n      kernel: " : "", why);
	return rc;
}

int tracefs_append(const struct tracefs *fs, const char *path, const char *text)
{
	return do_write(fs, path, text, true);
}

int tracefs_write(const struct tracefs *fs, const char *path, const char *text)
{
	return do_write(fs, path, text, false);
}

int tracefs_make_instance(struct tracefs *fs)
{
	if (fs->dry) {
		fprintf(fs->dry, "  mkdir %s\n", fs->instance);
		return 0;
	}
	if (mkdir(fs->instance, 0700) < 0) {
		int rc = -errno;

		log_error("--backend=uprobe: cannot make the tracefs instance %s: %s\n"
			  "      hint: %s", fs->instance, strerror(errno), hint_ptrace);
		return rc;
	}
	fs->made_instance = true;
	return 0;
}

void tracefs_remove_instance(struct tracefs *fs)
{
	if (fs->dry) {
		fprintf(fs->dry, "  rmdir %s\n", fs->instance);
		return;
	}
	if (!fs->made_instance)
		return;
	if (rmdir(fs->instance) < 0)
		log_error("--backend=uprobe: cannot remove the tracefs instance %s: %s",
			  fs->instance, strerror(errno));
	else
		fs->made_instance = false;
}
