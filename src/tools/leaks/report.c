/* report.c: the leak report: live blocks grouped by allocation stack and
 * class, biggest first, and the summary per class, as text or JSON. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "tools/leaks/internal.h"
#include "util/clock.h"
#include "util/log.h"

static const char *const class_names[LEAK_NCLASSES] = {
	[LEAK_DEFINITE] = "definitely lost",
	[LEAK_INDIRECT] = "indirectly lost",
	[LEAK_POSSIBLE] = "possibly lost",
	[LEAK_REACHABLE] = "still reachable",
	[LEAK_UNSCANNED] = "not classified",
};

struct record {
	uint8_t cls;
	uint8_t fn;
	uint32_t stack;
	uint64_t bytes, blocks;
};

void leak_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void leak_print_stack(struct leaks *lk, uint32_t id, const char *indent)
{
	uint32_t n = leak_stacks_depth(&lk->stacks, id);

	if (!n)
		fprintf(lk->out, "%s(no stack)\n", indent);
	for (uint32_t i = 0; i < n; i++) {
		const struct leak_frame *f = leak_stacks_frame(&lk->stacks, id, i);

		fprintf(lk->out, "%s#%u %s\n", indent, i, f->text ? f->text : "?");
	}
}

void leak_json_stack(struct leaks *lk, uint32_t id)
{
	uint32_t n = leak_stacks_depth(&lk->stacks, id);

	fputc('[', lk->out);
	for (uint32_t i = 0; i < n; i++) {
		const struct leak_frame *f = leak_stacks_frame(&lk->stacks, id, i);

		fprintf(lk->out, "%s{\"addr\":\"0x%" PRIx64 "\",\"sym\":", i ? "," : "", f->addr);
		if (f->sym)
			leak_json_string(lk->out, f->sym);
		else
			fputs("null", lk->out);
		fprintf(lk->out, ",\"off\":%" PRIu64 ",\"module\":", f->off);
		if (f->module)
			leak_json_string(lk->out, f->module);
		else
			fputs("null", lk->out);
		if (f->file) {
			fputs(",\"file\":", lk->out);
			leak_json_string(lk->out, f->file);
			fprintf(lk->out, ",\"line\":%d", f->line);
		}
		fputc('}', lk->out);
	}
	fputc(']', lk->out);
}

static int by_addr(const void *a, const void *b)
{
	const struct leak_entry *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int by_class_stack(const void *a, const void *b)
{
	const struct leak_entry *x = *(const struct leak_entry *const *)a;
	const struct leak_entry *y = *(const struct leak_entry *const *)b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	return x->b->stack < y->b->stack ? -1 : x->b->stack > y->b->stack;
}

static int by_class_bytes(const void *a, const void *b)
{
	const struct record *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->blocks > y->blocks ? -1 : x->blocks < y->blocks;
}

/* Records from the blocks old enough: one per (class, stack). */
static struct record *group(const struct leak_entry *entries, size_t n, uint64_t born_before,
			    size_t *nrec)
{
	const struct leak_entry **sorted = malloc((n ? n : 1) * sizeof(*sorted));
	struct record *rec = malloc((n ? n : 1) * sizeof(*rec));
	size_t k = 0, r = 0;

	if (!sorted || !rec) {
		free(sorted);
		free(rec);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (entries[i].b->time_ns <= born_before)
			sorted[k++] = &entries[i];
	qsort(sorted, k, sizeof(*sorted), by_class_stack);
	for (size_t i = 0; i < k; i++) {
		const struct leak_entry *e = sorted[i];

		if (!r || rec[r - 1].cls != e->cls || rec[r - 1].stack != e->b->stack) {
			rec[r] = (struct record){e->cls, e->b->fn, e->b->stack, 0, 0};
			r++;
		}
		rec[r - 1].bytes += e->b->size;
		rec[r - 1].blocks++;
	}
	free(sorted);
	qsort(rec, r, sizeof(*rec), by_class_bytes);
	*nrec = r;
	return rec;
}

static void print_text(struct leaks *lk, const char *why, const struct record *rec, size_t nrec,
		       const uint64_t sum[][2], uint64_t shown_reachable)
{
	FILE *out = lk->out;
	uint64_t blocks = 0, bytes = 0;
	size_t number = 0;

	for (int c = 0; c < LEAK_NCLASSES; c++) {
		blocks += sum[c][1];
		bytes += sum[c][0];
	}
	fprintf(out, "utap leaks: pid %d %s: %" PRIu64 " bytes in %" PRIu64
		" blocks still allocated (%" PRIu64 " allocations, %" PRIu64 " frees seen)\n",
		(int)lk->pid, why, bytes, blocks, lk->counts.allocs, lk->counts.frees);
	for (size_t i = 0; i < nrec; i++) {
		const struct record *r = &rec[i];

		if (r->cls == LEAK_REACHABLE && !lk->opts->show_reachable)
			continue;
		fprintf(out, "%s: %" PRIu64 " bytes in %" PRIu64 " blocks (record %zu of %zu), "
			"allocated by %s at\n", class_names[r->cls], r->bytes, r->blocks, ++number,
			nrec - (lk->opts->show_reachable ? 0 : shown_reachable), leak_fn_names[r->fn]);
		leak_print_stack(lk, r->stack, "    ");
	}
	fprintf(out, "utap leaks: summary (pid %d %s)\n", (int)lk->pid, why);
	for (int c = 0; c < LEAK_NCLASSES; c++) {
		if (c == LEAK_UNSCANNED && !sum[c][1])
			continue;
		fprintf(out, "  %s: %" PRIu64 " bytes in %" PRIu64 " blocks\n", class_names[c],
			sum[c][0], sum[c][1]);
	}
	fprintf(out, "  errors: %" PRIu64 " double free, %" PRIu64 " invalid free, %" PRIu64
		" realloc of a freed block\n", lk->counts.double_frees, lk->counts.invalid_frees,
		lk->counts.freed_reallocs);
	if (sum[LEAK_UNSCANNED][1])
		fprintf(out, "  (the program's memory was gone before it could be scanned: "
			"its blocks are not classified)\n");
	if (shown_reachable && !lk->opts->show_reachable)
		fprintf(out, "  (--show-reachable lists the still reachable blocks)\n");
	fflush(out);
}

static void print_json(struct leaks *lk, const char *why, const struct record *rec, size_t nrec,
		       const uint64_t sum[][2])
{
	FILE *out = lk->out;

	fprintf(out, "{\"report\":");
	leak_json_string(out, why);
	fprintf(out, ",\"pid\":%d,\"allocations\":%" PRIu64 ",\"frees\":%" PRIu64 ",\"records\":[",
		(int)lk->pid, lk->counts.allocs, lk->counts.frees);
	for (size_t i = 0; i < nrec; i++) {
		fprintf(out, "%s{\"class\":\"%s\",\"bytes\":%" PRIu64 ",\"blocks\":%" PRIu64
			",\"fn\":\"%s\",\"stack\":", i ? "," : "", class_names[rec[i].cls],
			rec[i].bytes, rec[i].blocks, leak_fn_names[rec[i].fn]);
		leak_json_stack(lk, rec[i].stack);
		fputc('}', out);
	}
	fputs("],\"summary\":{", out);
	for (int c = 0; c < LEAK_NCLASSES; c++)
		fprintf(out, "%s\"%s\":{\"bytes\":%" PRIu64 ",\"blocks\":%" PRIu64 "}", c ? "," : "",
			class_names[c], sum[c][0], sum[c][1]);
	fprintf(out, "},\"errors\":{\"double free\":%" PRIu64 ",\"invalid free\":%" PRIu64
		",\"realloc of a freed block\":%" PRIu64 ",\"unknown free\":%" PRIu64 "}}\n",
		lk->counts.double_frees, lk->counts.invalid_frees, lk->counts.freed_reallocs,
		lk->counts.unknown_frees);
	fflush(out);
}

void leak_print_report(struct leaks *lk, const char *why, const struct leak_entry *entries,
		       size_t n, uint64_t min_age_ns)
{
	uint64_t now = clock_mono_ns(), sum[LEAK_NCLASSES][2] = {{0}}, reachable_records = 0;
	struct record *rec;
	size_t nrec = 0;

	rec = group(entries, n, min_age_ns < now ? now - min_age_ns : 0, &nrec);
	if (!rec) {
		log_error("leaks: out of memory while making the report");
		return;
	}
	for (size_t i = 0; i < nrec; i++) {
		sum[rec[i].cls][0] += rec[i].bytes;
		sum[rec[i].cls][1] += rec[i].blocks;
		reachable_records += rec[i].cls == LEAK_REACHABLE;
	}
	if (lk->opts->json)
		print_json(lk, why, rec, nrec, sum);
	else
		print_text(lk, why, rec, nrec, sum, reachable_records);
	free(rec);
}

void leaks_report(struct leaks *lk, const struct backend_snapshot *snap, const char *why,
		  uint64_t min_age_ns)
{
	struct leak_entry *entries = malloc((lk->blocks.n ? lk->blocks.n : 1) * sizeof(*entries));
	size_t n = 0;

	if (!entries) {
		log_error("leaks: out of memory while making the report");
		return;
	}
	for (size_t i = 0; i < lk->blocks.cap; i++) {
		uint64_t addr;
		const struct leak_block *b = addrmap_slot(&lk->blocks, i, &addr);

		if (b)
			entries[n++] = (struct leak_entry){.addr = addr, .b = b};
	}
	qsort(entries, n, sizeof(*entries), by_addr);
	leak_scan(lk, snap, entries, n);
	leak_print_report(lk, why, entries, n, min_age_ns);
	free(entries);
}
