/* modules.c: the files an address space maps, as seen through /proc/PID/maps. */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/ptrace/tracee.h"
#include "util/log.h"

void target_path(pid_t pid, const char *path, char *buf, size_t n)
{
	/* An absolute path is the target's: in a container, through its root
	 * (/proc/PID/root). If that names nothing, it may be ours (the host
	 * path of a chroot), so use it as written. */
	if (path[0] == '/') {
		snprintf(buf, n, "/proc/%d/root%s", (int)pid, path);
		if (access(buf, F_OK) == 0)
			return;
	}
	snprintf(buf, n, "%s", path);
}

bool module_globbed(pid_t pid, const char *pattern, const struct module *m)
{
	char root[64], where[4096];
	size_t skip = 0;
	struct stat st;
	glob_t g;
	bool found = false;

	/* the pattern names files of the target's root, as its paths do */
	snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
	if (pattern[0] == '/' && access(root, F_OK) == 0)
		skip = strlen(root);
	snprintf(where, sizeof(where), "%s%s", skip ? root : "", pattern);
	if (glob(where, 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !found; i++)
		found = stat(g.gl_pathv[i], &st) == 0 && st.st_dev == m->dev && st.st_ino == m->ino;
	globfree(&g);
	return found;
}

void module_file(pid_t pid, const char *map_path, dev_t dev, ino_t ino, char *buf, size_t n)
{
	struct stat st;

	/* The kernel writes a mapped file's path relative to the reader's
	 * root when it can (a chroot in our mount namespace: the host path),
	 * else relative to the target's (another mount namespace: the
	 * container's path). Take whichever names the very file mapped. */
	if (stat(map_path, &st) == 0 && st.st_dev == dev && st.st_ino == ino) {
		snprintf(buf, n, "%s", map_path);
		return;
	}
	snprintf(buf, n, "/proc/%d/root%s", (int)pid, map_path);
}

static struct module *find_module(struct space *s, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < s->nmodules; i++) {
		if (s->modules[i].dev == dev && s->modules[i].ino == ino)
			return &s->modules[i];
	}
	return NULL;
}

/* A digest of what the space maps from files, to see when it changed. */
static uint64_t maps_digest(const struct space *s)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < s->nmodules; i++) {
		const struct module *m = &s->modules[i];

		for (size_t k = 0; k < m->nmaps; k++) {
			h = (h ^ m->maps[k].start) * 1099511628211ull;
			h = (h ^ m->maps[k].end) * 1099511628211ull;
			h = (h ^ m->maps[k].pgoff ^ (uint64_t)m->ino ^ m->maps[k].writable) *
			    1099511628211ull;
		}
	}
	return h;
}

int space_scan_modules(struct space *s)
{
	struct proc_maps maps;
	uint64_t before = maps_digest(s);
	int rc = proc_maps_read(s->pid, &maps);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < s->nmodules; i++)
		s->modules[i].nmaps = 0;
	/* Modules are only added: an unmapped library (dlclose) keeps its entry
	 * until the space dies, which is harmless for lookups by address since
	 * its range is only trusted together with a fresh mapping. */
	for (size_t i = 0; i < maps.n; i++) {
		struct proc_map *m = &maps.map[i];
		struct module_map *grown_maps;
		struct module *mod;

		if (m->path[0] != '/' || m->ino == 0)
			continue;
		mod = find_module(s, m->dev, m->ino);
		if (!mod) {
			struct module *grown = realloc(s->modules, (s->nmodules + 1) * sizeof(*grown));

			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			s->modules = grown;
			mod = &s->modules[s->nmodules++];
			memset(mod, 0, sizeof(*mod));
			mod->dev = m->dev;
			mod->ino = m->ino;
			mod->path = strdup(m->path);
			mod->lo = m->start;
			mod->hi = m->end;
		}
		grown_maps = realloc(mod->maps, (mod->nmaps + 1) * sizeof(*mod->maps));
		if (!grown_maps) {
			rc = -ENOMEM;
			break;
		}
		mod->maps = grown_maps;
		mod->maps[mod->nmaps].start = m->start;
		mod->maps[mod->nmaps].end = m->end;
		mod->maps[mod->nmaps].pgoff = m->pgoff;
		mod->maps[mod->nmaps].writable = m->perms[1] == 'w';
		mod->nmaps++;
		if (m->start < mod->lo)
			mod->lo = m->start;
		if (m->end > mod->hi)
			mod->hi = m->end;
	}
	proc_maps_free(&maps);
	if (maps_digest(s) != before)
		s->modules_gen++; /* names and unwind rules cached by address are stale */
	return rc;
}

struct module *space_module_at(struct space *s, uint64_t addr, const struct module_map **map)
{
	/* By the current mappings, not by [lo, hi): a library mapped into the
	 * span of another (or of one unloaded since) belongs to itself. */
	for (size_t i = 0; i < s->nmodules; i++) {
		struct module *m = &s->modules[i];

		if (addr < m->lo || addr >= m->hi)
			continue;
		for (size_t k = 0; k < m->nmaps; k++) {
			if (addr >= m->maps[k].start && addr < m->maps[k].end) {
				if (map)
					*map = &m->maps[k];
				return m;
			}
		}
	}
	return NULL;
}

int module_addr_to_offset(const struct module *m, uint64_t addr, uint64_t *off)
{
	for (size_t i = 0; i < m->nmaps; i++) {
		if (addr >= m->maps[i].start && addr < m->maps[i].end) {
			*off = addr - m->maps[i].start + m->maps[i].pgoff;
			return 0;
		}
	}
	return -ENOENT;
}

int module_offset_to_addr(const struct module *m, uint64_t off, uint64_t *addr)
{
	for (size_t i = 0; i < m->nmaps; i++) {
		uint64_t len = m->maps[i].end - m->maps[i].start;

		if (off >= m->maps[i].pgoff && off < m->maps[i].pgoff + len) {
			*addr = m->maps[i].start + (off - m->maps[i].pgoff);
			return 0;
		}
	}
	return -ENOENT;
}
