/* maps.c: read /proc/PID/maps; find a module's mapping and a free hole near a module. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "proc/maps.h"

/* The user half of the x86-64 address space, less the page mmap_min_addr
 * keeps free at the bottom. */
#define USER_LOW 0x10000ULL
#define USER_HIGH 0x7ffffffff000ULL
/* rel32 operands reach +-2 GiB from the end of their instruction. */
#define REL32_REACH (1ULL << 31)
/* Keep clear of where brk and the main stack grow: a page of ours there
 * would change where the tracee's heap ends or make its stack overflow. */
#define HEAP_ROOM (1ULL << 30)
#define STACK_ROOM (64ULL << 20)

#define DELETED_SUFFIX " (deleted)"

static int parse_line(char *line, struct proc_map *m)
{
	unsigned int major, minor;
	unsigned long ino;
	size_t len;
	char *path;
	int pos = -1;

	len = strlen(line);
	if (len && line[len - 1] == '\n')
		line[--len] = '\0';
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %lu %n", &m->start, &m->end,
		   m->perms, &m->pgoff, &major, &minor, &ino, &pos) < 7 ||
	    pos < 0)
		return -EINVAL;
	m->dev = makedev(major, minor);
	m->ino = (ino_t)ino;
	/* Everything after the inode is the path, spaces included. */
	path = line + pos;
	len = strlen(path);
	m->deleted = len > strlen(DELETED_SUFFIX) &&
		     strcmp(path + len - strlen(DELETED_SUFFIX), DELETED_SUFFIX) == 0;
	if (m->deleted)
		path[len - strlen(DELETED_SUFFIX)] = '\0';
	m->path = strdup(path);
	return m->path ? 0 : -ENOMEM;
}

int proc_maps_read(pid_t pid, struct proc_maps *out)
{
	size_t cap = 0, alloc = 0;
	struct proc_map *grown;
	char *line = NULL;
	char name[64];
	int ret = 0;
	FILE *f;

	out->map = NULL;
	out->n = 0;
	snprintf(name, sizeof(name), "/proc/%d/maps", (int)pid);
	f = fopen(name, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	errno = 0;
	while (getline(&line, &cap, f) > 0) {
		if (out->n == alloc) {
			alloc = alloc ? 2 * alloc : 64;
			grown = realloc(out->map, alloc * sizeof(*out->map));
			if (!grown) {
				ret = -ENOMEM;
				goto fail;
			}
			out->map = grown;
		}
		memset(&out->map[out->n], 0, sizeof(out->map[0]));
		ret = parse_line(line, &out->map[out->n]);
		if (ret < 0)
			goto fail;
		out->n++;
	}
	if (ferror(f)) {
		ret = errno ? -errno : -EIO;
		goto fail;
	}
	/* Every live user process maps at least its stack and vdso; an empty
	 * map is a zombie (or a kernel thread, which cannot be traced either). */
	if (!out->n) {
		ret = -ESRCH;
		goto fail;
	}
	free(line);
	fclose(f);
	return 0;

fail:
	free(line);
	fclose(f);
	proc_maps_free(out);
	return ret;
}

void proc_maps_free(struct proc_maps *maps)
{
	size_t i;

	for (i = 0; i < maps->n; i++)
		free(maps->map[i].path);
	free(maps->map);
	maps->map = NULL;
	maps->n = 0;
}

static bool same_file(const struct proc_map *a, const struct proc_map *b)
{
	if (b->ino)
		return a->dev == b->dev && a->ino == b->ino;
	return b->path[0] && strcmp(a->path, b->path) == 0;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

const struct proc_map *proc_maps_find_offset(const struct proc_maps *maps,
					     const struct proc_map *module_any, uint64_t off)
{
	const struct proc_map *m, *best = NULL;
	size_t i;

	for (i = 0; i < maps->n; i++) {
		m = &maps->map[i];
		if (!same_file(m, module_any) || off < m->pgoff ||
		    off - m->pgoff >= m->end - m->start)
			continue;
		/* Page rounding can put one file page in two mappings, and a
		 * library can be loaded twice: prefer the executable mapping,
		 * then the copy nearest the one the caller named. */
		if (best && (best->perms[2] == 'x') != (m->perms[2] == 'x')) {
			if (m->perms[2] == 'x')
				best = m;
			continue;
		}
		if (!best || distance(m->start, module_any->start) <
				 distance(best->start, module_any->start))
			best = m;
	}
	return best;
}

const struct proc_map *proc_maps_find_addr(const struct proc_maps *maps, uint64_t addr)
{
	size_t lo = 0, hi = maps->n, mid;

	/* The kernel lists mappings in address order. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (addr < maps->map[mid].start)
			hi = mid;
		else if (addr >= maps->map[mid].end)
			lo = mid + 1;
		else
			return &maps->map[mid];
	}
	return NULL;
}

static uint64_t round_up(uint64_t x, uint64_t page)
{
	return (x + page - 1) & ~(page - 1);
}

static uint64_t round_down(uint64_t x, uint64_t page)
{
	return x & ~(page - 1);
}

uint64_t proc_maps_find_gap_near(const struct proc_maps *maps, uint64_t lo, uint64_t hi,
				 uint64_t size)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), limit, win_lo, win_hi;
	uint64_t hole_lo, hole_hi, gap, dist, best = 0, best_dist = UINT64_MAX;
	const struct proc_map *prev, *next;
	size_t i;

	size = round_up(size, page);
	/* The margin of one page more than asked keeps a rel32 taken at the
	 * very end of the range, or at the end of its instruction, in reach. */
	limit = REL32_REACH - size - page;
	if (!size || hi < lo || size >= REL32_REACH / 2)
		return 0;
	/* Every byte of [gap, gap + size) within LIMIT of every byte of [lo, hi). */
	win_lo = hi > USER_LOW + limit ? round_up(hi - limit, page) : USER_LOW;
	win_hi = round_down(lo + limit < USER_HIGH ? lo + limit : USER_HIGH, page);
	if (win_hi < win_lo || win_hi - win_lo < size)
		return 0; /* the module itself spans more than rel32 can cross */

	for (i = 0; i <= maps->n; i++) {
		prev = i ? &maps->map[i - 1] : NULL;
		next = i < maps->n ? &maps->map[i] : NULL;
		hole_lo = prev && prev->end > USER_LOW ? prev->end : USER_LOW;
		hole_hi = next && next->start < USER_HIGH ? next->start : USER_HIGH;
		if (prev && strcmp(prev->path, "[heap]") == 0)
			hole_lo =
			    hole_lo < UINT64_MAX - HEAP_ROOM ? hole_lo + HEAP_ROOM : UINT64_MAX;
		if (next && strcmp(next->path, "[stack]") == 0)
			hole_hi = hole_hi > STACK_ROOM ? hole_hi - STACK_ROOM : 0;
		hole_lo = round_up(hole_lo > win_lo ? hole_lo : win_lo, page);
		hole_hi = round_down(hole_hi < win_hi ? hole_hi : win_hi, page);
		if (hole_hi < hole_lo || hole_hi - hole_lo < size)
			continue;
		if (hole_hi <= lo) { /* below the module: take the hole's top */
			gap = hole_hi - size;
			dist = lo - hole_hi;
		} else if (hole_lo >= hi) { /* above it: the hole's bottom */
			gap = hole_lo;
			dist = hole_lo - hi;
		} else { /* a hole inside [lo, hi) itself */
			gap = hole_lo;
			dist = 0;
		}
		if (dist < best_dist) {
			best = gap;
			best_dist = dist;
		}
	}
	return best;
}
