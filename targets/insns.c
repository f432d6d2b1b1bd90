/* insns.c: functions whose first (or probed) instruction is each kind the step-over engine handles, in asm the compiler cannot change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * Every ins_* function returns something that depends on its argument or on
 * data it reaches through the probed instruction, so a step-over that gets
 * the instruction wrong changes what main() prints. call_* wrappers set up
 * what a function needs before its first instruction (flags for a jcc, %eax
 * for a syscall, a saved %rbp for mov %rsp,%rbp); they are not probed.
 * ins_off_* are offsets of probed instructions inside their function.
 */
#define FUNC(name) "\t.globl " #name "\n\t.type " #name ", @function\n" #name ":\n"
#define END(name) "\t.size " #name ", .-" #name "\n"

asm("\t.data\n"
    "\t.p2align 3\n"
    "ins_value:\t.long 0x1234\n"
    "ins_three:\t.long 3\n"
    "ins_counter:\t.long 0\n"
    "ins_counter2:\t.long 0\n"
    "ins_store:\t.long 0\n"
    "\t.p2align 3\n"
    "ins_qvalue:\t.quad 1000\n"
    "ins_fptr:\t.quad ins_helper\n"
    "ins_dbl:\t.double 126.0\n"
    "\t.section .rodata\n"
    "\t.globl ins_off_jcc, ins_off_syscall, ins_off_sub32_next\n"
    "ins_off_jcc:\t.long .Ljcc_at - ins_jcc_off\n"
    "ins_off_syscall:\t.long .Lsys_at - ins_syscall\n"
    "ins_off_sub32_next:\t.long .Lsub32_next - ins_sub32\n"
    "\t.text\n"

    FUNC(ins_helper) "\tmov $111, %eax\n\tret\n" END(ins_helper)
    FUNC(ins_helper2) "\tlea 114(%rdi), %eax\n\tret\n" END(ins_helper2)

    /* endbr64 */
    FUNC(ins_endbr) "\tendbr64\n\tlea 101(%rdi), %eax\n\tret\n" END(ins_endbr)
    /* push %rbp; mov %rsp,%rbp: the classic prologue */
    FUNC(ins_push_rbp)
    "\tpush %rbp\n\tmov %rsp, %rbp\n\tlea 102(%rdi), %eax\n\tpop %rbp\n\tret\n"
    END(ins_push_rbp)
    /* push %r12: REX prefix */
    FUNC(ins_push_r12)
    "\tpush %r12\n\tlea 103(%rdi), %r12\n\tmov %r12, %rax\n\tpop %r12\n\tret\n"
    END(ins_push_r12)
    /* sub $imm8,%rsp */
    FUNC(ins_sub8)
    "\tsub $8, %rsp\n\tmov %rdi, (%rsp)\n\tmov (%rsp), %rax\n"
    "\tadd $104, %rax\n\tadd $8, %rsp\n\tret\n"
    END(ins_sub8)
    /* sub $imm32,%rsp */
    FUNC(ins_sub32)
    "\tsub $0x1008, %rsp\n.Lsub32_next:\n\tmov %rdi, 0x1000(%rsp)\n"
    "\tmov 0x1000(%rsp), %rax\n\tadd $105, %rax\n\tadd $0x1008, %rsp\n\tret\n"
    END(ins_sub32)
    /* mov %rsp,%rbp as the first instruction; returns 106 only if %rbp == %rsp */
    FUNC(ins_mov_rsp_rbp)
    "\tmov %rsp, %rbp\n\tlea 8(%rbp), %rax\n\tsub %rsp, %rax\n"
    "\tadd $98, %rax\n\tadd %rdi, %rax\n\tret\n"
    END(ins_mov_rsp_rbp)
    FUNC(call_mov_rsp_rbp)
    "\tpush %rbp\n\tcall ins_mov_rsp_rbp\n\tpop %rbp\n\tret\n"
    END(call_mov_rsp_rbp)
    /* rip-relative load */
    FUNC(ins_rip_mov)
    "\tmov ins_value(%rip), %eax\n\tadd %edi, %eax\n\tret\n"
    END(ins_rip_mov)
    /* rip-relative read-modify-write: the running sum is printed */
    FUNC(ins_rip_add)
    "\taddl %edi, ins_counter(%rip)\n\tmov ins_counter(%rip), %eax\n\tret\n"
    END(ins_rip_add)
    /* rip-relative store */
    FUNC(ins_rip_store)
    "\tmov %edi, ins_store(%rip)\n\tmov ins_store(%rip), %eax\n"
    "\tadd $125, %eax\n\tret\n"
    END(ins_rip_store)
    /* lock prefix + rip-relative + imm8 */
    FUNC(ins_rip_lock)
    "\tlock addl $2, ins_counter2(%rip)\n\tmov ins_counter2(%rip), %eax\n"
    "\tret\n"
    END(ins_rip_lock)
    /* lea rip-relative */
    FUNC(ins_rip_lea)
    "\tlea ins_value(%rip), %rax\n\tmov (%rax), %eax\n\tadd %edi, %eax\n"
    "\tadd $1, %eax\n\tret\n"
    END(ins_rip_lea)
    /* cmp $imm32, rip-relative: the immediate follows the displacement */
    FUNC(ins_rip_cmp32)
    "\tcmpl $0x1234, ins_value(%rip)\n\tjne 1f\n\tlea 110(%rdi), %eax\n"
    "\tret\n1:\txor %eax, %eax\n\tret\n"
    END(ins_rip_cmp32)
    /* cmp $imm8, rip-relative */
    FUNC(ins_rip_cmp8)
    "\tcmpl $3, ins_three(%rip)\n\tjne 1f\n\tlea 112(%rdi), %eax\n"
    "\tret\n1:\txor %eax, %eax\n\tret\n"
    END(ins_rip_cmp8)
    /* push rip-relative memory */
    FUNC(ins_rip_push)
    "\tpushq ins_qvalue(%rip)\n\tpop %rax\n\tadd %rdi, %rax\n\tret\n"
    END(ins_rip_push)
    /* SSE load, rip-relative, with a mandatory prefix */
    FUNC(ins_rip_sse)
    "\tmovsd ins_dbl(%rip), %xmm0\n\tcvttsd2si %xmm0, %eax\n"
    "\tadd %edi, %eax\n\tret\n"
    END(ins_rip_sse)
    /* call rel32 */
    FUNC(ins_call)
    "\tcall ins_helper\n\tadd %edi, %eax\n\tret\n"
    END(ins_call)
    /* call *rip-relative (a function pointer in .data) */
    FUNC(ins_call_ind)
    "\tcall *ins_fptr(%rip)\n\tadd %edi, %eax\n\tadd $1, %eax\n\tret\n"
    END(ins_call_ind)
    /* jmp rel8 over a ud2 */
    FUNC(ins_jmp8)
    "\t.byte 0xeb, 0x02\n\tud2\n\tlea 113(%rdi), %eax\n\tret\n"
    END(ins_jmp8)
    /* jmp rel32: a tail call */
    FUNC(ins_jmp32)
    "\t.byte 0xe9\n\t.long ins_helper2 - . - 4\n"
    END(ins_jmp32)
    /* jz rel8 as the first instruction; the caller's test set the flags */
    FUNC(ins_jcc_first)
    "\tjz 1f\n\tlea 115(%rdi), %eax\n\tret\n"
    "1:\tlea 116(%rdi), %eax\n\tret\n"
    END(ins_jcc_first)
    FUNC(call_jcc_first)
    "\ttest $1, %edi\n\tcall ins_jcc_first\n\tret\n"
    END(call_jcc_first)
    /* jz rel32 as the first instruction */
    FUNC(ins_jcc32_first)
    "\t.byte 0x0f, 0x84\n\t.long 1f - . - 4\n\tlea 117(%rdi), %eax\n\tret\n"
    "1:\tlea 118(%rdi), %eax\n\tret\n"
    END(ins_jcc32_first)
    FUNC(call_jcc32_first)
    "\ttest $1, %edi\n\tcall ins_jcc32_first\n\tret\n"
    END(call_jcc32_first)
    /* a jcc in the middle, probed at +ins_off_jcc */
    FUNC(ins_jcc_off)
    "\ttest $1, %edi\n.Ljcc_at:\n\tjne 1f\n\tlea 119(%rdi), %eax\n\tret\n"
    "1:\tlea 120(%rdi), %eax\n\tret\n"
    END(ins_jcc_off)
    /* ret as the only instruction */
    FUNC(ins_ret) "\tret\n" END(ins_ret)
    /* nop forms: 1, 2, 5 and 6 bytes */
    FUNC(ins_nop1) "\tnop\n\tlea 121(%rdi), %eax\n\tret\n" END(ins_nop1)
    FUNC(ins_nop2) "\t.byte 0x66, 0x90\n\tlea 127(%rdi), %eax\n\tret\n" END(ins_nop2)
    FUNC(ins_nop5)
    "\t.byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\tlea 122(%rdi), %eax\n\tret\n"
    END(ins_nop5)
    FUNC(ins_nop6)
    "\t.byte 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00\n\tlea 128(%rdi), %eax\n\tret\n"
    END(ins_nop6)
    /* plain register moves and ALU */
    FUNC(ins_mov_reg) "\tmov %rdi, %rax\n\tadd $123, %rax\n\tret\n" END(ins_mov_reg)
    FUNC(ins_xor)
    "\txor %eax, %eax\n\tlea 124(%rdi,%rax), %eax\n\tret\n"
    END(ins_xor)
    /* getpid by the syscall instruction; probed at entry and at the syscall */
    FUNC(ins_syscall)
    "\tmov $39, %eax\n.Lsys_at:\n\tsyscall\n\tret\n"
    END(ins_syscall)
    /* syscall as the first instruction */
    FUNC(ins_sys_first) "\tsyscall\n\tret\n" END(ins_sys_first)
    FUNC(call_sys_first)
    "\tmov $39, %eax\n\tcall ins_sys_first\n\tret\n"
    END(call_sys_first));

extern const int ins_off_jcc, ins_off_syscall, ins_off_sub32_next;

long ins_endbr(long), ins_push_rbp(long), ins_push_r12(long), ins_sub8(long),
	ins_sub32(long), call_mov_rsp_rbp(long), ins_rip_mov(long),
	ins_rip_add(long), ins_rip_store(long), ins_rip_lock(long),
	ins_rip_lea(long), ins_rip_cmp32(long), ins_rip_cmp8(long),
	ins_rip_push(long), ins_rip_sse(long), ins_call(long),
	ins_call_ind(long), ins_jmp8(long), ins_jmp32(long),
	call_jcc_first(long), call_jcc32_first(long), ins_jcc_off(long),
	ins_nop1(long), ins_nop2(long), ins_nop5(long), ins_nop6(long),
	ins_mov_reg(long), ins_xor(long), ins_syscall(long),
	call_sys_first(long);
void ins_ret(void);

static long do_ret(long i)
{
	ins_ret();
	return i;
}

struct insn_case {
	const char *sym;      /* the function probed */
	const int *offset;    /* probe at SYM+*offset, NULL: at entry */
	long (*call)(long);   /* how main() calls it */
	int is_pid;           /* returns our pid: printed as pid= */
	int may_refuse;       /* utap may refuse to probe it, as uprobes do */
};

static const struct insn_case cases[] = {
	{ "ins_endbr", NULL, ins_endbr },
	{ "ins_push_rbp", NULL, ins_push_rbp },
	{ "ins_push_r12", NULL, ins_push_r12 },
	{ "ins_sub8", NULL, ins_sub8 },
	{ "ins_sub32", NULL, ins_sub32 },
	{ "ins_mov_rsp_rbp", NULL, call_mov_rsp_rbp },
	{ "ins_rip_mov", NULL, ins_rip_mov },
	{ "ins_rip_add", NULL, ins_rip_add },
	{ "ins_rip_store", NULL, ins_rip_store },
	{ "ins_rip_lock", NULL, ins_rip_lock, 0, 1 },
	{ "ins_rip_lea", NULL, ins_rip_lea },
	{ "ins_rip_cmp32", NULL, ins_rip_cmp32 },
	{ "ins_rip_cmp8", NULL, ins_rip_cmp8 },
	{ "ins_rip_push", NULL, ins_rip_push },
	{ "ins_rip_sse", NULL, ins_rip_sse },
	{ "ins_call", NULL, ins_call },
	{ "ins_call_ind", NULL, ins_call_ind },
	{ "ins_jmp8", NULL, ins_jmp8 },
	{ "ins_jmp32", NULL, ins_jmp32 },
	{ "ins_jcc_first", NULL, call_jcc_first },
	{ "ins_jcc32_first", NULL, call_jcc32_first },
	{ "ins_jcc_off", &ins_off_jcc, ins_jcc_off },
	{ "ins_ret", NULL, do_ret },
	{ "ins_nop1", NULL, ins_nop1 },
	{ "ins_nop2", NULL, ins_nop2 },
	{ "ins_nop5", NULL, ins_nop5 },
	{ "ins_nop6", NULL, ins_nop6 },
	{ "ins_mov_reg", NULL, ins_mov_reg },
	{ "ins_xor", NULL, ins_xor },
	{ "ins_syscall", NULL, ins_syscall, 1 },
	{ "ins_sys_first", NULL, call_sys_first, 1 },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

/*
 * --probes: one line per probe point, "entry SYM[+OFF]" (hit once a round),
 * "return SYM" where the printed ret is the function's own return value,
 * "maybe SYM" for an entry utap may refuse (the kernel's uprobes refuse a
 * lock prefix): refused cleanly or traced right, both are fine,
 * "inside SYM+OFF" for an offset that falls inside an instruction.
 */
static void list_probes(void)
{
	size_t c;

	for (c = 0; c < NCASES; c++) {
		if (cases[c].may_refuse)
			printf("maybe %s\n", cases[c].sym);
		else if (cases[c].offset)
			printf("entry %s+%d\n", cases[c].sym, *cases[c].offset);
		else
			printf("entry %s\n", cases[c].sym);
	}
	for (c = 0; c < NCASES; c++)
		if (!cases[c].offset && !cases[c].is_pid &&
		    !cases[c].may_refuse && cases[c].call != do_ret)
			printf("return %s\n", cases[c].sym);
	/* the syscall instruction itself, besides ins_syscall's entry */
	printf("entry ins_syscall+%d\n", ins_off_syscall);
	printf("inside ins_sub32+%d\n", ins_off_sub32_next / 2);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	size_t c;
	long i;

	if (argc > 1 && strcmp(argv[1], "--probes") == 0) {
		list_probes();
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		for (c = 0; c < NCASES; c++) {
			long ret = cases[c].call(i);

			if (cases[c].is_pid)
				printf("call %s i=%ld pid=%ld getpid=%s\n", cases[c].sym,
				       i, ret, ret == getpid() ? "same" : "DIFFERENT");
			else
				printf("call %s i=%ld ret=%ld\n", cases[c].sym, i, ret);
		}
	}
	printf("insns cases=%zu rounds=%d\n", NCASES, n);
	return 0;
}
