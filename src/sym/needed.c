/* needed.c: the libraries a program will load, found before it runs, the
 * way the dynamic linker searches: DT_NEEDED entries (breadth first, through the libraries too), each
 * looked up along DT_RUNPATH/DT_RPATH ($ORIGIN expanded), LD_LIBRARY_PATH
 * and the default directories. Used to check and show probes before a
 * launch; at run time the real mapping decides. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sym/sym.h"

#define MAX_LIBS 64

struct needed {
	char *name[MAX_LIBS]; /* sonames to look for, in order */
	int n;
};

static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib",
	"/usr/lib", NULL,
};

static bool try_dir(const char *dir, size_t dlen, const char *origin, const char *name,
		    char *out, size_t n)
{
	char d[4096];

	int len;

	if (dlen >= 7 && strncmp(dir, "$ORIGIN", 7) == 0)
		len = snprintf(d, sizeof(d), "%s%.*s", origin, (int)(dlen - 7), dir + 7);
	else
		len = snprintf(d, sizeof(d), "%.*s", (int)dlen, dir);
	if (len < 0 || (size_t)len >= sizeof(d))
		return false;
	len = snprintf(out, n, "%s/%s", d, name);
	return len > 0 && (size_t)len < n && access(out, R_OK) == 0;
}

static bool try_path_list(const char *list, const char *origin, const char *name, char *out,
			  size_t n)
{
	while (list && *list) {
		size_t len = strcspn(list, ":");

		if (len && try_dir(list, len, origin, name, out, n))
			return true;
		list += len + (list[len] == ':');
	}
	return false;
}

/* Add FILE's DT_NEEDED names to NEED; *RUNPATH gets its search path. */
static void read_dynamic(const char *file, struct needed *need, char **runpath)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	Elf *elf;
	int fd;

	*runpath = NULL;
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *data;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC)
			continue;
		data = elf_getdata(scn, NULL);
		for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(data, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH)
				continue;
			s = elf_strptr(elf, shdr.sh_link, dyn.d_un.d_val);
			if (!s)
				continue;
			if (dyn.d_tag != DT_NEEDED) {
				free(*runpath);
				*runpath = strdup(s);
				continue;
			}
			bool seen = false;

			for (int k = 0; k < need->n; k++)
				seen |= strcmp(need->name[k], s) == 0;
			if (!seen && need->n < MAX_LIBS)
				need->name[need->n++] = strdup(s);
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
}

int sym_needed_each(const char *exe, bool (*fn)(const char *name, const char *path, void *data),
		    void *data)
{
	struct needed need = {0};
	char where[4096], origin[4096], *runpath;
	int rc = -ENOENT;

	elf_version(EV_CURRENT);
	/* Each object's own RUNPATH applies to the names it needs. */
	snprintf(where, sizeof(where), "%s", exe);
	read_dynamic(exe, &need, &runpath);
	snprintf(origin, sizeof(origin), "%s", dirname(where));
	for (int done = 0; done < need.n; done++) {
		char path[4096];
		bool found = try_path_list(runpath, origin, need.name[done], path, sizeof(path)) ||
			     try_path_list(getenv("LD_LIBRARY_PATH"), origin, need.name[done], path,
					   sizeof(path));

		for (int d = 0; !found && default_dirs[d]; d++)
			found = try_dir(default_dirs[d], strlen(default_dirs[d]), origin,
					need.name[done], path, sizeof(path));
		if (!found)
			continue;
		if (fn(need.name[done], path, data)) {
			rc = 0;
			break;
		}
		/* not this one: what it needs may be */
		free(runpath);
		snprintf(where, sizeof(where), "%s", path);
		read_dynamic(path, &need, &runpath);
		snprintf(origin, sizeof(origin), "%s", dirname(where));
	}
	free(runpath);
	for (int k = 0; k < need.n; k++)
		free(need.name[k]);
	return rc;
}

struct wanted {
	const char *bin;
	char *out;
	size_t n;
};

static bool matches(const char *name, const char *path, void *data)
{
	struct wanted *w = data;

	if (!sym_bin_matches(w->bin, name) && !sym_bin_matches(w->bin, path))
		return false;
	snprintf(w->out, w->n, "%s", path);
	return true;
}

int sym_needed_library(const char *exe, const char *bin, char *out, size_t n)
{
	struct wanted w = {bin, out, n};

	return sym_needed_each(exe, matches, &w);
}
