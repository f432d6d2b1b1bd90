/* internal.h: what the files of src/unwind/ share; nothing outside src/unwind/ includes it. */
#ifndef UTAP_UNWIND_INTERNAL_H
#define UTAP_UNWIND_INTERNAL_H

#include <libunwind.h>

#include "unwind/unwind.h"

/* The frames libunwind finds from a cursor set up with unw_init_remote
 * (ARG for the accessors), after frame 0 (REGS' ip): at most MAX in all. */
int unwind_walk(unw_addr_space_t as, void *arg, const struct arch_regs *regs,
		struct unwind_frame *frames, int max);

/* An access_reg accessor's answer from REGS (registers are read-only). */
int unwind_reg(const struct arch_regs *regs, unw_regnum_t reg, unw_word_t *val, int write);

/* upt.c: the same walk with libunwind's own ptrace accessors, for the
 * benchmark's comparison (UTAP_UNWIND=ptrace).  -errno if unavailable. */
int unwind_upt_stack(pid_t tid, const struct arch_regs *regs, struct unwind_frame *frames,
		     int max);
void unwind_upt_free(void);

#endif
