/* fake_mem.h: a tracee's memory and registers for unit tests (header-only):
 * [FAKE_BASE, FAKE_BASE + sizeof(bytes)) is readable, everything else faults. */
#ifndef UTAP_TESTS_FAKE_MEM_H
#define UTAP_TESTS_FAKE_MEM_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "arch/arch.h"

#define BASE 0x10000u

static uint8_t bytes[4096];

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t n)
{
	(void)ctx;
	if (addr < BASE || addr > BASE + sizeof(bytes) || n > BASE + sizeof(bytes) - addr)
		return -EFAULT;
	memcpy(buf, bytes + (addr - BASE), n);
	return 0;
}

static struct arch_mem mem = {.read = fake_read};
static struct arch_regs regs;

#endif
