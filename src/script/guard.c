/* guard.c: the overload guard of a script's probes (SystemTap's STP_OVERLOAD, and
 * --max-rate): a probe that costs the program too much is taken off it. */
#include <stdio.h>
#include <string.h>

#include "backend/backend.h"
#include "script/session_priv.h"
#include "util/log.h"

/* Handlers may take at most this share of each second (SystemTap's
 * STP_OVERLOAD: 500 million of every 1000 million cycles). */
#define OVERLOAD_NS 500000000u

/* Stop script probe P, say so, let the program run on. */
void session_disable(struct session *ss, int p, const char *why)
{
	const char *pp = "?";

	ss->disabled[p] = true;
	for (size_t i = 0; i < ss->opts->nprobes; i++) {
		if (ss->probe_of[i] != p)
			continue;
		backend_disable_probe((int)i);
		if (!ss->saves_entry[i])
			pp = ss->pp_of[i];
	}
	fflush(ss->out);
	log_error("warning: probe %s disabled: %s; the program runs on", pp, why);
}

void session_new_window(struct session *ss, uint64_t now)
{
	ss->window = now;
	ss->handler_ns = 0;
	memset(ss->hits, 0, (size_t)ss->s->nprobes * sizeof(*ss->hits));
	memset(ss->probe_ns, 0, (size_t)ss->s->nprobes * sizeof(*ss->probe_ns));
}

/* After a handler of P that ran from T0 to T1: is any probe too costly? */
void session_account(struct session *ss, int p, uint64_t t0, uint64_t t1)
{
	int worst = p;
	char why[128];

	ss->handler_ns += t1 - t0;
	ss->probe_ns[p] += t1 - t0;
	if (ss->handler_ns <= OVERLOAD_NS)
		return;
	for (int i = 0; i < ss->s->nprobes; i++)
		if (!ss->disabled[i] && ss->probe_ns[i] > ss->probe_ns[worst])
			worst = i;
	snprintf(why, sizeof(why), "its handler took %llu ms of the last second (overload)",
		 (unsigned long long)(ss->probe_ns[worst] / 1000000u));
	session_disable(ss, worst, why);
	session_new_window(ss, t1);
}

