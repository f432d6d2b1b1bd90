/* arch.h: the only way into arch/<cpu>/: registers, ABI, breakpoint, step-over plans. */
#ifndef UTAP_ARCH_H
#define UTAP_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#if defined(__x86_64__)
#include "x86_64/regs.h" /* struct arch_regs, ARCH_* sizes */
#else
#error "utap: this CPU is not supported yet (x86-64 only)"
#endif

/* ---- registers --------------------------------------------------------- */

/* Read/write every general register of a stopped thread (one syscall each).
 * Return 0 or -errno (-ESRCH: the thread is gone). */
int arch_regs_get(pid_t tid, struct arch_regs *regs);
int arch_regs_set(pid_t tid, const struct arch_regs *regs);

uint64_t arch_ip(const struct arch_regs *regs);
void arch_set_ip(struct arch_regs *regs, uint64_t ip);
uint64_t arch_sp(const struct arch_regs *regs);
/* Integer return value register (rax). */
uint64_t arch_retval(const struct arch_regs *regs);
/* The thread pointer (x86-64: fs_base), where the C library keeps the
 * thread's descriptor and, below it, its static TLS. */
uint64_t arch_tls_base(const struct arch_regs *regs);
/* The general registers' values (those that can hold a program's
 * pointers: not the ip, flags or segments) into OUT; how many (<= MAX). */
size_t arch_regs_values(const struct arch_regs *regs, uint64_t *out, size_t max);
/* Bytes below the stack pointer that code may use without moving it. */
#define ARCH_STACK_RED_ZONE ARCH_RED_ZONE_BYTES

/* Register by the name uprobe_events uses ("di", "ax", "r8", "ip", "sp",
 * "flags", ...; a leading 'r' or 'e' form such as "rdi" is accepted too).
 * Returns a register index >= 0, or -1 if the name is unknown. */
int arch_reg_index(const char *name);
/* Canonical short name of a register index ("di"). */
const char *arch_reg_name(int index);
uint64_t arch_reg_value(const struct arch_regs *regs, int index);
/* Write register INDEX (an unknown index is ignored). */
void arch_set_reg(struct arch_regs *regs, int index, uint64_t value);
/* Set the stack pointer. */
void arch_set_sp(struct arch_regs *regs, uint64_t sp);
/* The register index of DWARF register number DWARF_REGNO (the psABI's
 * numbering, as in DW_OP_regN and DW_OP_bregN), or -1 if it is not a general
 * register (vector, x87, ...). */
int arch_dwarf_reg(unsigned dwarf_regno);
/* The register index of libunwind's register number UNW_REGNUM (as its
 * accessors are asked for), or -1 if utap does not keep that register. */
int arch_unwind_reg(int unw_regnum);
/* REGS of a thread at a function's first instruction, changed to what
 * they would be once the function set up its frame pointer, for walking
 * code without unwind tables by the frame-pointer chain: the stack word
 * that would then be written is *SLOT, holding *VALUE. */
void arch_unwind_entry_frame(struct arch_regs *regs, uint64_t *slot, uint64_t *value);
/* The registers as a script's print_regs() shows them (SystemTap's layout),
 * into BUF; snprintf's return. */
int arch_regs_text(const struct arch_regs *regs, char *buf, size_t n);
/* An SDT marker's argument SPEC[0..LEN) ("-4@%edi", "8@-8(%rbp)",
 * "-4@$42") as a one-liner fetch into FETCH ("%di:s32", "-8(%bp):u64",
 * "\42:s32").  0, -EINVAL (not SIZE@OPERAND), -ENOTSUP (an operand with an
 * index register or a symbol). */
int arch_sdt_arg(const char *spec, size_t len, char *fetch, size_t n);
/* The list of known register names, NULL-terminated, for hints. */
extern const char *const arch_reg_names[];

/* Where integer argument N (0-based, System V order) lives at function entry:
 * returns a register index (>= 0), or -1 and sets *stack_offset to the
 * offset from the stack pointer where it lives (return address included). */
int arch_arg_location(unsigned n, int64_t *stack_offset);

/* ---- floating point ----------------------------------------------------- */

/* Read the floating-point/vector registers of a stopped thread into REGS
 * (one syscall; only hits whose fetches need them pay it). 0 or -errno. */
int arch_fpregs_get(pid_t tid, struct arch_regs *regs);
/* The low 64 bits of FP register INDEX (xmm0..xmm15 are 0..15): a double,
 * or a float in the low 32 bits. 0 unless arch_fpregs_get filled REGS. */
uint64_t arch_fpreg_value(const struct arch_regs *regs, int index);
/* The FP register index of DWARF register DWARF_REGNO, or -1. */
int arch_dwarf_fpreg(unsigned dwarf_regno);
/* "xmm0". */
const char *arch_fpreg_name(int index);

/* ---- parameters at a function's entry (the calling convention) ------------ */

enum arch_param_class {
	ARCH_PARAM_INT,    /* integer, pointer, enum, bool, char: up to 8 bytes */
	ARCH_PARAM_FLOAT,  /* float, double */
	ARCH_PARAM_MEMORY, /* an aggregate passed in memory (over 16 bytes), long double */
	ARCH_PARAM_OTHER,  /* anything else (small aggregates, _Complex, ...) */
};

enum arch_loc_kind {
	ARCH_LOC_REG,     /* the value is in general register REG */
	ARCH_LOC_FPREG,   /* the value is in FP register REG */
	ARCH_LOC_STACK,   /* the object is in memory at sp + STACK_OFFSET */
	ARCH_LOC_UNKNOWN, /* the classes given cannot say (ARCH_PARAM_OTHER before it) */
};

struct arch_param_loc {
	enum arch_loc_kind kind;
	int reg;
	int64_t stack_offset;
};

/* Where each of N parameters (classes CLS, sizes SIZES in bytes) is at the
 * function's first instruction. HIDDEN_RETURN: the function returns an
 * aggregate in memory, so a hidden pointer takes the first integer
 * register. */
void arch_param_locations(const enum arch_param_class *cls, const size_t *sizes, size_t n,
			  bool hidden_return, struct arch_param_loc *out);
/* Where a return value of class CLS is when the function returns (a
 * register or FP register; ARCH_LOC_UNKNOWN for memory and other). */
struct arch_param_loc arch_return_location(enum arch_param_class cls);

/* At a function's first instruction, where its return address is stored. */
uint64_t arch_return_address_slot(const struct arch_regs *regs);

/* ---- breakpoints ---------------------------------------------------------- */

/* The trap instruction planted at a probe site (int3), its length. */
extern const uint8_t arch_trap_insn[];
extern const size_t arch_trap_len;
/* Address of the probe site, given the ip reported after a trap there. */
uint64_t arch_site_from_trap_ip(uint64_t ip);

/* ---- step-over plans ------------------------------------------------------ */

enum arch_step_mode {
	ARCH_STEP_AUTO = 0,   /* only as a request: take the best available */
	ARCH_STEP_EMULATE,    /* change registers (and stack) in the tracer */
	ARCH_STEP_XOL,        /* run a relocated copy in an out-of-line slot */
	ARCH_STEP_SINGLESTEP, /* stop the world, restore, single-step, re-plant */
	ARCH_STEP_REFUSE,     /* never probe this instruction */
};

const char *arch_step_mode_name(enum arch_step_mode mode);

/* Decided once, when a probe is planted; the hit path only executes it.
 * Arch-private fields are opaque to generic code. */
struct arch_step_plan {
	enum arch_step_mode mode;
	uint64_t addr;        /* address of the probed instruction */
	uint8_t insn[16];     /* its original bytes */
	unsigned len;         /* its length */
	char text[64];        /* "push %rbp" etc., for -S and -v */
	/* arch-private emulation recipe */
	int emu_op;
	int emu_reg;
	int64_t emu_imm;
	uint64_t emu_target;
	/* XOL: code to copy into the slot (filled by arch_xol_relocate) */
	uint8_t slot_code[ARCH_XOL_SLOT_SIZE];
	unsigned slot_len;
};

/* Decode the instruction at ADDR (BYTES holds N >= 16 bytes when available)
 * and choose how to step over it. REQUEST is ARCH_STEP_AUTO or a forced mode;
 * a forced mode that cannot handle the instruction falls back to the next
 * one in the order emulate, xol, singlestep, and WHY (if not NULL) gets a
 * one-line reason for every fallback or refusal ("" when none).
 * A plan in mode ARCH_STEP_XOL still needs arch_xol_relocate().
 * Returns 0, or -EINVAL if the bytes do not decode (WHY says so). */
int arch_step_plan(const uint8_t *bytes, size_t n, uint64_t addr,
		   enum arch_step_mode request, struct arch_step_plan *plan,
		   char *why, size_t whylen);

/* Build the slot code for a plan in mode XOL to run at SLOT_ADDR: the
 * instruction with rip-relative displacements recomputed, calls turned into
 * a push of the real return address plus a jump, then a jump back to
 * addr + len. Returns 0, or -ERANGE when a displacement cannot reach from
 * the slot (caller falls back to single-step). */
int arch_xol_relocate(struct arch_step_plan *plan, uint64_t slot_addr);

/* Memory access callbacks the emulator uses (stack push, ret, indirect). */
struct arch_mem {
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t n);
	int (*write)(void *ctx, uint64_t addr, const void *buf, size_t n);
	void *ctx;
};

/* Execute an emulate plan against REGS (ip ends after the instruction or
 * at the branch target). Returns 0 or a negative errno from MEM. */
int arch_emulate(const struct arch_step_plan *plan, struct arch_regs *regs,
		 const struct arch_mem *mem);

/* ---- code utap injects ---------------------------------------------------- */

/* Bytes for the return trampoline in the XOL page: a trap. */
extern const uint8_t arch_trampoline_code[];
extern const size_t arch_trampoline_len;

/* "syscall; int3": run by a hijacked thread to make a system call. */
extern const uint8_t arch_syscall_gadget[];
extern const size_t arch_syscall_gadget_len;

/* The fetch stub (fetchstub.c): a thread resumed there copies the memory
 * ranges listed in its slot (shared with utap) and goes on to the slot's
 * resume address with every register as it was. One copy per slot, each
 * ARCH_FETCH_STUB_STRIDE bytes, reaching its slot rip-relative. */
#define ARCH_FETCH_STUB_STRIDE 128
#define ARCH_FETCH_STUB_COPY 0x31 /* offset of the copying instruction */
#define ARCH_FETCH_SLOT_RESUME 0x00
#define ARCH_FETCH_SLOT_SEQ 0x08
#define ARCH_FETCH_SLOT_DONE 0x0c
#define ARCH_FETCH_SLOT_COUNT 0x10
#define ARCH_FETCH_SLOT_RANGES 0x18 /* 16 bytes each: u64 src, u32 len, u32 dst */
/* Write the stub for the slot at SLOT_ADDR, to live at CODE_ADDR, into CODE;
 * -1 when they are more than 2 GiB apart. */
int arch_fetch_stub_emit(uint8_t code[ARCH_FETCH_STUB_STRIDE], uint64_t code_addr,
			 uint64_t slot_addr);
/* Whether IP is inside the stub at CODE_ADDR, and at its copying instruction. */
bool arch_fetch_stub_contains(uint64_t code_addr, uint64_t ip);
bool arch_fetch_stub_at_copy(uint64_t code_addr, uint64_t ip);

/* Prepare REGS (a copy of the thread's registers) to run system call NR
 * with ARGS at the gadget at GADGET_ADDR; the kernel's syscall-restart
 * logic is disabled for the injected call. */
void arch_syscall_prepare(struct arch_regs *regs, long nr, const uint64_t args[6],
			  uint64_t gadget_addr);
/* Whether REGS (saved at a stop) are those of a thread interrupted in a
 * system call that the kernel restarts when the thread resumes. */
bool arch_syscall_restarts(const struct arch_regs *regs);
/* The result of an injected system call (negative errno on failure). */
int64_t arch_syscall_result(const struct arch_regs *regs);

/* Length of the instruction at ADDR, or -1 if it does not decode. */
int arch_insn_length(const uint8_t *bytes, size_t n, uint64_t addr);

/* ---- calls through the GOT (PLT probes) ------------------------------------ */

/* An indirect call or jump that reads its target from a word at a fixed,
 * pc-relative address (a GOT slot): a PLT stub's jump, or a call or tail
 * call compiled with -fno-plt. */
struct arch_got_branch {
	uint64_t addr; /* the branch, at its link-time address */
	unsigned len;
	uint64_t pad;  /* a landing pad (endbr64) right before it, where calls
			* to a stub arrive, or 0 */
	uint64_t slot; /* link-time address of the word it reads */
	bool call;     /* a call, which returns to addr + len; else a jump */
};

/* Decode CODE[0..N), at link-time address VADDR, one instruction after
 * another, and pass every such branch to FN (bytes that do not decode are
 * skipped). FN returning non-zero stops the walk. Returns 0, FN's value,
 * or -ENOMEM. */
int arch_got_branches(const uint8_t *code, size_t n, uint64_t vaddr,
		      int (*fn)(void *ctx, const struct arch_got_branch *b), void *ctx);

/* Whether ELF relocation type TYPE (of this CPU's files) stores a symbol's
 * address in a GOT word that calls go through (x86-64: JUMP_SLOT, GLOB_DAT). */
bool arch_reloc_got_slot(unsigned type);
/* The e_machine of this CPU's ELF files. */
extern const unsigned arch_elf_machine;

#endif
