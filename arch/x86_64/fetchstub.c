/* fetchstub.c: the code a thread runs to copy a hit's memory for utap.
 *
 * At a hit whose fetches read memory, utap writes the ranges to copy into
 * the thread's slot of a memory area it shares with the tracee, and resumes
 * the thread here instead of paying a process_vm_readv. The code copies each
 * range into the slot, marks the slot done, restores every register it used
 * and the flags, and jumps to where the thread would have gone (the slot's
 * resume word). It stays out of the 128-byte red zone and calls nothing.
 * A fault while copying (a bad pointer) stops the thread with SIGSEGV at
 * the rep movsb: utap then puts back the registers it resumed the thread
 * with and reads the memory itself.
 *
 * Slot layout (shared with src/backend/ptrace/fetchstub.c through arch.h):
 *   +0x00 u64 resume   +0x08 u32 seq   +0x0c u32 done   +0x10 u32 n
 *   +0x18 + 16*i: u64 src, u32 len (+0x20), u32 dst offset in the slot (+0x24)
 */
#include <string.h>

#include "arch/arch.h"

/* as(1) assembled this from:
 *	lea  -128(%rsp), %rsp		# below the red zone
 *	pushfq
 *	push %rax; push %rcx; push %rdx; push %rsi; push %rdi
 *	lea  SLOT(%rip), %rdx
 *	cld
 *	xor  %eax, %eax
 * 1:	cmp  0x10(%rdx), %eax		# i < n
 *	jae  2f
 *	mov  %rax, %rcx
 *	shl  $4, %rcx
 *	mov  0x18(%rdx,%rcx), %rsi	# src
 *	mov  0x24(%rdx,%rcx), %edi	# dst offset
 *	add  %rdx, %rdi
 *	mov  0x20(%rdx,%rcx), %ecx	# len
 *	rep movsb			# ARCH_FETCH_STUB_COPY
 *	inc  %eax
 *	jmp  1b
 * 2:	mov  0x8(%rdx), %eax		# done = seq
 *	mov  %eax, 0xc(%rdx)
 *	pop  %rdi; pop %rsi; pop %rdx; pop %rcx; pop %rax
 *	popfq
 *	lea  128(%rsp), %rsp
 *	jmp  *SLOT(%rip)		# resume
 */
static const uint8_t stub[] = {
	0x48, 0x8d, 0x64, 0x24, 0x80, 0x9c, 0x50, 0x51, 0x52, 0x56, 0x57,
	0x48, 0x8d, 0x15, 0, 0, 0, 0, /* lea SLOT(%rip), %rdx */
	0xfc, 0x31, 0xc0, 0x3b, 0x42, 0x10, 0x73, 0x1d, 0x48, 0x89, 0xc1, 0x48, 0xc1, 0xe1,
	0x04, 0x48, 0x8b, 0x74, 0x0a, 0x18, 0x8b, 0x7c, 0x0a, 0x24, 0x48, 0x01, 0xd7, 0x8b,
	0x4c, 0x0a, 0x20, 0xf3, 0xa4, 0xff, 0xc0, 0xeb, 0xde, 0x8b, 0x42, 0x08, 0x89, 0x42,
	0x0c, 0x5f, 0x5e, 0x5a, 0x59, 0x58, 0x9d, 0x48, 0x8d, 0xa4, 0x24, 0x80, 0x00, 0x00,
	0x00,
	0xff, 0x25, 0, 0, 0, 0, /* jmp *SLOT(%rip) */
};

enum {
	LEA_DISP = 0x0e, LEA_END = 0x12,  /* the lea's disp32, and where it ends */
	JMP_DISP = 0x4d, JMP_END = 0x51,
};

_Static_assert(sizeof(stub) == JMP_END, "stub length");
_Static_assert(sizeof(stub) <= ARCH_FETCH_STUB_STRIDE, "stub stride");

static int put_disp(uint8_t *code, unsigned at, uint64_t from, uint64_t to)
{
	int64_t d = (int64_t)(to - from);
	int32_t d32 = (int32_t)d;

	if (d != d32)
		return -1;
	memcpy(code + at, &d32, sizeof(d32));
	return 0;
}

int arch_fetch_stub_emit(uint8_t code[ARCH_FETCH_STUB_STRIDE], uint64_t code_addr,
			 uint64_t slot_addr)
{
	memset(code, arch_trap_insn[0], ARCH_FETCH_STUB_STRIDE); /* stray jumps trap */
	memcpy(code, stub, sizeof(stub));
	if (put_disp(code, LEA_DISP, code_addr + LEA_END, slot_addr) < 0 ||
	    put_disp(code, JMP_DISP, code_addr + JMP_END, slot_addr + ARCH_FETCH_SLOT_RESUME) < 0)
		return -1;
	return 0;
}

bool arch_fetch_stub_contains(uint64_t code_addr, uint64_t ip)
{
	return ip >= code_addr && ip < code_addr + sizeof(stub);
}

bool arch_fetch_stub_at_copy(uint64_t code_addr, uint64_t ip)
{
	return ip == code_addr + ARCH_FETCH_STUB_COPY;
}
