/* test_maps.c: /proc/PID/maps parsing, lookups by address and offset, the gap finder. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc/maps.h"
#include "tests/tap.h"

#define GiB (1ULL << 30)

static int data_var = 42;

static __attribute__((noinline, used)) int local_fn(int x)
{
	__asm__ volatile("" : "+r"(x));
	return x + 1;
}

static void test_self(void)
{
	const struct proc_map *m, *f;
	struct proc_maps maps;
	char exe[PATH_MAX];
	int local = 1;
	uint64_t off;

	is_int(proc_maps_read(getpid(), &maps), 0, "read own maps");
	ok(maps.n > 3, "several mappings (%zu)", maps.n);

	m = proc_maps_find_addr(&maps, (uintptr_t)&local);
	/* [stack] natively; valgrind runs us on a stack of its own making. */
	ok(m && m->perms[0] == 'r' && m->perms[1] == 'w' && !m->ino,
	   "a local variable lies in an anonymous rw mapping (%s)", m ? m->path : "none");

	ok(realpath("/proc/self/exe", exe) != NULL, "realpath of the executable");
	f = proc_maps_find_addr(&maps, (uintptr_t)local_fn);
	ok(f && strcmp(f->path, exe) == 0 && f->perms[2] == 'x',
	   "a function lies in an executable mapping of the executable");
	m = proc_maps_find_addr(&maps, (uintptr_t)&data_var);
	ok(m && strcmp(m->path, exe) == 0 && m->perms[1] == 'w', "a static variable in its data");
	ok(m && f && m->dev == f->dev && m->ino == f->ino && m->ino != 0,
	   "text and data share dev and inode");
	ok(proc_maps_find_addr(&maps, 0x1000) == NULL, "nothing at page 1");

	if (f) {
		off = (uintptr_t)local_fn - f->start + f->pgoff;
		ok(proc_maps_find_offset(&maps, m ? m : f, off) == f,
		   "the file offset of a function leads back to its mapping, from any mapping");
		ok(proc_maps_find_offset(&maps, f, 1ULL << 60) == NULL,
		   "no mapping holds a huge offset");
	}
	proc_maps_free(&maps);
}

/* Paths with spaces survive, and an unlinked file is flagged. */
static void test_spaces_and_deleted(void)
{
	char dir[] = "/tmp/utap-maps-XXXXXX", path[128];
	struct proc_maps maps;
	const struct proc_map *m;
	void *p = MAP_FAILED;
	int fd;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/has  two spaces.bin", dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd >= 0 && ftruncate(fd, 4096) == 0)
		p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	ok(p != MAP_FAILED, "map a file whose name has spaces");
	if (p == MAP_FAILED)
		goto out;

	is_int(proc_maps_read(getpid(), &maps), 0, "read maps");
	m = proc_maps_find_addr(&maps, (uintptr_t)p);
	ok(m && strcmp(m->path, path) == 0 && !m->deleted, "the path keeps its spaces");
	proc_maps_free(&maps);

	unlink(path);
	is_int(proc_maps_read(getpid(), &maps), 0, "read maps after unlink");
	m = proc_maps_find_addr(&maps, (uintptr_t)p);
	ok(m && strcmp(m->path, path) == 0, "' (deleted)' is stripped from the path");
	ok(m && m->deleted, "and the mapping is flagged deleted");
	proc_maps_free(&maps);
	munmap(p, 4096);
out:
	if (fd >= 0)
		close(fd);
	unlink(path);
	rmdir(dir);
}

static void test_gone(void)
{
	struct proc_maps maps;
	pid_t pid;

	fflush(stdout); /* or the child's copy of the buffer prints twice */
	pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	is_int(proc_maps_read(pid, &maps), -ESRCH, "a reaped process: ESRCH");
	ok(maps.n == 0 && maps.map == NULL, "and an empty map");
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* Is every byte of [gap, gap + size) within 2 GiB of every byte of [lo, hi)?
 * The farthest pairs are pairs of ends. */
static bool within(uint64_t gap, uint64_t size, uint64_t lo, uint64_t hi)
{
	uint64_t ends_a[] = {gap, gap + size - 1}, ends_b[] = {lo, hi - 1};
	int i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < 2; j++) {
			if (absdiff(ends_a[i], ends_b[j]) >= 2 * GiB)
				return false;
		}
	}
	return true;
}

static void test_gap_live(void)
{
	const struct proc_map *f, *m;
	uint64_t lo = UINT64_MAX, hi = 0, gap, size = 4096;
	struct proc_maps maps;
	void *p;
	size_t i;

	if (proc_maps_read(getpid(), &maps) < 0) {
		ok(0, "read maps");
		return;
	}
	/* The executable's whole span, as an XOL page for it would need. */
	f = proc_maps_find_addr(&maps, (uintptr_t)local_fn);
	for (i = 0; f && i < maps.n; i++) {
		m = &maps.map[i];
		if (m->dev == f->dev && m->ino == f->ino) {
			lo = m->start < lo ? m->start : lo;
			hi = m->end > hi ? m->end : hi;
		}
	}
	gap = f ? proc_maps_find_gap_near(&maps, lo, hi, size) : 0;
	ok(gap != 0 && gap % 4096 == 0, "a page-aligned gap near the executable: %#llx",
	   (unsigned long long)gap);
	ok(gap && within(gap, size, lo, hi),
	   "every byte of it within 2 GiB of every byte of the module");
	for (i = 0; gap && i < maps.n; i++) {
		if (gap < maps.map[i].end && maps.map[i].start < gap + size)
			break;
	}
	ok(gap && i == maps.n, "it overlaps no mapping");
	p = gap ? mmap((void *)(uintptr_t)gap, size, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)
		: MAP_FAILED;
	ok(p == (void *)(uintptr_t)gap, "mmap MAP_FIXED_NOREPLACE there succeeds");
	if (p != MAP_FAILED)
		munmap(p, size);

	/* The same for libc, whose neighbours are other libraries. */
	m = proc_maps_find_addr(&maps, (uintptr_t)memcpy);
	if (m) {
		gap = proc_maps_find_gap_near(&maps, m->start, m->end, 3 * 4096);
		p = gap ? mmap((void *)(uintptr_t)gap, 3 * 4096, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0)
			: MAP_FAILED;
		ok(p != MAP_FAILED && within(gap, 3 * 4096, m->start, m->end),
		   "a 3-page gap near libc's text is free and in reach");
		if (p != MAP_FAILED)
			munmap(p, 3 * 4096);
	}
	proc_maps_free(&maps);
}

/* Hand-made maps: which hole wins, and when there is none. */
static void test_gap_table(void)
{
	const uint64_t lo = 0x100000000ULL;
	struct proc_map m[] = {
	    {.start = 0x10000, .end = 0x40000000, .path = ""},
	    {.start = 0xf0000000, .end = lo, .path = "/lib/y.so"},
	    {.start = lo, .end = lo + 0x100000, .path = "/bin/x"},
	    {.start = lo + 0x200000, .end = lo + 0x300000, .path = "[heap]"},
	    {.start = 0x7ff000000000ULL, .end = 0x7ff000100000ULL, .path = "[stack]"},
	};
	struct proc_maps maps = {m, 5};
	uint64_t gap;

	gap = proc_maps_find_gap_near(&maps, lo, m[2].end, 4096);
	is_int(gap, m[2].end, "the hole right after the module wins");

	/* The module now reaches the heap: the next best is below y.so. */
	m[2].end = m[3].start;
	gap = proc_maps_find_gap_near(&maps, lo, m[2].end, 4096);
	is_int(gap, 0xf0000000 - 4096, "then the top of the hole below the library");

	/* Nothing below, and the heap 4 GiB long: nothing in reach. */
	m[0].end = m[1].start;
	m[3].end = lo + 4 * GiB;
	gap = proc_maps_find_gap_near(&maps, lo, m[2].end, 4096);
	is_int(gap, 0, "walled in: no gap");

	/* The space just above [heap] is left for brk to grow into. */
	m[3].end = lo + 0x300000;
	gap = proc_maps_find_gap_near(&maps, lo, m[2].end, 4096);
	is_int(gap, m[3].end + GiB, "above [heap], 1 GiB clear of it");
	ok(within(gap, 4096, lo, m[2].end), "and still in reach");

	is_int(proc_maps_find_gap_near(&maps, lo, lo + 5 * GiB, 4096), 0,
	       "a module wider than rel32 can cross: no gap");
	is_int(proc_maps_find_gap_near(&maps, lo, m[2].end, 0), 0, "size 0: no gap");
}

int main(void)
{
	test_self();
	test_spaces_and_deleted();
	test_gone();
	test_gap_live();
	test_gap_table();
	return tap_done();
}
