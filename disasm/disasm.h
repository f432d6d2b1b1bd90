/* disasm.h: decode one machine instruction into a plain record (capstone inside). */
#ifndef UTAP_DISASM_H
#define UTAP_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * disasm/ only says what an instruction IS; whether and how to probe it is
 * decided in arch/. Register and instruction ids are capstone's own
 * (X86_REG_*, X86_INS_*): only the arch layer interprets them.
 */

/* What an instruction does to control flow and privilege (bit flags). */
enum dis_kind {
	DIS_JUMP = 1 << 0, /* jmp, jcc, jrcxz, xbegin (not loop) */
	DIS_CALL = 1 << 1,
	DIS_RET = 1 << 2,
	DIS_INT = 1 << 3, /* int3, int N, int1, syscall, sysenter */
	DIS_IRET = 1 << 4,
	DIS_PRIVILEGED = 1 << 5,   /* faults outside ring 0 */
	DIS_RELATIVE = 1 << 6,	   /* has a target relative to the next ip */
	DIS_NOT_64BIT = 1 << 7,	   /* invalid in 64-bit mode */
	DIS_RIP_RELATIVE = 1 << 8, /* a memory operand is rip-relative */
};

enum dis_operand_type {
	DIS_OP_NONE = 0,
	DIS_OP_REG,
	DIS_OP_IMM,
	DIS_OP_MEM,
};

struct dis_operand {
	enum dis_operand_type type;
	unsigned size; /* bytes */
	unsigned reg;  /* DIS_OP_REG: capstone register id */
	int64_t imm;   /* DIS_OP_IMM (relative targets already absolute) */
	struct {
		unsigned segment; /* capstone register id, 0 when none */
		unsigned base;	  /* capstone register id, 0 when none */
		unsigned index;	  /* capstone register id, 0 when none */
		int scale;
		int64_t disp;
	} mem;
};

#define DIS_MAX_OPERANDS 8
#define DIS_MAX_LEN 15 /* the longest x86 instruction */

struct dis_insn {
	uint64_t addr;
	unsigned len;
	uint8_t bytes[16];
	unsigned id;   /* capstone instruction id, for the arch layer */
	unsigned kind; /* enum dis_kind flags */

	/* Encoding, as byte offsets into bytes[] (0 = absent, except prefixes). */
	uint8_t prefixes[DIS_MAX_LEN]; /* legacy prefixes, in encoding order */
	unsigned nprefixes;
	uint8_t rex;		/* REX byte or 0 */
	unsigned opcode_offset; /* first opcode byte (VEX/EVEX start here) */
	uint8_t opcode[4];	/* opcode bytes as capstone reports them */
	uint8_t modrm;
	unsigned modrm_offset;
	unsigned disp_offset, disp_size;
	unsigned imm_offset, imm_size;
	int64_t disp;	    /* raw displacement when disp_size != 0 */
	unsigned addr_size; /* bytes: 8, or 4 with an address-size prefix */

	bool has_target; /* DIS_RELATIVE: the absolute branch target */
	uint64_t target;

	unsigned op_count;
	struct dis_operand op[DIS_MAX_OPERANDS]; /* Intel operand order */

	char mnemonic[32]; /* AT&T syntax, as objdump prints it */
	char op_str[160];
};

/* A decoder: two capstone handles (detail in Intel operand order; AT&T text). */
struct dis {
	uintptr_t detail_handle;
	uintptr_t text_handle;
	void *detail_insn;
	void *text_insn;
};

/* Open a decoder for the host CPU. Returns 0, -ENOMEM or -EINVAL. */
int dis_open(struct dis *dis);
void dis_close(struct dis *dis);

/* Decode the instruction at the start of BYTES (N bytes available) as if
 * it were at ADDR. Returns 0, or -EINVAL if the bytes are not a valid
 * instruction (then INSN is zeroed). */
int dis_decode(struct dis *dis, const uint8_t *bytes, size_t n, uint64_t addr,
	       struct dis_insn *insn);

/* dis_decode without the text (MNEMONIC and OP_STR stay empty, except for
 * a register-form nop): half the cost, for walks over whole sections. */
int dis_decode_record(struct dis *dis, const uint8_t *bytes, size_t n, uint64_t addr,
		      struct dis_insn *insn);

/* dis_open + dis_decode + dis_close, for callers off the hot path. */
int dis_decode_once(const uint8_t *bytes, size_t n, uint64_t addr, struct dis_insn *insn);

/* "mnemonic op_str" into BUF (always terminated). */
void dis_format(const struct dis_insn *insn, char *buf, size_t len);

#endif
