/* leaks.c: leaks, keeps and misuses memory in known ways and prints its own
 * truth, for `utap leaks` to match exactly:
 *   truth SCENARIO CLASS BLOCKS BYTES   blocks the function SCENARIO allocated
 *                                       and left in that state
 *   truth total CLASS BLOCKS BYTES      all of the program's own, per class
 *   truth double_free 0xADDR SIZE       freed twice, once
 *   truth invalid_free 0xADDR           a stack address given to free()
 * With "wait" it first allocates blocks, prints "ready pid=N" and waits for
 * SIGUSR1 (utap attaches meanwhile), then frees some of those "old" blocks
 * and goes on as without it.  With "clean" it frees everything it can and
 * does nothing wrong (for attach tests that must report no error); with
 * "leaks-only" it leaks but frees nothing wrongly (any allocator). */
#define _GNU_SOURCE
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

struct node {
	struct node *next;
	char payload[24];
};

/* Written and never read: volatile, so that no compiler drops the stores. */
void *volatile g_kept[2];    /* still reachable through this global */
char *volatile g_interior;   /* points 16 bytes into a block: possibly lost */
static void *g_old[10];    /* allocated before an attach */
static volatile int g_go;
static void *volatile g_sink; /* stores the compiler cannot drop */

static unsigned long total[4][2]; /* per class: blocks, bytes */
enum { DEFINITE, INDIRECT, POSSIBLE, REACHABLE };
static const char *const class_name[] = {"definitely", "indirectly", "possibly", "reachable"};

static void truth(const char *scenario, int cls, unsigned long blocks, unsigned long bytes)
{
	printf("truth %s %s %lu %lu\n", scenario, class_name[cls], blocks, bytes);
	total[cls][0] += blocks;
	total[cls][1] += bytes;
}

/* Use a block so that no compiler drops the allocation. */
static void touch(void *p, size_t n)
{
	memset(p, 0x5a, n);
	g_sink = p;
	g_sink = NULL;
}

NOINLINE static void leak_direct(void)
{
	void *a = malloc(100), *b = calloc(5, 40), *c = aligned_alloc(64, 320);

	touch(a, 100);
	touch(b, 200);
	touch(c, 320);
	truth("leak_direct", DEFINITE, 3, 620);
}

NOINLINE static void leak_list(void)
{
	struct node *head = NULL;

	for (int i = 0; i < 5; i++) {
		struct node *n = malloc(sizeof(*n));

		touch(n->payload, sizeof(n->payload));
		n->next = head;
		head = n;
	}
	g_sink = head;
	g_sink = NULL;
	truth("leak_list", DEFINITE, 1, sizeof(struct node));
	truth("leak_list", INDIRECT, 4, 4 * sizeof(struct node));
}

NOINLINE static void keep_global(void)
{
	g_kept[0] = malloc(64);
	g_kept[1] = aligned_alloc(16, 48);
	touch(g_kept[0], 64);
	touch(g_kept[1], 48);
	truth("keep_global", REACHABLE, 2, 112);
}

NOINLINE static void keep_interior(void)
{
	char *p = malloc(80);

	touch(p, 80);
	g_interior = p + 16;
	truth("keep_interior", POSSIBLE, 1, 80);
}

static void *thread_body(void *arg)
{
	void *p = malloc(256);

	touch(p, 256);
	return NULL;
}

NOINLINE static void lose_in_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_body, NULL) == 0)
		pthread_join(t, NULL);
	truth("thread_body", DEFINITE, 1, 256);
}

NOINLINE static void lose_realloc(void)
{
	char *p = malloc(10);

	touch(p, 10);
	p = realloc(p, 2000);
	touch(p, 2000);
	truth("lose_realloc", DEFINITE, 1, 2000);
}

static int g_portable; /* only C11/POSIX functions: jemalloc and tcmalloc lack some of glibc's */

/* Every allocator function, each block freed: nothing to report. */
NOINLINE static void use_well(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		void *a = malloc(16 + i % 64), *b = calloc(3, 8), *c = realloc(NULL, 40), *d = NULL;
		void *h = aligned_alloc(32, 64), *e = NULL, *f = NULL, *g = NULL, *k = NULL;

		if (!g_portable) {
			e = reallocarray(NULL, 4, 10);
			f = valloc(100);
			g = pvalloc(100);
			k = memalign(128, 10);
			e = reallocarray(e, 8, 10);
		}
		if (posix_memalign(&d, 64, 200) != 0)
			d = NULL;
		c = realloc(c, 4000);
		touch(a, 16);
		free(a);
		free(b);
		free(c);
		free(d);
		free(e);
		free(f);
		free(g);
		free(h);
		free(k);
		free(NULL);
	}
}

/* One double free that glibc lets through: fill the thread's cache of
 * 32-byte chunks so the next frees go to a fast bin, which checks only
 * that a chunk is not freed twice in a row. */
NOINLINE static void double_free_once(void)
{
	void *volatile a[9];

	for (int i = 0; i < 9; i++)
		a[i] = malloc(24);
	for (int i = 0; i < 7; i++)
		free(a[i]);
	free(a[7]);
	free(a[8]);
	printf("truth double_free %p 24\n", a[7]);
	fflush(stdout);
	free(a[7]);
	g_sink = NULL; /* no tail call: this function is on free's stack */
}

/* free() of a stack address, which glibc takes without complaint when it
 * looks like a small chunk followed by another: it lands in a bin nobody
 * allocates from again (this program exits right after). */
NOINLINE static void invalid_free_once(size_t *fake)
{
	void *volatile p = &fake[2];

	fake[1] = 0x41; /* a 64-byte chunk, previous in use */
	fake[3] = 0;
	fake[9] = 0x41; /* and the next one's size, for glibc's checks */
	printf("truth invalid_free %p\n", (void *)&fake[2]);
	fflush(stdout);
	free(p);
	g_sink = NULL;
}

/* Zero the stack below us, so that no stale copy of a lost pointer left
 * by an earlier call looks like a reference. */
NOINLINE static void scrub_stack(void)
{
	volatile char buf[64 * 1024];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = 0;
}

static void on_usr1(int sig)
{
	g_go = 1;
}

int main(int argc, char **argv)
{
	_Alignas(16) size_t fake[16] = {0};
	int wait = argc > 1 && strcmp(argv[1], "wait") == 0;
	int clean = argc > 1 && strcmp(argv[1], "clean") == 0;
	/* "leaks-only": no double or invalid free, whose survival depends on
	 * glibc's allocator (for runs under jemalloc or tcmalloc) */
	int leaks_only = argc > 1 && strcmp(argv[1], "leaks-only") == 0;

	g_portable = leaks_only;

	if (wait || clean) {
		signal(SIGUSR1, on_usr1);
		for (int i = 0; i < 10; i++) {
			g_old[i] = malloc(1000 + (size_t)i);
			touch(g_old[i], 1000);
		}
		printf("truth old %d %d\n", 10, 10 * 1000 + 45);
		printf("ready pid=%d\n", (int)getpid());
		fflush(stdout);
		while (!g_go)
			usleep(1000);
		for (int i = 0; i < 5; i++) /* blocks of unknown origin to utap */
			free(g_old[i]);
	}
	use_well(50);
	if (clean) {
		printf("clean done\n");
		return 0;
	}
	leak_direct();
	leak_list();
	keep_global();
	keep_interior();
	lose_in_thread();
	lose_realloc();
	use_well(50);
	for (int c = 0; c < 4; c++)
		printf("truth total %s %lu %lu\n", class_name[c], total[c][0], total[c][1]);
	fflush(stdout);
	scrub_stack();
	if (leaks_only)
		return 0;
	double_free_once();
	invalid_free_once(fake);
	exit(0); /* from main, so FAKE's frame lives on */
}
