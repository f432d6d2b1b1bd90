/* floor.c: the bare ptrace breakpoint cycle, the floor any ptrace tracer pays per hit. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * usage: floor [--poll] [--expect N] FILEOFF -- PROG ARGS...
 *
 * Launches PROG under ptrace, plants one int3 at the instruction at file
 * offset FILEOFF of PROG's executable mapping, and on every hit does only
 * waitpid -> PTRACE_GETREGS -> rip = site + 4 (skip the endbr64 the site must
 * hold) -> PTRACE_SETREGS -> PTRACE_CONT. With --poll, waitpid is called with
 * WNOHANG in a loop instead of blocking. Prints on stderr the hit count and
 * the waitpid and ptrace calls made by the loop (no strace needed). Exits 1
 * if the hit count differs from --expect or PROG did not exit with status 0.
 */

#define ENDBR64_LEN 4
static const unsigned char endbr64[ENDBR64_LEN] = {0xf3, 0x0f, 0x1e, 0xfa};

struct floor_opts {
	int poll;
	long expect;
	unsigned long fileoff;
	char **argv;
};

/* Syscalls made on the hit path, to print per hit without strace's observer effect. */
struct floor_counts {
	long waits;
	long ptraces;
};

static struct floor_counts counts;

static void usage(void)
{
	fprintf(stderr, "usage: floor [--poll] [--expect N] FILEOFF -- PROG ARGS...\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct floor_opts *o)
{
	int i = 1;
	char *end;

	o->poll = 0;
	o->expect = -1;
	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--poll"))
			o->poll = 1;
		else if (!strcmp(argv[i], "--expect") && i + 1 < argc)
			o->expect = strtol(argv[++i], NULL, 0);
		else
			usage();
	}
	if (i + 2 >= argc || strcmp(argv[i + 1], "--"))
		usage();
	errno = 0;
	o->fileoff = strtoul(argv[i], &end, 0);
	if (errno || *end)
		usage();
	o->argv = argv + i + 2;
}

/* The address of FILEOFF in the executable mapping of PID's main program. */
static int site_address(pid_t pid, unsigned long fileoff, unsigned long *addr)
{
	char path[64], exe[PATH_MAX], line[PATH_MAX + 128];
	unsigned long start, end, off;
	char perms[8];
	int n, pos;
	ssize_t len;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	len = readlink(path, exe, sizeof(exe) - 1);
	if (len < 0)
		return -errno;
	exe[len] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		n = sscanf(line, "%lx-%lx %7s %lx %*s %*s %n", &start, &end, perms, &off, &pos);
		if (n < 4 || perms[2] != 'x')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line + pos, exe))
			continue;
		if (fileoff >= off && fileoff < off + (end - start)) {
			*addr = start + (fileoff - off);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -ENOENT;
}

/* Replace the first byte of the endbr64 at ADDR with int3. */
static int plant_int3(pid_t pid, unsigned long addr)
{
	unsigned long word;

	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, pid, (void *)addr, NULL);
	if (errno)
		return -errno;
	if (memcmp(&word, endbr64, ENDBR64_LEN)) {
		fprintf(stderr, "floor: no endbr64 at %#lx (build with -fcf-protection=full)\n",
			addr);
		return -EINVAL;
	}
	word = (word & ~0xffUL) | 0xcc;
	if (ptrace(PTRACE_POKETEXT, pid, (void *)addr, (void *)word))
		return -errno;
	return 0;
}

static pid_t launch(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "floor: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static pid_t wait_blocking(pid_t pid, int *status)
{
	pid_t r;

	do {
		counts.waits++;
		r = waitpid(pid, status, __WALL);
	} while (r < 0 && errno == EINTR);
	return r;
}

static pid_t wait_polling(pid_t pid, int *status)
{
	pid_t r;

	do {
		counts.waits++;
		r = waitpid(pid, status, __WALL | WNOHANG);
	} while (r == 0 || (r < 0 && errno == EINTR));
	return r;
}

/* The hit loop. Returns the number of hits, or -1 if the target was lost. */
static long trace_loop(pid_t pid, unsigned long site, int poll, int *exit_status)
{
	struct user_regs_struct regs;
	long hits = 0;
	int status, sig;

	for (;;) {
		if ((poll ? wait_polling(pid, &status) : wait_blocking(pid, &status)) < 0) {
			perror("floor: waitpid");
			return -1;
		}
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			*exit_status = status;
			return hits;
		}
		sig = WSTOPSIG(status);
		if (sig == SIGTRAP) {
			counts.ptraces++;
			if (ptrace(PTRACE_GETREGS, pid, NULL, &regs))
				return -1;
			if (regs.rip - 1 == site) {
				hits++;
				regs.rip = site + ENDBR64_LEN;
				counts.ptraces++;
				if (ptrace(PTRACE_SETREGS, pid, NULL, &regs))
					return -1;
			}
			sig = 0;
		}
		/* Any other signal is the target's: deliver it. */
		counts.ptraces++;
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig))
			return -1;
	}
}

int main(int argc, char **argv)
{
	struct floor_opts o;
	unsigned long site;
	int status, err, exit_status = 0;
	long hits;
	pid_t pid;

	parse_args(argc, argv, &o);
	pid = launch(o.argv);
	if (pid < 0) {
		perror("floor: fork");
		return 1;
	}
	/* The exec stop: the program is mapped, main not yet run. */
	if (wait_blocking(pid, &status) < 0 || !WIFSTOPPED(status)) {
		fprintf(stderr, "floor: %s did not start\n", o.argv[0]);
		return 1;
	}
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_EXITKILL);
	err = site_address(pid, o.fileoff, &site);
	if (!err)
		err = plant_int3(pid, site);
	if (err) {
		fprintf(stderr, "floor: cannot plant at offset %#lx: %s\n", o.fileoff,
			strerror(-err));
		kill(pid, SIGKILL);
		return 1;
	}
	if (ptrace(PTRACE_CONT, pid, NULL, NULL)) {
		perror("floor: PTRACE_CONT");
		return 1;
	}
	hits = trace_loop(pid, site, o.poll, &exit_status);
	fprintf(stderr, "floor: %ld hits, %ld waitpid + %ld ptrace calls in the loop\n", hits,
		counts.waits, counts.ptraces);
	if (hits < 0)
		return 1;
	if (!WIFEXITED(exit_status) || WEXITSTATUS(exit_status)) {
		fprintf(stderr, "floor: target did not exit cleanly (status %#x)\n", exit_status);
		return 1;
	}
	if (o.expect >= 0 && hits != o.expect) {
		fprintf(stderr, "floor: expected %ld hits, got %ld\n", o.expect, hits);
		return 1;
	}
	return 0;
}
