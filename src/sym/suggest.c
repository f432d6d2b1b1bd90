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

int sym_suggest(const struct sym_module *mod, const char *name, const char **names, int max)
{
	struct suggestion *best, s;
	const char *prev = NULL;
	char *query;
	size_t qlen, i, *row;
	int n = 0, k;

	if (max <= 0)
		return 0;
	qlen = strcspn(name, "@");
	best = calloc((size_t)max, sizeof(*best));
	row = calloc(3 * (qlen + 1), sizeof(*row));
	query = strndup(name, qlen);
	if (!best || !row || !query)
		goto out;

	for (i = 0; i < mod->nsyms; i++) {
		s.name = mod->by_name[i]->name;
		if (prev && strcmp(prev, s.name) == 0)
			continue; /* aliases and versions of one name: suggest it once */
		prev = s.name;
		s.score = score_of(s.name, query, qlen, row);
		if (s.score < 0)
			continue;
		s.len = strlen(s.name);
		if (n == max && !better(&s, &best[n - 1]))
			continue;
		k = n < max ? n++ : n - 1;
		for (; k > 0 && better(&s, &best[k - 1]); k--)
			best[k] = best[k - 1];
		best[k] = s;
	}
	for (k = 0; k < n; k++)
		names[k] = best[k].name;
out:
	free(best);
	free(row);
	free(query);
	return n;
}
