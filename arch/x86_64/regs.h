/* regs.h: x86-64 register file as utap keeps it for a stopped thread. */
#ifndef UTAP_ARCH_X86_64_REGS_H
#define UTAP_ARCH_X86_64_REGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/user.h>

struct arch_regs {
	struct user_regs_struct user;
	bool fp_valid;     /* XMM below was read (arch_fpregs_get) */
	uint64_t xmm[16];  /* the low 64 bits of xmm0..xmm15 */
};

/* The System V ABI's red zone below %rsp. */
#define ARCH_RED_ZONE_BYTES 128

/* Bytes per out-of-line slot; a 4 KiB page holds 64 of them. */
#define ARCH_XOL_SLOT_SIZE 64

/* Register indices returned by arch_reg_index(), in uprobe_events order. */
enum arch_x86_reg {
	ARCH_REG_AX,
	ARCH_REG_BX,
	ARCH_REG_CX,
	ARCH_REG_DX,
	ARCH_REG_SI,
	ARCH_REG_DI,
	ARCH_REG_BP,
	ARCH_REG_SP,
	ARCH_REG_R8,
	ARCH_REG_R9,
	ARCH_REG_R10,
	ARCH_REG_R11,
	ARCH_REG_R12,
	ARCH_REG_R13,
	ARCH_REG_R14,
	ARCH_REG_R15,
	ARCH_REG_IP,
	ARCH_REG_FLAGS,
	ARCH_REG_CS,
	ARCH_REG_SS,
	ARCH_REG_DS,
	ARCH_REG_ES,
	ARCH_REG_FS,
	ARCH_REG_GS,
	ARCH_REG_ORIG_AX,
	ARCH_REG_FS_BASE,
	ARCH_REG_GS_BASE,
	ARCH_REG_COUNT
};

/* EFLAGS bits the emulator computes. */
#define ARCH_FLAG_CF 0x0001
#define ARCH_FLAG_PF 0x0004
#define ARCH_FLAG_AF 0x0010
#define ARCH_FLAG_ZF 0x0040
#define ARCH_FLAG_SF 0x0080
#define ARCH_FLAG_TF 0x0100
#define ARCH_FLAG_DF 0x0400
#define ARCH_FLAG_OF 0x0800
#define ARCH_FLAGS_ARITH                                                                           \
	(ARCH_FLAG_CF | ARCH_FLAG_PF | ARCH_FLAG_AF | ARCH_FLAG_ZF | ARCH_FLAG_SF | ARCH_FLAG_OF)

#endif
