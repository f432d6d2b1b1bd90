/* disasm.c: capstone wrapper that turns one x86-64 instruction into a dis_insn. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <capstone/capstone.h>

#include "disasm/disasm.h"

#if !defined(__x86_64__)
#error "disasm: only x86-64 is decoded so far"
#endif

int dis_open(struct dis *dis)
{
	csh detail, text;

	memset(dis, 0, sizeof(*dis));
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &detail) != CS_ERR_OK)
		return -EINVAL;
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &text) != CS_ERR_OK) {
		cs_close(&detail);
		return -EINVAL;
	}
	/*
	 * Two handles because capstone orders detail operands by syntax:
	 * the record keeps Intel order (destination first) while the text
	 * users read is AT&T, as objdump and perf print it.
	 */
	cs_option(detail, CS_OPT_DETAIL, CS_OPT_ON);
	cs_option(text, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	dis->detail_handle = detail;
	dis->text_handle = text;
	dis->detail_insn = cs_malloc(detail);
	dis->text_insn = cs_malloc(text);
	if (!dis->detail_insn || !dis->text_insn) {
		dis_close(dis);
		return -ENOMEM;
	}
	return 0;
}

void dis_close(struct dis *dis)
{
	csh handle;

	if (dis->detail_insn)
		cs_free(dis->detail_insn, 1);
	if (dis->text_insn)
		cs_free(dis->text_insn, 1);
	if (dis->detail_handle) {
		handle = dis->detail_handle;
		cs_close(&handle);
	}
	if (dis->text_handle) {
		handle = dis->text_handle;
		cs_close(&handle);
	}
	memset(dis, 0, sizeof(*dis));
}

static bool is_legacy_prefix(uint8_t byte)
{
	switch (byte) {
	case 0xf0:
	case 0xf2:
	case 0xf3: /* lock, repne/bnd, rep */
	case 0x26:
	case 0x2e:
	case 0x36:
	case 0x3e: /* es cs ss ds */
	case 0x64:
	case 0x65: /* fs gs */
	case 0x66:
	case 0x67: /* operand, address size */
		return true;
	}
	return false;
}

/*
 * capstone keeps one prefix per group and hides some (a rep before ret),
 * so list the legacy prefixes from the bytes themselves: the arch layer
 * must see every one to refuse what the kernel refuses.
 */
static void scan_prefixes(struct dis_insn *insn)
{
	unsigned i = 0;

	while (i < insn->len && is_legacy_prefix(insn->bytes[i]))
		insn->prefixes[insn->nprefixes++] = insn->bytes[i++];
	if (i < insn->len && (insn->bytes[i] & 0xf0) == 0x40)
		insn->rex = insn->bytes[i++];
	insn->opcode_offset = i;
}

static unsigned kind_from_groups(const cs_detail *detail)
{
	unsigned kind = 0;
	unsigned i;

	for (i = 0; i < detail->groups_count; i++) {
		switch (detail->groups[i]) {
		case X86_GRP_JUMP:
			kind |= DIS_JUMP;
			break;
		case X86_GRP_CALL:
			kind |= DIS_CALL;
			break;
		case X86_GRP_RET:
			kind |= DIS_RET;
			break;
		case X86_GRP_INT:
			kind |= DIS_INT;
			break;
		case X86_GRP_IRET:
			kind |= DIS_IRET;
			break;
		case X86_GRP_PRIVILEGE:
			kind |= DIS_PRIVILEGED;
			break;
		case X86_GRP_BRANCH_RELATIVE:
			kind |= DIS_RELATIVE;
			break;
		case X86_GRP_NOT64BITMODE:
			kind |= DIS_NOT_64BIT;
			break;
		}
	}
	return kind;
}

static void copy_operands(const cs_x86 *x86, struct dis_insn *insn)
{
	unsigned i;

	insn->op_count = x86->op_count;
	if (insn->op_count > DIS_MAX_OPERANDS)
		insn->op_count = DIS_MAX_OPERANDS;
	for (i = 0; i < insn->op_count; i++) {
		const cs_x86_op *src = &x86->operands[i];
		struct dis_operand *dst = &insn->op[i];

		dst->size = src->size;
		switch (src->type) {
		case X86_OP_REG:
			dst->type = DIS_OP_REG;
			dst->reg = src->reg;
			break;
		case X86_OP_IMM:
			dst->type = DIS_OP_IMM;
			dst->imm = src->imm;
			break;
		case X86_OP_MEM:
			dst->type = DIS_OP_MEM;
			dst->mem.segment = src->mem.segment;
			dst->mem.base = src->mem.base;
			dst->mem.index = src->mem.index;
			dst->mem.scale = src->mem.scale;
			dst->mem.disp = src->mem.disp;
			if (src->mem.base == X86_REG_RIP || src->mem.base == X86_REG_EIP)
				insn->kind |= DIS_RIP_RELATIVE;
			break;
		default:
			dst->type = DIS_OP_NONE;
			break;
		}
	}
}

/*
 * capstone 4 rejects the register form of the multi-byte nop (0f 1f /0
 * with mod = 11), which CPUs execute as a nop: decode it here.
 */
static int decode_register_nop(const uint8_t *bytes, size_t n, uint64_t addr, struct dis_insn *insn)
{
	size_t i = 0;

	while (i < n && i < DIS_MAX_LEN &&
	       (bytes[i] == 0x66 || bytes[i] == 0x2e || bytes[i] == 0x3e || bytes[i] == 0x26 ||
		bytes[i] == 0x36 || bytes[i] == 0x64 || bytes[i] == 0x65))
		i++;
	if (i < n && (bytes[i] & 0xf0) == 0x40)
		i++;
	if (i + 3 > n || i + 3 > DIS_MAX_LEN || bytes[i] != 0x0f || bytes[i + 1] != 0x1f ||
	    (bytes[i + 2] & 0xc0) != 0xc0)
		return -EINVAL;
	insn->addr = addr;
	insn->len = (unsigned)i + 3;
	memcpy(insn->bytes, bytes, insn->len);
	insn->id = X86_INS_NOP;
	scan_prefixes(insn);
	insn->opcode[0] = 0x0f;
	insn->opcode[1] = 0x1f;
	insn->modrm = bytes[i + 2];
	insn->modrm_offset = (unsigned)i + 2;
	insn->addr_size = 8;
	snprintf(insn->mnemonic, sizeof(insn->mnemonic), "nop");
	return 0;
}

static int decode(struct dis *dis, const uint8_t *bytes, size_t n, uint64_t addr,
		  struct dis_insn *insn, bool text)
{
	cs_insn *ci = dis->detail_insn;
	cs_insn *ct = dis->text_insn;
	const uint8_t *code = bytes;
	size_t avail = n < 16 ? n : 16, size = avail;
	uint64_t address = addr;
	const cs_x86 *x86;

	memset(insn, 0, sizeof(*insn));
	if (!bytes || !n || !ci)
		return -EINVAL;
	if (!cs_disasm_iter(dis->detail_handle, &code, &size, &address, ci)) {
		if (decode_register_nop(bytes, avail, addr, insn) == 0)
			return 0;
		memset(insn, 0, sizeof(*insn));
		return -EINVAL;
	}
	x86 = &ci->detail->x86;

	insn->addr = addr;
	insn->len = ci->size;
	memcpy(insn->bytes, bytes, ci->size);
	insn->id = ci->id;
	insn->kind = kind_from_groups(ci->detail);
	scan_prefixes(insn);
	memcpy(insn->opcode, x86->opcode, sizeof(insn->opcode));
	insn->modrm = x86->modrm;
	insn->modrm_offset = x86->encoding.modrm_offset;
	insn->disp_offset = x86->encoding.disp_offset;
	insn->disp_size = x86->encoding.disp_size;
	insn->imm_offset = x86->encoding.imm_offset;
	insn->imm_size = x86->encoding.imm_size;
	insn->disp = x86->disp;
	insn->addr_size = x86->addr_size;
	copy_operands(x86, insn);

	/* A relative branch's one immediate operand is its absolute target. */
	if ((insn->kind & DIS_RELATIVE) && insn->op_count == 1 && insn->op[0].type == DIS_OP_IMM) {
		insn->has_target = true;
		insn->target = (uint64_t)insn->op[0].imm;
	}

	if (!text)
		return 0;
	code = bytes;
	size = insn->len;
	address = addr;
	if (ct && cs_disasm_iter(dis->text_handle, &code, &size, &address, ct)) {
		snprintf(insn->mnemonic, sizeof(insn->mnemonic), "%s", ct->mnemonic);
		snprintf(insn->op_str, sizeof(insn->op_str), "%s", ct->op_str);
	} else {
		snprintf(insn->mnemonic, sizeof(insn->mnemonic), "%s", ci->mnemonic);
		snprintf(insn->op_str, sizeof(insn->op_str), "%s", ci->op_str);
	}
	return 0;
}

int dis_decode(struct dis *dis, const uint8_t *bytes, size_t n, uint64_t addr,
	       struct dis_insn *insn)
{
	return decode(dis, bytes, n, addr, insn, true);
}

int dis_decode_record(struct dis *dis, const uint8_t *bytes, size_t n, uint64_t addr,
		      struct dis_insn *insn)
{
	return decode(dis, bytes, n, addr, insn, false);
}

int dis_decode_once(const uint8_t *bytes, size_t n, uint64_t addr, struct dis_insn *insn)
{
	struct dis dis;
	int err;

	memset(insn, 0, sizeof(*insn));
	err = dis_open(&dis);
	if (err)
		return err;
	err = dis_decode(&dis, bytes, n, addr, insn);
	dis_close(&dis);
	return err;
}

void dis_format(const struct dis_insn *insn, char *buf, size_t len)
{
	if (!len)
		return;
	if (insn->op_str[0])
		snprintf(buf, len, "%s %s", insn->mnemonic, insn->op_str);
	else
		snprintf(buf, len, "%s", insn->mnemonic);
}
