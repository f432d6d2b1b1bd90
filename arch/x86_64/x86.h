/* x86.h: what the x86-64 files share with each other, never seen by src/. */
#ifndef UTAP_ARCH_X86_64_X86_H
#define UTAP_ARCH_X86_64_X86_H

#include "arch/arch.h"

/* Write register INDEX (enum arch_x86_reg); unknown indices are ignored. */
void arch_x86_reg_set(struct arch_regs *regs, int index, uint64_t value);

#endif
