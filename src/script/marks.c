/* marks.c: a script's SDT markers, process("PATH").mark("NAME"): the file's markers
 * that match, each a probe whose $argN are read as the marker's notes say. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "script/session_priv.h"

/* $argN of marker MARK as a one-liner fetch into BUF: 0, or -EINVAL
 * with a message in BUF. */
int session_mark_arg(const struct sym_sdt *mark, const char *target, char *buf, size_t n)
{
	const char *p = mark->args;
	char *end;
	long k = strncmp(target, "$arg", 4) == 0 ? strtol(target + 4, &end, 10) : 0;

	if (k < 1 || *end) {
		snprintf(buf, n, "%s: a marker's context is $arg1 .. $argN, $$name, $$provider",
			 target);
		return -EINVAL;
	}
	for (long i = 1;; i++) {
		size_t len;

		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (!len) {
			snprintf(buf, n, "marker %s:%s has %ld argument%s, not %s", mark->provider,
				 mark->name, i - 1, i == 2 ? "" : "s", target);
			return -EINVAL;
		}
		if (i == k) {
			int rc = arch_sdt_arg(p, len, buf, n);

			if (rc < 0)
				snprintf(buf, n, "marker %s:%s: argument '%.*s' is not supported yet",
					 mark->provider, mark->name, (int)len, p);
			return rc < 0 ? -EINVAL : 0;
		}
		p += len;
	}
}

/* process("PATH").mark("NAME"): a probe at each marker of PATH whose name
 * matches, its $argN read as the marker's notes say. */
int session_add_mark_probes(struct session *ss, int p, const struct script_where *w,
			    const struct script_point *point)
{
	struct script_error err = {{0}};
	struct sym_module *sm;
	struct sym_sdt mark;
	char why[256], pp[512], abs[PATH_MAX];
	int found = 0, ret = 0;

	snprintf(err.file, sizeof(err.file), "%s", ss->s->file);
	err.line = point->pos.line;
	err.col = point->pos.col;
	if (sym_module_open(w->oneliner, w->oneliner, &sm, why, sizeof(why)) < 0) {
		snprintf(err.msg, sizeof(err.msg), "%.100s: %.120s", w->oneliner, why);
		session_report(&err, ss->s->source);
		return -EINVAL;
	}
	ss->marked = realloc(ss->marked, (size_t)(ss->nmarked + 1) * sizeof(*ss->marked));
	if (!ss->marked) {
		sym_module_close(sm);
		return -ENOMEM;
	}
	ss->marked[ss->nmarked++] = sm;
	for (size_t i = 0; ret == 0 && sym_sdt_at(sm, i, &mark) == 0; i++) {
		struct script_where at = *w;
		uint64_t off;

		if (fnmatch(w->mark, mark.name, 0) != 0)
			continue;
		found++;
		if (sym_vaddr_to_offset(sm, mark.vaddr, &off) < 0)
			continue;
		/* as SystemTap resolves it: the file's absolute path */
		snprintf(pp, sizeof(pp), "process(\"%.200s\").mark(\"%.100s\")",
			 realpath(w->oneliner, abs) ? abs : w->oneliner, mark.name);
		if (asprintf(&at.oneliner, "p %s:0x%llx", w->oneliner, (unsigned long long)off) < 0)
			return -ENOMEM;
		at.kind = POINT_CODE;
		/* the marker's strings live as long as SM, kept until the end */
		ret = session_add_code_probe(ss, p, &at, pp, point, false, &mark);
		/* a semaphore-guarded marker: the backend raises it while planted */
		if (ret == 0)
			ss->opts->probes[ss->opts->nprobes - 1].sdt_semaphore = mark.semaphore;
		free(at.oneliner);
	}
	if (ret == 0 && !found) {
		snprintf(err.msg, sizeof(err.msg), "no SDT marker '%.60s' in %.150s", w->mark,
			 w->oneliner);
		snprintf(err.hint, sizeof(err.hint), "readelf -n FILE lists its markers");
		session_report(&err, ss->s->source);
		return -EINVAL;
	}
	return ret;
}

