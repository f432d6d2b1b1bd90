/* ticks.c: a script's timer probes inside the event loop: a POSIX timer's
 * signal interrupts the blocking waitpid when the next one is due. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "backend/ptrace/tracee.h"
#include "util/log.h"
#include "util/clock.h"

static volatile sig_atomic_t tick_signalled;

static void on_tick_signal(int sig)
{
	(void)sig;
	tick_signalled = 1; /* waitpid returns EINTR: the loop looks at the clock */
}

int loop_timer_create(int signo, void (*handler)(int), timer_t *timer)
{
	struct sigevent sev;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler; /* no SA_RESTART: waitpid returns */
	sigaction(signo, &sa, NULL);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_SIGNAL;
	sev.sigev_signo = signo;
	return timer_create(CLOCK_MONOTONIC, &sev, timer) < 0 ? -errno : 0;
}

/* The timer that interrupts waitpid, created when first needed. */
static int arm(struct tracer *t, uint64_t due)
{
	struct itimerspec its;

	if (!t->tick_timer_made) {
		if (loop_timer_create(SIGRTMIN + 1, on_tick_signal, &t->tick_timer) < 0) {
			log_error("timer probes: cannot create a timer: %s", strerror(errno));
			return -errno;
		}
		t->tick_timer_made = true;
	}
	memset(&its, 0, sizeof(its));
	its.it_value.tv_sec = (time_t)(due / 1000000000u);
	its.it_value.tv_nsec = (long)(due % 1000000000u);
	if (timer_settime(t->tick_timer, TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	t->tick_armed = due;
	return 0;
}

void ticks_run(struct tracer *t)
{
	const struct backend_hooks *h = t->hooks;
	uint64_t due, now;

	if (!h || !h->next_tick || !h->tick)
		return;
	tick_signalled = 0;
	due = h->next_tick(h->data);
	if (!due)
		return;
	now = clock_mono_ns();
	if (now >= due) {
		h->tick(h->data, now);
		due = h->next_tick(h->data);
		if (!due)
			return;
	}
	/* One timer_settime per new deadline, none per hit. */
	if (due != t->tick_armed)
		arm(t, due);
}

void ticks_stop(struct tracer *t)
{
	if (t->tick_timer_made)
		timer_delete(t->tick_timer);
	t->tick_timer_made = false;
}
