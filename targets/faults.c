/* faults.c: a probed function whose first instruction faults; the SIGSEGV
 * handler prints where the fault happened, which must be the function's
 * own address traced or not (never utap's out-of-line copy). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <ucontext.h>

#include "probed.h"

/* The load is the first instruction, whatever the compiler does. */
asm(".text\n"
    ".globl fault_load\n"
    ".type fault_load, @function\n"
    "fault_load:\n"
    "	movl (%rdi), %eax\n"
    "	ret\n"
    ".size fault_load, .-fault_load\n");
int fault_load(const int *p);

static sigjmp_buf env;
static volatile long fault_off;

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	fault_off = (long)uc->uc_mcontext.gregs[REG_RIP] - (long)fault_load;
	siglongjmp(env, 1);
}

int main(int argc, char **argv)
{
	struct sigaction sa = {0};
	int rounds = argc > 1 ? atoi(argv[1]) : 4;

	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < rounds; i++) {
		int x = 100 + i;

		if (sigsetjmp(env, 1) == 0)
			printf("load i=%d ret=%d\n", i, fault_load(i % 2 ? &x : NULL));
		else
			printf("fault i=%d at fault_load%+ld\n", i, fault_off);
	}
	return 0;
}
