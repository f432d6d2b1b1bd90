/* unwind.h: the call stack of a stopped thread, by libunwind over utap's own memory accessors. */
#ifndef UTAP_UNWIND_H
#define UTAP_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "arch/arch.h"
#include "dwarf/dwarf.h"

/* The unwind tables of the module mapping an address. */
struct unwind_table {
	uint64_t lo, hi; /* the module's address range */
	uint64_t hdr;    /* address of its .eh_frame_hdr in memory */
};

/* What the unwinder asks of the tracer about the thread it unwinds. */
struct unwind_ops {
	/* Up to N bytes of the tracee's memory at ADDR: how many were read
	 * (short at the end of a mapping), or -errno. */
	ssize_t (*read)(void *ctx, uint64_t addr, void *buf, size_t n);
	/* N bytes at ADDR if they lie in a module's code or read-only data,
	 * from its file (no syscall): 0, or -ENOENT when they do not. */
	int (*read_image)(void *ctx, uint64_t addr, void *buf, size_t n);
	/* The unwind tables for code address ADDR: 0, or -ENOENT. */
	int (*table)(void *ctx, uint64_t addr, struct unwind_table *out);
	/* If the 8-byte stack slot at ADDR holds a value the tracer put there
	 * (a return address replaced by its trampoline), the real value. */
	bool (*real_slot)(void *ctx, uint64_t addr, uint64_t *value);
	/* For code the unwind tables above do not cover: its rules from the
	 * module's .debug_frame.  0, or -ENOENT / -ENOTSUP.  May be NULL. */
	int (*debug_frame)(void *ctx, uint64_t pc, struct dwarf_cfi_rules *out);
};

struct unwind_frame {
	uint64_t pc;
	bool is_return; /* PC is a return address: the call is just before it */
};

struct unwinder; /* libunwind's view of one address space, with its caches */

/* 0 or -ENOMEM. */
int unwind_new(struct unwinder **out);
void unwind_free(struct unwinder *u);
/* Forget cached unwind info: code was mapped or unmapped. */
void unwind_flush(struct unwinder *u);

/* Walk the stack of thread TID, stopped with registers REGS, innermost
 * frame first, into at most MAX FRAMES: frame 0 is REGS' ip.  CFI
 * (.eh_frame by libunwind, else .debug_frame's rules) where the module
 * has it, else the frame-pointer chain
 * (AT_ENTRY: REGS' ip is a function's first instruction, whose frame
 * pointer is still the caller's).
 * Stack memory is read two pages at a time and kept for the call.
 * Returns how many frames (>= 1 when MAX >= 1).  With UTAP_UNWIND=ptrace
 * in the environment, libunwind's own ptrace accessors do the reading
 * instead (for the benchmark; OPS is then not used). */
int unwind_stack(struct unwinder *u, pid_t tid, const struct arch_regs *regs, bool at_entry,
		 const struct unwind_ops *ops, void *ctx, struct unwind_frame *frames, int max);

#endif
