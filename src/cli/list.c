/* list.c: -l/-L, list a binary's functions (-L: with variables) or lines, like stap -l/-L. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/list.h"
#include "dwarf/dwarf.h"
#include "proc/launch.h"
#include "sym/sym.h"
#include "util/log.h"

#define SUGGEST_MAX 5

/* One function to print: from DWARF (FUNC set) or the symbol table only. */
struct list_entry {
	const char *name;
	uint64_t addr;
	const struct dwarf_func *func;
};

/* What was asked: 'BIN:PATTERN' or 'BIN:FILE:LINES'. */
struct list_query {
	char *bin;     /* as written */
	char *pattern; /* function glob, or the file */
	char *lines;   /* line glob after FILE:, NULL for functions */
	char path[4096];
};

static int cmp_entry(const void *pa, const void *pb)
{
	const struct list_entry *a = pa, *b = pb;
	int r = strcmp(a->name, b->name);

	if (r)
		return r;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int parse_query(const char *text, struct list_query *q)
{
	char *colon, err[256];

	q->bin = strdup(text);
	if (!q->bin)
		return -ENOMEM;
	colon = strchr(q->bin, ':');
	if (!colon || colon == q->bin || !colon[1]) {
		log_error("-l/-L '%s': expected 'BIN:PATTERN' or 'BIN:FILE.c:*'\n"
			  "      hint: utap -l '/bin/ls:main'",
			  text);
		return -EINVAL;
	}
	*colon = '\0';
	q->pattern = colon + 1;
	colon = strchr(q->pattern, ':');
	if (colon) {
		*colon = '\0';
		q->lines = colon + 1;
		if (!*q->lines)
			q->lines = "*";
	}
	if (strchr(q->bin, '/')) {
		snprintf(q->path, sizeof(q->path), "%s", q->bin);
	} else if (proc_find_command(q->bin, q->path, sizeof(q->path), err, sizeof(err)) < 0) {
		log_error("%s: no such file, and no command of that name in PATH\n"
			  "      hint: give the path of the binary or library",
			  q->bin);
		return -ENOENT;
	}
	return 0;
}

/* "did you mean" for a pattern that matched nothing. */
static void no_match(const struct sym_module *mod, const struct list_query *q)
{
	const char *names[SUGGEST_MAX];
	char hint[512] = "";
	size_t used = 0;
	int i, n;

	n = sym_suggest(mod, q->pattern, names, SUGGEST_MAX);
	for (i = 0; i < n && used < sizeof(hint); i++)
		used += (size_t)snprintf(hint + used, sizeof(hint) - used, "%s%s", i ? ", " : "",
					 names[i]);
	if (n > 0)
		log_error("%s: no function matches '%s'\n      hint: did you mean %s?", q->bin,
			  q->pattern, hint);
	else
		log_error("%s: no function matches '%s'\n      hint: utap -l '%s:*' lists them all",
			  q->bin, q->pattern, q->bin);
}

static void print_entry(const struct sym_module *mod, const struct list_entry *e)
{
	const struct dwarf_func *f = e->func;
	uint64_t off;
	size_t i;

	printf("%s ", e->name);
	if (f && f->file)
		printf("%s:%d", f->file, f->line);
	else
		printf("?");
	if (f && f->inlined)
		printf(" (inlined)");
	else if (sym_vaddr_to_offset(mod, e->addr, &off) == 0)
		printf(" 0x%" PRIx64 " (file offset 0x%" PRIx64 ")", e->addr, off);
	else
		printf(" 0x%" PRIx64 " (file offset ?)", e->addr);
	printf("\n");
	for (i = 0; f && i < f->nvars; i++)
		printf("  %s %s: %s @ %s\n", f->vars[i].param ? "param" : "local", f->vars[i].name,
		       f->vars[i].type, f->vars[i].where);
}

/* The DWARF function at ADDR (an alias's name, e.g. "printf" for
 * "__printf", gets its file:line and variables), or NULL. */
static const struct dwarf_func *dwarf_at(const struct dwarf_func *funcs, size_t n, uint64_t addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!funcs[i].inlined && funcs[i].addr == addr)
			return &funcs[i];
	return NULL;
}

/* Functions from DWARF, then symbols DWARF does not name (aliases such as
 * printf for __printf, start-up code, assembly; everything when there is
 * no DWARF). */
static int list_funcs(const struct sym_module *mod, struct dwarf_module *dm,
		      const struct list_query *q, bool details)
{
	struct dwarf_func *funcs = NULL;
	struct list_entry *entries = NULL, *e;
	size_t nfuncs = 0, n = 0, cap, i, j;
	struct sym_symbol s;
	int ret;

	/* All of them: an alias that matches needs its target's file:line. */
	if (dm) {
		ret = dwarf_funcs_find(dm, "*", details, &funcs, &nfuncs);
		if (ret < 0) {
			log_error("%s: cannot read its DWARF: %s", q->bin, strerror(-ret));
			return 2;
		}
	}
	cap = nfuncs + 16;
	entries = malloc(cap * sizeof(*entries));
	if (!entries)
		goto nomem;
	for (i = 0; i < nfuncs; i++)
		if (fnmatch(q->pattern, funcs[i].name, 0) == 0)
			entries[n++] = (struct list_entry){funcs[i].name, funcs[i].addr, &funcs[i]};
	for (i = 0; sym_symbol_at(mod, i, &s) == 0; i++) {
		if (fnmatch(q->pattern, s.name, 0) != 0)
			continue;
		for (j = 0; j < n; j++)
			if (entries[j].addr == s.vaddr && strcmp(entries[j].name, s.name) == 0)
				break;
		if (j < n)
			continue;
		if (n == cap) {
			e = realloc(entries, 2 * cap * sizeof(*e));
			if (!e)
				goto nomem;
			entries = e;
			cap *= 2;
		}
		entries[n++] =
		    (struct list_entry){s.name, s.vaddr, dwarf_at(funcs, nfuncs, s.vaddr)};
	}
	if (!n) {
		no_match(mod, q);
		ret = 2;
		goto out;
	}
	qsort(entries, n, sizeof(*entries), cmp_entry);
	for (i = 0; i < n; i++)
		print_entry(mod, &entries[i]);
	ret = 0;
	goto out;

nomem:
	log_error("%s: out of memory", q->bin);
	ret = 2;
out:
	free(entries);
	dwarf_funcs_free(funcs, nfuncs);
	return ret;
}

static int list_lines(struct dwarf_module *dm, const struct list_query *q)
{
	struct dwarf_line *lines;
	char num[16];
	size_t n, i, shown = 0;
	const char *slash;
	int ret;

	ret = dwarf_lines_find(dm, q->pattern, &lines, &n);
	if (ret < 0) {
		log_error("%s: cannot read its line table: %s", q->bin, strerror(-ret));
		return 2;
	}
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%d", lines[i].line);
		if (fnmatch(q->lines, num, 0) != 0)
			continue;
		slash = strrchr(lines[i].file, '/');
		printf("%s:%d 0x%" PRIx64 "\n", slash ? slash + 1 : lines[i].file, lines[i].line,
		       lines[i].addr);
		shown++;
	}
	dwarf_lines_free(lines, n);
	if (shown)
		return 0;
	if (n)
		log_error("%s: no probe-able line of %s matches '%s'\n"
			  "      hint: utap -L '%s:%s:*' lists them all",
			  q->bin, q->pattern, q->lines, q->bin, q->pattern);
	else
		log_error("%s: the line table names no source file '%s'\n"
			  "      hint: give the file's name as compiled (file.c or dir/file.c)",
			  q->bin, q->pattern);
	return 2;
}

int list_run(const struct options *opts)
{
	struct list_query q = {0};
	struct sym_module *mod = NULL;
	struct dwarf_module *dm = NULL;
	char err[256];
	int ret;

	ret = parse_query(opts->list_pattern, &q);
	if (ret < 0) {
		free(q.bin);
		return 2;
	}
	if (sym_module_open(q.path, q.bin, &mod, err, sizeof(err)) < 0) {
		log_error("%s: %s\n      hint: -l/-L list an ELF executable or shared library",
			  q.bin, err);
		ret = 2;
		goto out;
	}
	ret = dwarf_module_open(q.path, &dm);
	if (ret == -ENODATA && (opts->list_details || q.lines)) {
		log_error(
		    "%s: no DWARF debug info (none in the file, no separate debuginfo found)\n"
		    "      hint: utap -l '%s:%s' still lists functions from the symbol table; "
		    "probe arguments as %%N or +OFF(%%reg):TYPE",
		    q.bin, q.bin, q.lines ? "*" : q.pattern);
		ret = 2;
		goto out;
	}
	if (ret < 0 && ret != -ENODATA)
		log_verbose("%s: DWARF not read (%s); listing from symbols", q.bin, strerror(-ret));
	if (q.lines)
		ret = list_lines(dm, &q);
	else
		ret = list_funcs(mod, dm, &q, opts->list_details);
out:
	dwarf_module_close(dm);
	if (mod)
		sym_module_close(mod);
	free(q.bin);
	return ret;
}
