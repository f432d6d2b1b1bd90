/* regs.h: x86-64 register file as utap keeps it for a stopped thread. */
#ifndef UTAP_ARCH_X86_64_REGS_H
#define UTAP_ARCH_X86_64_REGS_H

#include <sys/user.h>

struct arch_regs {
	struct user_regs_struct user;
};

/* Bytes per out-of-line slot; a 4 KiB page holds 64 of them. */
#define ARCH_XOL_SLOT_SIZE 64

#endif
