/* mem.c: tracee memory access: process_vm_readv/writev, /proc/PID/mem for text. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

#include "proc/mem.h"

int mem_read(pid_t pid, uint64_t addr, void *buf, size_t n)
{
	struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)addr, n};
	ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (got < 0)
		return -errno;
	return (size_t)got == n ? 0 : -EFAULT;
}

ssize_t mem_read_some(pid_t pid, uint64_t addr, void *buf, size_t n)
{
	struct iovec local = {buf, n}, remote = {(void *)(uintptr_t)addr, n};
	ssize_t got = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	return got < 0 ? -errno : got;
}

int mem_write(pid_t pid, uint64_t addr, const void *buf, size_t n)
{
	struct iovec local = {(void *)buf, n}, remote = {(void *)(uintptr_t)addr, n};
	ssize_t put = process_vm_writev(pid, &local, 1, &remote, 1, 0);

	if (put < 0)
		return -errno;
	return (size_t)put == n ? 0 : -EFAULT;
}

int mem_open(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int mem_poke(int memfd, uint64_t addr, const void *buf, size_t n)
{
	ssize_t put = pwrite(memfd, buf, n, (off_t)addr);

	if (put < 0)
		return -errno;
	return (size_t)put == n ? 0 : -EFAULT;
}

int mem_peek(int memfd, uint64_t addr, void *buf, size_t n)
{
	ssize_t got = pread(memfd, buf, n, (off_t)addr);

	if (got < 0)
		return -errno;
	return (size_t)got == n ? 0 : -EFAULT;
}
