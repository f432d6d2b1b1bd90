/* test_memcache.c: the per-hit memory cache serves what it prefetched in one
 * read, falls back to direct reads, never crosses a page, reports faults. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proc/memcache.h"
#include "tests/tap.h"

int main(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint8_t *area = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			     -1, 0);
	uint8_t *hole = area + page; /* made unreadable below */
	struct mem_cache c;
	uint64_t addrs[3], v = 0;
	char str[16];

	ok(area != MAP_FAILED, "scratch pages mapped");
	mprotect(hole, page, PROT_NONE);
	memset(area, 0, page);
	memcpy(area + 40, "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	strcpy((char *)area + page - 6, "tail!"); /* ends at the page end */

	/* Prefetched: served from the cache, so a change after the prefetch
	 * is not seen (the stop's snapshot), proving no second read. */
	mem_cache_init(&c, getpid());
	addrs[0] = (uintptr_t)(area + 40);
	addrs[1] = (uintptr_t)(area + page - 6);
	mem_cache_prefetch(&c, addrs, 2);
	is_int(c.n, 2, "two far-apart addresses: two blocks, read in one syscall");
	area[40] = 0x99;
	is_int(mem_cache_read(&c, (uintptr_t)(area + 40), &v, 8), 0, "cached read");
	is_int(v, 0x8877665544332211ull, "the value as it was at the prefetch");
	is_int(mem_cache_read(&c, (uintptr_t)(area + page - 6), str, 6), 0,
	       "the string at the page end: read (directly or cached)");
	is_str(str, "tail!", "and right");

	/* Unreadable memory: not cached, and the read fails. */
	mem_cache_init(&c, getpid());
	addrs[0] = (uintptr_t)hole;
	addrs[1] = (uintptr_t)(area + 2 * page + 8);
	memcpy(area + 2 * page + 8, "abcdefgh", 8);
	mem_cache_prefetch(&c, addrs, 2);
	is_int(mem_cache_read(&c, (uintptr_t)hole, &v, 8), -EFAULT, "a fault stays a fault");
	is_int(mem_cache_read(&c, (uintptr_t)(area + 2 * page + 8), str, 8), 0,
	       "a readable block after an unreadable one still reads (directly)");
	ok(memcmp(str, "abcdefgh", 8) == 0, "and right");

	/* No block crosses a page: a read across the hole fails, not garbage. */
	mem_cache_init(&c, getpid());
	addrs[0] = (uintptr_t)(area + page - 16);
	mem_cache_prefetch(&c, addrs, 1);
	is_int(mem_cache_read(&c, (uintptr_t)(area + page - 16), str, 16), 0,
	       "up to the page end: cached");
	is_int(mem_cache_read(&c, (uintptr_t)(area + page - 8), str, 16), -EFAULT,
	       "past the page end into the hole: -EFAULT");
	return tap_done();
}
