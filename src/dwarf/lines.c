/* lines.c: the probe-able lines of a source file, from the DWARF line table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dwarf/internal.h"

/* Whether line-table path PATH names FILE: the same path, or FILE is its
 * trailing components ("calls.c" and "targets/calls.c" match
 * "/src/targets/calls.c", "alls.c" does not). */
bool dwarf_file_matches(const char *path, const char *file)
{
	size_t plen = strlen(path), flen = strlen(file);

	if (flen > plen || strcmp(path + plen - flen, file) != 0)
		return false;
	return flen == plen || path[plen - flen - 1] == '/';
}

static int cmp_line(const void *pa, const void *pb)
{
	const struct dwarf_line *a = pa, *b = pb;
	int r = strcmp(a->file, b->file);

	if (r)
		return r;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* Add (SRC, LINE, ADDR) to the table, growing it. */
static int add_row(struct dwarf_line **rows, size_t *n, size_t *cap, const char *src, int line,
		   Dwarf_Addr addr)
{
	struct dwarf_line *r;

	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 256;

		r = realloc(*rows, c * sizeof(*r));
		if (!r)
			return -ENOMEM;
		*rows = r;
		*cap = c;
	}
	r = &(*rows)[*n];
	r->file = strdup(src);
	if (!r->file)
		return -ENOMEM;
	r->line = line;
	r->addr = addr;
	(*n)++;
	return 0;
}

int dwarf_lines_find(struct dwarf_module *dm, const char *file, struct dwarf_line **out, size_t *n)
{
	struct dwarf_line *rows = NULL;
	size_t nrows = 0, cap = 0, i, k, nlines;
	Dwarf_Off off = 0;
	Dwarf_Lines *lines;
	Dwarf_Line *l;
	Dwarf_Addr addr;
	const char *src;
	Dwarf_Die cu;
	bool stmt, end;
	int line, ret = 0;

	while (dwarf_units_next(dm, &off, &cu) > 0) {
		if (dwarf_getsrclines(&cu, &lines, &nlines) != 0)
			continue;
		for (i = 0; i < nlines; i++) {
			l = dwarf_onesrcline(lines, i);
			if (!l || dwarf_linebeginstatement(l, &stmt) != 0 || !stmt ||
			    dwarf_lineendsequence(l, &end) != 0 || end ||
			    dwarf_lineno(l, &line) != 0 || line <= 0 ||
			    dwarf_lineaddr(l, &addr) != 0)
				continue;
			src = dwarf_linesrc(l, NULL, NULL);
			if (!src || !dwarf_file_matches(src, file))
				continue;
			ret = add_row(&rows, &nrows, &cap, src, line, addr);
			if (ret < 0)
				goto fail;
		}
	}
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), cmp_line);
	/* One row per distinct (file, line): the lowest address, first after sorting. */
	for (i = 0, k = 0; i < nrows; i++) {
		if (k && rows[k - 1].line == rows[i].line &&
		    strcmp(rows[k - 1].file, rows[i].file) == 0) {
			free(rows[i].file);
			continue;
		}
		rows[k++] = rows[i];
	}
	*out = rows;
	*n = k;
	return 0;

fail:
	dwarf_lines_free(rows, nrows);
	return ret;
}

/* Whether the line table of CU names a file FILE matches. */
static bool cu_has_file(Dwarf_Die *cu, const char *file)
{
	Dwarf_Files *files;
	const char *src;
	size_t i, nfiles;

	if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0)
		return false;
	for (i = 0; i < nfiles; i++) {
		src = dwarf_filesrc(files, i, NULL, NULL);
		if (src && dwarf_file_matches(src, file))
			return true;
	}
	return false;
}

/* The rows are in address order.  Only is_stmt rows start or break a run:
 * a non-stmt row of another line is an instruction scheduled into the
 * statement, not a new statement, so it does not split the line. */
int dwarf_line_addrs(struct dwarf_module *dm, const char *file, int line, uint64_t **addrs,
		     size_t *n)
{
	struct dwarf_addrs set = {0};
	size_t i, nlines;
	Dwarf_Off off = 0;
	Dwarf_Lines *lines;
	Dwarf_Line *l;
	Dwarf_Addr addr;
	const char *src;
	Dwarf_Die cu;
	bool stmt, end, match, in_run, known = false;
	int r, lineno, ret;

	*addrs = NULL;
	*n = 0;
	while ((r = dwarf_units_next(dm, &off, &cu)) > 0) {
		if (!cu_has_file(&cu, file) || dwarf_getsrclines(&cu, &lines, &nlines) != 0)
			continue;
		known = true;
		in_run = false;
		for (i = 0; i < nlines; i++) {
			l = dwarf_onesrcline(lines, i);
			if (!l || dwarf_lineendsequence(l, &end) != 0 || end) {
				in_run = false;
				continue;
			}
			if (dwarf_linebeginstatement(l, &stmt) != 0 || !stmt)
				continue;
			src = dwarf_linesrc(l, NULL, NULL);
			match = src && dwarf_lineno(l, &lineno) == 0 && lineno == line &&
				dwarf_file_matches(src, file);
			if (match && !in_run && dwarf_lineaddr(l, &addr) == 0) {
				ret = dwarf_addrs_add(&set, addr);
				if (ret < 0)
					goto fail;
			}
			in_run = match;
		}
	}
	if (r < 0) {
		ret = -EIO;
		goto fail;
	}
	if (!known)
		return -ENOENT;
	dwarf_addrs_finish(&set, addrs, n);
	return 0;

fail:
	free(set.addrs);
	return ret;
}

void dwarf_lines_free(struct dwarf_line *lines, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(lines[i].file);
	free(lines);
}
