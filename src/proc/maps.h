/* maps.h: a process's memory map, as /proc/PID/maps lists it. */
#ifndef UTAP_PROC_MAPS_H
#define UTAP_PROC_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_map {
	uint64_t start, end; /* [start, end) */
	uint64_t pgoff;      /* file offset of start */
	char perms[5];       /* "r-xp" */
	dev_t dev;
	ino_t ino;
	char *path; /* "" for anonymous; "[stack]" etc.; " (deleted)" stripped */
	bool deleted;
};

struct proc_maps {
	struct proc_map *map;
	size_t n;
};

/* Read /proc/PID/maps. Returns 0 or -errno (-ESRCH if the process is gone). */
int proc_maps_read(pid_t pid, struct proc_maps *out);
void proc_maps_free(struct proc_maps *maps);

/* The mapping of file PATH (by inode/dev of any of its mappings, i.e. the
 * same module) that holds file offset OFF; NULL if none. */
const struct proc_map *proc_maps_find_offset(const struct proc_maps *maps,
					     const struct proc_map *module_any,
					     uint64_t off);
/* The mapping holding ADDR, or NULL. */
const struct proc_map *proc_maps_find_addr(const struct proc_maps *maps, uint64_t addr);

/* A free, page-aligned range of SIZE bytes whose every byte is within
 * +-(2 GiB - SIZE) of [lo, hi), nearest first; 0 if none. */
uint64_t proc_maps_find_gap_near(const struct proc_maps *maps, uint64_t lo, uint64_t hi,
				 uint64_t size);

#endif
