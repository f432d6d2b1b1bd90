/* signals.c: a loop calls sig_work() and sends itself SIGUSR1 K times; the handler (which calls a probed function too) must run exactly K times. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probed.h"

static volatile sig_atomic_t handled;

PROBED long on_signal(int sig)
{
	return sig + 1000;
}

PROBED long sig_work(int i)
{
	return 3L * i + 1;
}

static void handler(int sig)
{
	if (on_signal(sig) == sig + 1000)
		handled++;
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 10;
	struct sigaction sa;
	long sum = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	for (i = 0; i < k; i++) {
		sum += sig_work(i);
		/* Both ways a process signals itself. */
		if (i % 2)
			kill(getpid(), SIGUSR1);
		else
			raise(SIGUSR1);
		printf("sent=%d handled=%d\n", i + 1, (int)handled);
	}
	printf("signals sent=%d handled=%d sum=%ld %s\n", k, (int)handled, sum,
	       handled == k ? "ok" : "BAD");
	return handled == k ? 0 : 1;
}
