/* mem.h: reading and writing a tracee's memory. */
#ifndef UTAP_PROC_MEM_H
#define UTAP_PROC_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Read N bytes at ADDR of process/thread PID with process_vm_readv (one
 * syscall). Returns 0, or -EFAULT when any byte is unreadable, -ESRCH... */
int mem_read(pid_t pid, uint64_t addr, void *buf, size_t n);
/* Up to N bytes at ADDR, one syscall: how many were read (fewer when the
 * mapping ends first), or -errno when not even the first byte could be. */
ssize_t mem_read_some(pid_t pid, uint64_t addr, void *buf, size_t n);
/* Write to writable memory (stacks, data) with process_vm_writev. */
int mem_write(pid_t pid, uint64_t addr, const void *buf, size_t n);
/* Open /proc/PID/mem for writing text (read-only pages: the kernel copies
 * them on write, as for a debugger). Returns an fd or -errno. */
int mem_open(pid_t pid);
/* Write through such an fd. Returns 0 or -errno. */
int mem_poke(int memfd, uint64_t addr, const void *buf, size_t n);
int mem_peek(int memfd, uint64_t addr, void *buf, size_t n);

#endif
