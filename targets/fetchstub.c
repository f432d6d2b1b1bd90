/* fetchstub.c: handle(struct pointer, string, stack arguments) called the ways utap's fetch stub must survive (bad pointers, a signal storm, 40 threads, CPU moves, fork, exec, idle, attach, detach); prints every call's values as utap shows them. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probed.h"

struct item {
	int id;
	long qty;
	char label[16];
};

/* utap shows at most this many bytes of a string, then "... after the
 * closing quote; one tag in eleven is longer. */
#define SHOWN_MAX 256
#define LONG_TAG 300
#define TAG_SIZE (LONG_TAG + 1)

/*
 * The probed function: seven scalar arguments feed the result, so a
 * register the stub failed to restore changes it; the struct and the string
 * are only fetched by utap (they may be bad pointers).
 */
/* The two pointer arguments folded into the result (never read through:
 * they may be bad), so a stub that swapped or lost them shows. */
static long pointers(const struct item *r, const char *tag)
{
	return (long)((uintptr_t)r * 0x9e3779b97f4a7c15ull ^ (uintptr_t)tag);
}

PROBED long handle(const struct item *r, const char *tag, int seq, int thread, long a4, long a5,
		   long s6, long s7)
{
	long sum = 3L * seq + thread - a4 + (a5 ^ s6) + 7 * s7;

	return sum ^ pointers(r, tag); /* LINE-STUB: a statement site */
}

static long expected(int seq, int thread, long a4, long a5, long s6, long s7)
{
	return 3L * seq + thread - a4 + (a5 ^ s6) + 7 * s7;
}

/* Decimal V at P, no NUL; returns the end. Signal handlers fill items
 * too, so no stdio here. */
static char *put_int(char *p, long v)
{
	char digits[24];
	int n = 0;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;

	if (v < 0)
		*p++ = '-';
	do {
		digits[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (n)
		*p++ = digits[--n];
	return p;
}

/* The values of call I of thread T: every member changes from call to call. */
static void fill(struct item *it, char *tag, int t, int i)
{
	char *p;

	it->id = (t * 100000 + i * 7 - 3) * (i % 3 == 1 ? -1 : 1);
	it->qty = -5000000000L * i + 11L * t;
	p = it->label;
	*p++ = 'L';
	p = put_int(p, t);
	*p++ = '.';
	p = put_int(p, i);
	*p = '\0';
	if (i % 7 == 3) {
		tag[0] = '\0';
	} else if (i % 11 == 5) {
		memset(tag, 'a' + i % 26, LONG_TAG);
		tag[LONG_TAG] = '\0';
	} else {
		p = tag;
		memcpy(p, "tag-", 4);
		p = put_int(p + 4, t);
		*p++ = '-';
		p = put_int(p, i);
		memset(p, 'x', i % 5);
		p[i % 5] = '\0';
	}
}

static long a4_of(int i) { return (long)i * i; }
static long a5_of(int i) { return -i; }
static long s6_of(int t, int i) { return -600L - i - 1000L * t; }
static long s7_of(int i) { return 700L + 3L * i; }

/* One call with the values of (T, I), SEQ as the seq argument; 0 when the
 * result is right. */
static int call(const struct item *it, const char *tag, int seq, int t, int i)
{
	long ret = handle(it, tag, seq, t, a4_of(i), a5_of(i), s6_of(t, i), s7_of(i));

	return ret != (expected(seq, t, a4_of(i), a5_of(i), s6_of(t, i), s7_of(i)) ^
		       pointers(it, tag));
}

/* TAG as utap prints a char *: quoted, cut after SHOWN_MAX bytes. */
static void show_tag(char *out, size_t n, const char *tag)
{
	size_t len = strlen(tag);

	if (len >= SHOWN_MAX)
		snprintf(out, n, "\"%.*s\"...", SHOWN_MAX, tag);
	else
		snprintf(out, n, "\"%s\"", tag);
}

/* The line for one call, keys in the order of the test's probe:
 * t i id qty label tag s6 s7, then the result and who made it. Strings
 * given as utap shows them ("(fault)" where the target knows the memory
 * is unreadable). */
static void print_call(const char *prefix, int seq, int t, int i, const char *id,
		       const char *qty, const char *label, const char *tag)
{
	printf("%scall t=%d i=%d id=%s qty=%s label=%s tag=%s s6=%ld s7=%ld ret=%ld pid=%d\n",
	       prefix, t, seq, id, qty, label, tag, s6_of(t, i), s7_of(i),
	       expected(seq, t, a4_of(i), a5_of(i), s6_of(t, i), s7_of(i)), (int)getpid());
}

/* The line of a call made with fill(T, I)'s values. */
static void print_filled(const char *prefix, int seq, int t, int i)
{
	struct item it;
	char tag[TAG_SIZE], id[24], qty[24], label[24], shown[TAG_SIZE + 8];

	fill(&it, tag, t, i);
	snprintf(id, sizeof(id), "%d", it.id);
	snprintf(qty, sizeof(qty), "%ld", it.qty);
	snprintf(label, sizeof(label), "\"%s\"", it.label);
	show_tag(shown, sizeof(shown), tag);
	print_call(prefix, seq, t, i, id, qty, label, shown);
}

/* Calls 0..N-1 of thread T, one struct and one tag buffer rewritten for
 * each (a copy made at the wrong time shows another call's values). */
static int calls(int t, int first, int n)
{
	static struct item it;
	static char tag[TAG_SIZE];
	int i, bad = 0;

	for (i = first; i < first + n; i++) {
		fill(&it, tag, t, i);
		bad += call(&it, tag, i, t, i);
		print_filled("", i, t, i);
	}
	return bad;
}

/* calls N [move]: N calls; with move, to the next CPU every 4 calls. */
static int run_calls(int n, int move)
{
	static struct item it;
	static char tag[TAG_SIZE];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int i, bad = 0, moved = 0, moves = 0;

	for (i = 0; i < n; i++) {
		if (move && i % 4 == 0 && ncpu > 1) {
			cpu_set_t set;
			int cpu = (i / 4) % ncpu;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			moves++;
			if (sched_setaffinity(0, sizeof(set), &set) == 0 && sched_getcpu() == cpu)
				moved++;
		}
		fill(&it, tag, 0, i);
		bad += call(&it, tag, i, 0, i);
		print_filled("", i, 0, i);
	}
	if (move)
		printf("moves %s\n", moves && moved == moves ? "ok" : "FAILED");
	printf("done calls=%d bad=%d\n", n, bad);
	return bad != 0;
}

/* ---- bad pointers ---------------------------------------------------------- */

static volatile sig_atomic_t segvs;
static sigjmp_buf recover;

static void on_segv(int sig)
{
	segvs++;
	siglongjmp(recover, 1);
}

/* A page-sized mapping followed by nothing: the page after it unmapped. */
static char *page_before_hole(long page)
{
	char *two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	if (two == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	munmap(two + page, page);
	return two;
}

/* One call of the fault table; the target never reads the bad memory. */
static int fault_call(int i, const struct item *r, const char *tag, const char *id,
		      const char *qty, const char *label, const char *shown)
{
	volatile int bad = 0; /* kept across a siglongjmp */

	if (sigsetjmp(recover, 1) == 0)
		bad = call(r, tag, i, 0, i);
	print_call("", i, 0, i, id, qty, label, shown);
	return bad;
}

static int run_faults(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *hole = page_before_hole(page);	/* hole + page is unmapped */
	char *gone = page_before_hole(page);	/* both pages unmapped below */
	struct item good, *edge;
	char tag[TAG_SIZE], shown[TAG_SIZE + 8], id[24];
	int bad = 0, i = 0;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	munmap(gone, page);

	fill(&good, tag, 0, 0);
	show_tag(shown, sizeof(shown), tag);
	/* A NULL struct pointer, then one into an unmapped page. */
	bad += fault_call(i++, NULL, tag, "(fault)", "(fault)", "(fault)", shown);
	bad += fault_call(i++, (struct item *)(gone + 64), tag, "(fault)", "(fault)", "(fault)",
			  shown);
	/* A struct whose id is the last word of a page: id readable, the rest not. */
	edge = (struct item *)(hole + page - sizeof(long));
	edge->id = -4242;
	snprintf(id, sizeof(id), "%d", edge->id);
	bad += fault_call(i++, edge, tag, id, "(fault)", "(fault)", shown);
	/* Strings: NULL, unmapped, and one running into the unmapped page
	 * (utap shows the part it could read, without a cut mark). */
	bad += fault_call(i++, &good, NULL, "-3", "0", "\"L0.0\"", "(fault)");
	bad += fault_call(i++, &good, gone + 8, "-3", "0", "\"L0.0\"", "(fault)");
	memcpy(hole + page - 5, "edge!", 5);
	bad += fault_call(i++, &good, hole + page - 5, "-3", "0", "\"L0.0\"", "\"edge!\"");
	/* And a good call after them all. */
	bad += fault_call(i++, &good, tag, "-3", "0", "\"L0.0\"", shown);
	printf("faults calls=%d bad=%d segv=%d %s\n", i, bad, (int)segvs,
	       bad || segvs ? "BAD" : "ok");
	return bad || segvs;
}

/* ---- a signal storm -------------------------------------------------------- */

#define MAX_RECORDS 8192

static volatile sig_atomic_t alarms, usr1s, records;
static struct {
	int sig, index, bad;
} record[MAX_RECORDS];

/* Both signals' handler (each blocks the other: no nesting, so the
 * record order is the call order). Signal SIG's Nth call uses t=SIG, i=N. */
static void on_tick(int sig)
{
	static struct item it;
	static char tag[TAG_SIZE];
	int n = sig == SIGALRM ? alarms : usr1s;
	int bad;

	fill(&it, tag, sig, n);
	bad = call(&it, tag, n, sig, n);
	if (records < MAX_RECORDS)
		record[records] = (typeof(record[0])){ sig, n, bad };
	records++;
	if (sig == SIGALRM)
		alarms++;
	else
		usr1s++;
}

/* storm K: SIGALRM from setitimer and SIGUSR1 from a POSIX timer, each
 * every ~100 us, while the loop calls handle(); until K of each were handled. */
static int run_storm(int k)
{
	struct itimerval every = { { 0, 100 }, { 0, 100 } }, off = { { 0, 0 }, { 0, 0 } };
	struct itimerspec tick = { { 0, 130000 }, { 0, 130000 } }, stop = { { 0, 0 }, { 0, 0 } };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	static struct item it;
	static char tag[TAG_SIZE];
	struct sigaction sa;
	timer_t timer;
	int i = 0, bad = 0, r;
	volatile int spin;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_tick;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGALRM);
	sigaddset(&sa.sa_mask, SIGUSR1);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer)) {
		perror("timer_create");
		return 1;
	}
	timer_settime(timer, 0, &tick, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	while ((alarms < k || usr1s < k) && i < 1000000) {
		fill(&it, tag, 0, i);
		bad += call(&it, tag, i, 0, i);
		i++;
		/* A little work between calls: fewer lines, as many signals. */
		for (spin = 0; spin < 20000; spin++)
			;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	timer_settime(timer, 0, &stop, NULL);
	timer_delete(timer);
	/* How many calls and signals varies from run to run: "~ " lines. */
	printf("~ storm calls=%d alarms=%d usr1=%d records=%d\n", i, (int)alarms, (int)usr1s,
	       (int)records);
	for (r = 0; r < i; r++)
		print_filled("~ ", r, 0, r);
	for (r = 0; r < records && r < MAX_RECORDS; r++) {
		print_filled("~ ", record[r].index, record[r].sig, record[r].index);
		bad += record[r].bad;
	}
	bad += records > MAX_RECORDS;
	printf("storm alarms>=%d usr1>=%d bad=%d %s\n", k, k, bad, bad ? "BAD" : "ok");
	return bad != 0;
}

/* ---- threads --------------------------------------------------------------- */

#define MAX_THREADS 64

struct worker {
	pthread_t id;
	int thread, calls, bad;
};

static pthread_barrier_t start;

static void *work(void *arg)
{
	struct worker *w = arg;
	struct item it;
	char tag[TAG_SIZE];
	int i;

	/* All start together: more threads inside handle() than slots. */
	pthread_barrier_wait(&start);
	for (i = 0; i < w->calls; i++) {
		fill(&it, tag, w->thread, i);
		w->bad += call(&it, tag, i, w->thread, i);
	}
	return NULL;
}

/* threads T N: T threads, N calls each; lines printed after the joins. */
static int run_threads(int nthreads, int n)
{
	struct worker w[MAX_THREADS];
	int t, i, bad = 0;

	if (nthreads < 1 || nthreads > MAX_THREADS)
		return 2;
	pthread_barrier_init(&start, NULL, nthreads);
	for (t = 0; t < nthreads; t++) {
		w[t] = (struct worker){ .thread = t + 1, .calls = n };
		if (pthread_create(&w[t].id, NULL, work, &w[t])) {
			perror("pthread_create");
			return 1;
		}
	}
	for (t = 0; t < nthreads; t++)
		pthread_join(w[t].id, NULL);
	for (t = 0; t < nthreads; t++) {
		for (i = 0; i < n; i++)
			print_filled("", i, w[t].thread, i);
		bad += w[t].bad;
	}
	printf("threads=%d calls=%d bad=%d\n", nthreads, n, bad);
	return bad != 0;
}

/* ---- fork, exec ------------------------------------------------------------ */

/* Mappings of this process whose line contains WHAT. */
static int maps_with(const char *what)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

/* fork N: N calls (t=0), a child makes N (t=1), the parent N more. */
static int run_fork(int n)
{
	int bad = calls(0, 0, n), status;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0) {
		bad = calls(1, 0, n);
		/* Traced with -f the child may hold utap's mapping: "~ " line. */
		printf("~ child fetch-maps=%d\n", maps_with("utap-fetch"));
		printf("child calls=%d bad=%d\n", n, bad);
		_exit(bad != 0);
	}
	waitpid(pid, &status, 0);
	printf("child exited=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128);
	bad += calls(0, n, n);
	printf("parent calls=%d bad=%d\n", 2 * n, bad);
	return bad != 0 || status != 0;
}

/* exec N: N calls (t=0), then this program again as "execd N" (t=1). */
static int run_exec(int n)
{
	int bad = calls(0, 0, n);
	char count[16], self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	printf("before exec calls=%d bad=%d\n", n, bad);
	if (bad || len < 0)
		return 1;
	self[len] = '\0'; /* by its own name, so its comm stays fetchstub */
	snprintf(count, sizeof(count), "%d", n);
	execl(self, self, "execd", count, (char *)NULL);
	perror("execl");
	return 1;
}

/* ---- idle, attach, detach ------------------------------------------------ */

/* Wait up to SECS for SIGUSR2 (blocked by the caller); 0 when it came. */
static int wait_usr2(int secs)
{
	struct timespec limit = { secs, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	while (sigtimedwait(&set, NULL, &limit) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static void block_usr2(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* idle SECS: one call, a marker, then asleep SECS seconds (or until SIGUSR2). */
static int run_idle(int secs)
{
	int bad;

	block_usr2();
	bad = calls(0, 0, 1);
	printf("idle pid=%d\n", (int)getpid());
	wait_usr2(secs);
	printf("woke bad=%d\n", bad);
	return bad != 0;
}

/* wait N: ready, then N calls once SIGUSR2 comes (30 s at most). */
static int run_wait(int n)
{
	int bad;

	block_usr2();
	printf("ready pid=%d\n", (int)getpid());
	if (wait_usr2(30)) {
		printf("no SIGUSR2\n");
		return 3;
	}
	bad = calls(0, 0, n);
	printf("done calls=%d bad=%d\n", n, bad);
	return bad != 0;
}

static volatile sig_atomic_t stop_long;

static void on_stop(int sig)
{
	stop_long = 1;
}

/*
 * long: calls until SIGUSR2 or SIGTERM, in bursts of 16 with a 1 ms nap
 * between, every call printed. Call I has the values of call I % 64, so a
 * few dozen hits show every line the run can make.
 */
static int run_long(void)
{
	static struct item it;
	static char tag[TAG_SIZE];
	struct timespec nap = { 0, 1000 * 1000 };
	struct sigaction sa;
	int i, bad = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; !stop_long && i < 2000000; i++) {
		fill(&it, tag, 0, i % 64);
		bad += call(&it, tag, i, 0, i % 64);
		print_filled("", i, 0, i % 64);
		if (i % 16 == 15)
			nanosleep(&nap, NULL);
	}
	printf("done calls=%d bad=%d %s\n", i, bad, bad ? "BAD" : "ok");
	return bad != 0;
}

/* A seccomp filter as a locked-down service has one: memfd_create kills the
 * process, so a tracer that injected it would be seen at once. */
static int run_seccomp(int n)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_memfd_create, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(code) / sizeof(code[0]), code};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("fetchstub: seccomp");
		return 1;
	}
	printf("~ seccomp filter on\n");
	return run_calls(n, 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "calls";
	int n = argc > 2 ? atoi(argv[2]) : 8;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "layout") == 0) {
		printf("id=%zu qty=%zu label=%zu\n", offsetof(struct item, id),
		       offsetof(struct item, qty), offsetof(struct item, label));
		return 0;
	}
	if (strcmp(mode, "calls") == 0)
		return run_calls(n, argc > 3 && strcmp(argv[3], "move") == 0);
	if (strcmp(mode, "faults") == 0)
		return run_faults();
	if (strcmp(mode, "storm") == 0)
		return run_storm(n);
	if (strcmp(mode, "threads") == 0)
		return run_threads(n, argc > 3 ? atoi(argv[3]) : 10);
	if (strcmp(mode, "fork") == 0)
		return run_fork(n);
	if (strcmp(mode, "exec") == 0)
		return run_exec(n);
	if (strcmp(mode, "execd") == 0) {
		int bad = calls(1, 0, n);

		printf("after exec calls=%d bad=%d\n", n, bad);
		return bad != 0;
	}
	if (strcmp(mode, "idle") == 0)
		return run_idle(n);
	if (strcmp(mode, "wait") == 0)
		return run_wait(n);
	if (strcmp(mode, "long") == 0)
		return run_long();
	if (strcmp(mode, "seccomp") == 0)
		return run_seccomp(n);
	fprintf(stderr, "usage: fetchstub calls|faults|storm|threads|fork|exec|idle|wait|long|seccomp N\n");
	return 2;
}
