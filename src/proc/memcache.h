/* memcache.h: a stopped thread's memory, read in one syscall for a whole hit. */
#ifndef UTAP_PROC_MEMCACHE_H
#define UTAP_PROC_MEMCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MEM_CACHE_BLOCKS 8
#define MEM_CACHE_BLOCK 320 /* covers a 256-byte string or struct from any start */

/* Valid for one stop only: the thread runs on, and its memory changes. */
struct mem_cache {
	pid_t pid;
	int n;
	struct {
		uint64_t start;
		uint32_t len; /* bytes actually read */
		uint8_t data[MEM_CACHE_BLOCK];
	} block[MEM_CACHE_BLOCKS];
};

void mem_cache_init(struct mem_cache *c, pid_t pid);

/* Read the blocks around ADDRS (each within its page) with one
 * process_vm_readv. Unreadable ones are simply not cached. */
void mem_cache_prefetch(struct mem_cache *c, const uint64_t *addrs, size_t n);

/* An arch_mem read callback (ctx = struct mem_cache *): from the cache
 * when it holds the range, else read directly. 0 or -EFAULT/-errno. */
int mem_cache_read(void *ctx, uint64_t addr, void *buf, size_t n);

#endif
