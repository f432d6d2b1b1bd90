/* stacks.c: a call chain of 8 frames across the executable, a linked and a dlopen()ed library; the leaf prints it. */
#define _GNU_SOURCE /* dladdr, in stacks.h */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stacks.h"

#ifndef ST_DLLIB
#define ST_DLLIB "libstacksdl.so"
#endif

/*
 * main -> st_exe1 -> st_lib2 (libstacks) -> st_exe3 (callback) -> st_dl4
 * (libstacksdl, dlopen()ed) -> st_dl5 -> st_lib6 (libstacks) -> st_leaf,
 * or in recursion mode st_lib6 -> st_rec x5 -> st_leaf. Every call's
 * result is used after it returns, so none is a tail call.
 */
PROBED int st_leaf(struct st_chain *c, int x)
{
	ST_ENTER(c);
	st_print(c, " ");
	ST_LEAVE(c);
	return x * 2;
}

PROBED int st_rec(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	if (--c->rec > 0)
		r = ST_CALL(c, st_rec(c, x + 1));
	else
		r = ST_CALL(c, st_leaf(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}

PROBED int st_exe3(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	r = ST_CALL(c, c->dl4(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}

PROBED int st_exe1(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	r = ST_CALL(c, st_lib2(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}

/* The dlopen()ed library's st_dl4, from the directory this program is in. */
static void *load_dl4(void)
{
	char exe[PATH_MAX], lib[PATH_MAX + 32];
	ssize_t len;
	void *handle, *dl4;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0) {
		perror("readlink /proc/self/exe");
		return NULL;
	}
	exe[len] = '\0';
	snprintf(lib, sizeof(lib), "%s/%s", dirname(exe), ST_DLLIB);
	handle = dlopen(lib, RTLD_NOW);
	if (!handle) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return NULL;
	}
	dl4 = dlsym(handle, "st_dl4");
	if (!dl4)
		fprintf(stderr, "dlsym st_dl4: %s\n", dlerror());
	/* Never dlclose()d: its frames stay nameable until exit (--folded). */
	return dl4;
}

/* usage: stacks [RUNS [rec]]: run the chain RUNS times (default 1). */
int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 1;
	int rec = argc > 2 && strcmp(argv[2], "rec") == 0;
	struct st_chain c = {
		.exe3 = st_exe3,
		.lib6 = st_lib6,
		.after6 = rec ? st_rec : st_leaf,
	};
	long sum = 0;
	int i, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	c.dl4 = (int (*)(struct st_chain *, int))load_dl4();
	if (!c.dl4)
		return 1;
	for (i = 0; i < runs; i++) {
		c.depth = 0;
		c.rec = 5;
		ST_ENTER(&c);
		r = ST_CALL(&c, st_exe1(&c, i));
		ST_LEAVE(&c);
		sum += r;
	}
	printf("result=%ld\n", sum);
	return 0;
}
