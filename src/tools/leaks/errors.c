/* errors.c: what utap leaks says the moment the program frees wrongly. */
#include <inttypes.h>

#include "tools/leaks/internal.h"

static const char *const what_text[] = {
	[ERR_DOUBLE_FREE] = "double free",
	[ERR_INVALID_FREE] = "invalid free",
	[ERR_FREED_REALLOC] = "realloc of a freed block",
	[ERR_UNKNOWN_FREE] = "free of an unknown block",
};

static const char *why_text(enum leak_error what)
{
	switch (what) {
	case ERR_INVALID_FREE:
		return "it was never allocated (a stack or static address, or a pointer into a block)";
	case ERR_UNKNOWN_FREE:
		return "it was not allocated since utap attached (--strict)";
	default:
		return NULL;
	}
}

static void text_stack(struct leaks *lk, const char *title, enum leak_fn fn, uint32_t stack)
{
	fprintf(lk->out, "  %s by %s at\n", title, leak_fn_names[fn]);
	if (stack == LEAK_NO_STACK)
		fprintf(lk->out, "    (no stack: before utap attached)\n");
	else
		leak_print_stack(lk, stack, "    ");
}

static void json_stack(struct leaks *lk, const char *key, uint32_t stack)
{
	fprintf(lk->out, ",\"%s\":", key);
	leak_json_stack(lk, stack);
}

void leak_report_error(struct leaks *lk, enum leak_error what, enum leak_fn fn, uint64_t addr,
		       const struct probe_hit *hit, uint32_t now, const struct leak_freed *freed)
{
	if (lk->opts->json) {
		fprintf(lk->out, "{\"error\":\"%s\",\"fn\":\"%s\",\"addr\":\"0x%" PRIx64 "\",\"tid\":%d",
			what_text[what], leak_fn_names[fn], addr, (int)hit->tid);
		if (freed)
			fprintf(lk->out, ",\"size\":%" PRIu64 ",\"freed_by\":\"%s\"", freed->size,
				leak_fn_names[freed->fn]);
		json_stack(lk, "stack", now);
		if (freed) {
			json_stack(lk, "first_free_stack", freed->free_stack);
			json_stack(lk, "alloc_stack", freed->alloc_stack);
		}
		fputs("}\n", lk->out);
		fflush(lk->out);
		return;
	}
	fprintf(lk->out, "utap leaks: %s of 0x%" PRIx64, what_text[what], addr);
	if (freed && freed->alloc_stack != LEAK_NO_STACK)
		fprintf(lk->out, " (%" PRIu64 " bytes)", freed->size);
	fprintf(lk->out, " by thread %d (%s)\n", (int)hit->tid, hit->comm ? hit->comm : "?");
	if (why_text(what))
		fprintf(lk->out, "  %s\n", why_text(what));
	text_stack(lk, freed ? "freed again" : "called", fn, now);
	if (freed) {
		text_stack(lk, "first freed", freed->fn, freed->free_stack);
		if (freed->alloc_stack == LEAK_NO_STACK)
			fprintf(lk->out, "  allocated before utap attached\n");
		else
			text_stack(lk, "allocated", freed->alloc_fn, freed->alloc_stack);
	}
	fflush(lk->out);
}
