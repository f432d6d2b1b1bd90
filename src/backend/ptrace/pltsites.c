/* pltsites.c: where a PLT probe (BIN:NAME@plt) lands in BIN: each stub that jumps
 * through NAME's GOT slot, and each call or tail call that reads the slot itself. */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/ptrace/resolve.h"

static bool wanted(const struct probe *p, const char *name)
{
	return p->sym_glob ? fnmatch(p->sym, name, 0) == 0 : strcmp(p->sym, name) == 0;
}

/* "no call to NAME...", and which functions the module does call that way. */
static int none_found(const struct sym_module *mod, const struct probe *p, char *err,
		      size_t errlen)
{
	const char *seen[8];
	struct sym_plt e;
	size_t len, nseen = 0, total = 0;

	len = (size_t)snprintf(err, errlen, "no call to '%s' through the PLT or GOT of %s",
			       p->sym, sym_module_path(mod));
	for (size_t i = 0; sym_plt_at(mod, i, &e) == 0; i++) {
		bool dup = false;

		for (size_t k = 0; k < nseen; k++)
			dup = dup || strcmp(seen[k], e.name) == 0;
		if (dup)
			continue;
		if (nseen < sizeof(seen) / sizeof(seen[0]))
			seen[nseen++] = e.name;
		total++;
	}
	if (!total) {
		if (len < errlen)
			snprintf(err + len, errlen - len,
				 "\n      hint: it calls no imported function (a static "
				 "executable?)");
		return -ENOENT;
	}
	if (len < errlen)
		len += (size_t)snprintf(err + len, errlen - len, "\n      hint: it calls");
	for (size_t k = 0; k < nseen && len < errlen; k++)
		len += (size_t)snprintf(err + len, errlen - len, "%s %s", k ? "," : "", seen[k]);
	if (total > nseen && len < errlen)
		snprintf(err + len, errlen - len, " ... (%zu functions)", total);
	return -ENOENT;
}

int resolve_plt_sites(const struct sym_module *mod, const struct probe *probe,
		      struct resolved **out, size_t *n, char *err, size_t errlen)
{
	struct resolved *v = NULL, *grown;
	struct sym_plt e;
	size_t nv = 0, i;
	int rc;

	for (i = 0; (rc = sym_plt_at(mod, i, &e)) == 0; i++) {
		if (!wanted(probe, e.name))
			continue;
		grown = realloc(v, (nv + 1) * sizeof(*grown));
		if (!grown) {
			free(v);
			return -ENOMEM;
		}
		v = grown;
		memset(&v[nv], 0, sizeof(v[nv]));
		v[nv].file_offset = e.file_offset;
		v[nv].sym = e.label;
		v[nv].plt = e;
		nv++;
	}
	if (rc != -ENOENT) {
		free(v);
		snprintf(err, errlen, "cannot read the PLT and GOT of %s: %s", sym_module_path(mod),
			 strerror(-rc));
		return rc;
	}
	if (!nv)
		return none_found(mod, probe, err, errlen);
	*out = v;
	*n = nv;
	return 0;
}
