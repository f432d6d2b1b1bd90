/* signals.c: signals it sends itself during probed calls (SIGUSR1 K times, a SIGALRM storm, its own SIGTRAPs); prints what its handlers saw. */
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
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

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	if (on_signal(sig) == sig + 1000)
		alarms++;
}

/*
 * storm K: SIGALRM every 100us while the loop runs through probed code,
 * until K alarms were handled: signals land during step-overs. How many
 * calls that takes varies, so those counts go on a "~ " line (tests leave
 * such lines out when comparing runs).
 */
static int storm(int k)
{
	struct itimerval every = { { 0, 100 }, { 0, 100 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa;
	long calls = 0, bad = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &every, NULL);
	while (alarms < k) {
		if (sig_work((int)(calls & 0xffff)) != 3L * (calls & 0xffff) + 1)
			bad++;
		calls++;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	printf("~ storm calls=%ld alarms=%d\n", calls, (int)alarms);
	printf("storm alarms>=%d bad=%ld %s\n", k, bad, bad ? "BAD" : "ok");
	return bad ? 1 : 0;
}

static volatile sig_atomic_t traps;

static void on_trap(int sig)
{
	if (on_signal(sig) == sig + 1000)
		traps++;
}

/*
 * trap K: the program's own SIGTRAPs, K by raise() and K by its own int3,
 * between probed calls; a tracer must hand them over, not take them.
 */
static int own_traps(int k)
{
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_trap;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTRAP, &sa, NULL);
	for (i = 0; i < k; i++) {
		sig_work(i);
		raise(SIGTRAP);
		sig_work(i);
		asm volatile("int3");
	}
	printf("traps sent=%d handled=%d %s\n", 2 * k, (int)traps,
	       traps == 2 * k ? "ok" : "BAD");
	return traps == 2 * k ? 0 : 1;
}

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 10;
	struct sigaction sa;
	long sum = 0;
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && strcmp(argv[1], "storm") == 0)
		return storm(atoi(argv[2]));
	if (argc > 2 && strcmp(argv[1], "trap") == 0)
		return own_traps(atoi(argv[2]));
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
