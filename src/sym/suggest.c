/* suggest.c: "did you mean" names for an unknown function, by edit distance. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sym/internal.h"

/* Edits tolerated for a query of LEN characters: a typo or two, not a
 * different word ("open" must not suggest "free"). */
static size_t max_distance(size_t len)
{
	if (len <= 2)
		return 0;
	if (len <= 4)
		return 1;
	if (len <= 8)
		return 2;
	return 3;
}

/* Case-insensitive edit distance of A and B (optimal string alignment:
 * Levenshtein plus the swap of two adjacent characters, the commonest
 * typo: "wrok" is one edit from "work"), or LIMIT + 1 once it is certain
 * to exceed LIMIT.  ROWS holds 3 * (strlen(B) + 1) entries. */
static size_t distance(const char *a, const char *b, size_t blen, size_t limit, size_t *rows)
{
	size_t *older = rows, *prev = rows + blen + 1, *cur = rows + 2 * (blen + 1), *tmp;
	size_t i, j, row_min, cost;

	for (j = 0; j <= blen; j++)
		prev[j] = j;
	for (i = 1; a[i - 1]; i++) {
		int ca = tolower((unsigned char)a[i - 1]);

		cur[0] = i;
		row_min = i;
		for (j = 1; j <= blen; j++) {
			int cb = tolower((unsigned char)b[j - 1]);

			cost = prev[j - 1] + (ca != cb);
			if (prev[j] + 1 < cost)
				cost = prev[j] + 1;
			if (cur[j - 1] + 1 < cost)
				cost = cur[j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && older[j - 2] + 1 < cost)
				cost = older[j - 2] + 1;
			cur[j] = cost;
			if (cost < row_min)
				row_min = cost;
		}
		if (row_min > limit)
			return limit + 1;
		tmp = older;
		older = prev;
		prev = cur;
		cur = tmp;
	}
	return prev[blen];
}

static bool contains_nocase(const char *hay, const char *needle, size_t nlen, bool *prefix)
{
	const char *p;

	for (p = hay; *p; p++) {
		if (strncasecmp(p, needle, nlen) == 0) {
			*prefix = p == hay;
			return true;
		}
	}
	return false;
}

/* Lower is better: edit distance first, then substring and prefix hits. */
static long score_of(const char *cand, const char *query, size_t qlen, size_t *row)
{
	size_t clen = strlen(cand), limit = max_distance(qlen), d;
	bool prefix;

	if ((clen > qlen ? clen - qlen : qlen - clen) <= limit) {
		d = distance(cand, query, qlen, limit, row);
		if (d <= limit)
			return (long)d;
	}
	/* Short queries are substrings of too many names to help. */
	if (qlen >= 3 && contains_nocase(cand, query, qlen, &prefix))
		return (long)limit + (prefix ? 1 : 2);
	return -1;
}

struct suggestion {
	const char *name;
	long score;
	size_t len;
};

static bool better(const struct suggestion *a, const struct suggestion *b)
{
	if (a->score != b->score)
		return a->score < b->score;
	if (a->len != b->len)
		return a->len < b->len;
	return strcmp(a->name, b->name) < 0;
}

struct ranking {
	struct suggestion *best;
	int n, max;
	const char *query;
	size_t qlen, *row;
};

/* Rank candidate NAME in R, keeping the MAX best in order. */
static void consider(struct ranking *r, const char *name)
{
	struct suggestion s;
	int k;

	s.name = name;
	s.score = score_of(name, r->query, r->qlen, r->row);
	if (s.score < 0)
		return;
	s.len = strlen(name);
	if (r->n == r->max && !better(&s, &r->best[r->n - 1]))
		return;
	k = r->n < r->max ? r->n++ : r->n - 1;
	for (; k > 0 && better(&s, &r->best[k - 1]); k--)
		r->best[k] = r->best[k - 1];
	r->best[k] = s;
}

int sym_suggest(const struct sym_module *mod, const char *name, const char **names, int max)
{
	struct ranking r = {.max = max};
	const char *prev = NULL, *cand;
	char *query = NULL;
	bool mangled;
	size_t i;
	int k;

	if (max <= 0)
		return 0;
	r.qlen = strcspn(name, "@");
	r.best = calloc((size_t)max, sizeof(*r.best));
	r.row = calloc(3 * (r.qlen + 1), sizeof(*r.row));
	r.query = query = strndup(name, r.qlen);
	if (!r.best || !r.row || !query)
		goto out;
	/* Someone who writes "_Z..." copied a mangled name: compare with those. */
	mangled = name[0] == '_' && name[1] == 'Z';

	for (i = 0; i < mod->nsyms; i++) {
		if (!mangled && mod->by_name[i]->demangled)
			continue; /* C++: offered demangled below */
		cand = mod->by_name[i]->name;
		if (prev && strcmp(prev, cand) == 0)
			continue; /* aliases and versions of one name: suggest it once */
		prev = cand;
		consider(&r, cand);
	}
	/* The form a one-liner can spell: no parameters, no spaces. */
	for (prev = NULL, i = 0; !mangled && i < mod->nbase; i++) {
		cand = mod->by_base[i]->base;
		if (prev && strcmp(prev, cand) == 0)
			continue; /* overloads share it */
		prev = cand;
		consider(&r, cand);
	}
	for (k = 0; k < r.n; k++)
		names[k] = r.best[k].name;
out:
	free(r.best);
	free(r.row);
	free(query);
	return r.n;
}
