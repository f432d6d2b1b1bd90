/* internal.h: what the files of src/dwarf/ share; nothing outside src/dwarf/ includes it. */
#ifndef UTAP_DWARF_INTERNAL_H
#define UTAP_DWARF_INTERNAL_H

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "dwarf/dwarf.h"

struct dwarf_module {
	Dwfl *dwfl; /* owns the ELF handles and the Dwarf */
	Dwarf *dw;
	Dwfl_Module *mod; /* the binary: its CFI gives the CFA (frame bases) */
	Dwarf_Addr bias;  /* DWARF address + bias = the module's address in DWFL */
	char *file;	  /* where the DWARF came from */
};

/* type.c: the C spelling of type DIE TYPE (NULL: void) into BUF.
 * 0, or -ENAMETOOLONG (BUF holds a truncated spelling). */
int dwarf_type_name(Dwarf_Die *type, char *buf, size_t len);

/* location.c: where variable VAR of function FUNC lives at address PC, in
 * words (see struct dwarf_var's WHERE), into BUF. */
void dwarf_location_at(Dwarf_Die *var, Dwarf_Die *func, Dwarf_Addr pc, char *buf, size_t len);

/* The base name of PATH (a pointer into it). */
const char *dwarf_basename(const char *path);

/* The compilation units of DM one after another: start with *OFF = 0;
 * each call fills CU with the next unit whose DIE libdw can read and
 * returns 1, then 0 at the end, or -1 when libdw cannot read a unit's
 * header (the walk ends there). */
int dwarf_units_next(struct dwarf_module *dm, Dwarf_Off *off, Dwarf_Die *cu);

/* varloc.c: the CFA rule at ADDR in CFI as DWARF register *REGNO plus
 * *OFF: 0, or -1 when there is none or it is an expression. */
int dwarf_cfa_rule(Dwarf_CFI *cfi, Dwarf_Addr addr, unsigned *regno, int64_t *off);

/* lines.c: whether line-table path PATH names FILE (the whole path, or its
 * trailing components). */
bool dwarf_file_matches(const char *path, const char *file);

/* inlined.c: a growing set of addresses.  dwarf_addrs_add: 0 or -ENOMEM.
 * dwarf_addrs_finish sorts it, drops duplicates and hands the array over. */
struct dwarf_addrs {
	uint64_t *addrs;
	size_t n, cap;
};

int dwarf_addrs_add(struct dwarf_addrs *set, uint64_t addr);
/* inlined.c: where inlined copy INL starts running (DW_AT_entry_pc, else
 * its first address).  0 or -ENOENT. */
int dwarf_inline_entry(Dwarf_Die *inl, Dwarf_Addr *pc);
void dwarf_addrs_finish(struct dwarf_addrs *set, uint64_t **addrs, size_t *n);

/* ---- compiling a C-level fetch (dwarf_compile_arg) ------------------------
 * compile.c drives: scope.c finds names, varplace.c says where a variable
 * is (varloc.c turns a DWARF location into a plan), cast.c parses casts,
 * ctype.c classifies types, access.c walks the accessors (members.c knows
 * layouts) and format.c picks the format. */

struct fetch;
struct probe_arg;

/* A built-in C type: what a cast may name without DWARF. */
enum dwarf_builtin_kind {
	BUILTIN_VOID,
	BUILTIN_SIGNED,
	BUILTIN_UNSIGNED,
	BUILTIN_CHAR,  /* plain char: prints as a character */
	BUILTIN_SCHAR, /* signed char: a number, but char * is a string */
	BUILTIN_UCHAR, /* unsigned char: likewise */
	BUILTIN_BOOL,
	BUILTIN_FLOAT,
};

struct dwarf_builtin {
	const char *name; /* as utap spells it: "unsigned long", "u32" */
	enum dwarf_builtin_kind kind;
	size_t size;
};

/* A type while compiling: a DWARF type DIE or a built-in, with PTRS more
 * levels of pointer on top (a cast such as "struct foo **" needs pointer
 * types the DWARF may not have). */
struct dwarf_ctype {
	bool has_die;
	Dwarf_Die die;
	const struct dwarf_builtin *builtin; /* when !has_die */
	unsigned ptrs;
};

/* What a type is once typedefs and qualifiers are peeled. */
enum dwarf_kind {
	KIND_VOID,
	KIND_INT,
	KIND_BOOL,
	KIND_FLOAT,
	KIND_ENUM,
	KIND_POINTER,
	KIND_STRUCT,
	KIND_UNION,
	KIND_ARRAY,
	KIND_OTHER, /* functions, complex numbers, pointers to members, ... */
};

struct dwarf_shape {
	enum dwarf_kind kind;
	size_t size; /* bytes; 0 when unknown (incomplete types, flexible arrays) */
	bool is_signed;
	bool plain_char; /* C's "char": shown as a character */
	bool char_like;	 /* a one-byte char of any signedness: "char *" is a string */
	bool has_die;
	Dwarf_Die die; /* the peeled DIE, when has_die */
};

/* ctype.c */
extern const struct dwarf_builtin dwarf_builtin_void;
void dwarf_ctype_void(struct dwarf_ctype *t);
/* The type DIE's DW_AT_type names (void when it has none). */
void dwarf_ctype_of(Dwarf_Die *die, struct dwarf_ctype *t);
void dwarf_ctype_shape(const struct dwarf_ctype *t, struct dwarf_shape *out);
/* The type a pointer type points to: 0, or -EINVAL if T is no pointer. */
int dwarf_ctype_pointee(const struct dwarf_ctype *t, struct dwarf_ctype *out);
/* The C spelling of T ("struct pair *"), into BUF. */
void dwarf_ctype_name(const struct dwarf_ctype *t, char *buf, size_t len);
/* cast.c: parse the text of a cast ("struct file *", "unsigned long", "u32") into
 * *OUT: struct, union, enum and typedef names are looked up in DM (the CU
 * CU first, then every unit), C's base types and u8..s64 are built in.
 * 0, or -ENOENT / -EINVAL with a message and hint in ERR. */
int dwarf_ctype_parse(struct dwarf_module *dm, Dwarf_Die *cu, const char *text,
		      struct dwarf_ctype *out, char *err, size_t errlen);

/* scope.c */
/* Where PC is: its CU and scopes (innermost first; free *SCOPES).
 * 0, or -ENOENT when no DWARF describes PC. */
int dwarf_scopes_at(struct dwarf_module *dm, uint64_t pc, Dwarf_Die *cu, Dwarf_Die **scopes,
		    int *nscopes);
/* A parameter or variable named NAME in SCOPES[0..N-1], innermost first:
 * its index in SCOPES, or -1. */
int dwarf_scope_var(Dwarf_Die *scopes, int n, const char *name, Dwarf_Die *var);
/* A global or static variable named NAME: the CU CU first (may be NULL),
 * then every unit; definitions only. 0, or -ENOENT. */
int dwarf_global_var(struct dwarf_module *dm, Dwarf_Die *cu, const char *name, Dwarf_Die *var);
/* A global or static variable named NAME of the units whose source file
 * FILE names (a pattern, as dwarf_path_glob matches); definitions only.
 * 0, -ENOENT (no such variable there), -ENODEV (no such unit). */
int dwarf_unit_var(struct dwarf_module *dm, const char *file, const char *name, Dwarf_Die *var);
/* The innermost function (DW_TAG_subprogram or an inlined copy) in
 * SCOPES: its index, or -1. */
int dwarf_scope_func(Dwarf_Die *scopes, int n);
/* The out-of-line function of CU whose code holds PC: 0, or -ENOENT. */
int dwarf_outer_func(Dwarf_Die *cu, uint64_t pc, Dwarf_Die *func);
/* Parameter number N (0-based) of FUNC: 0, or -ENOENT. */
int dwarf_func_param(Dwarf_Die *func, unsigned n, Dwarf_Die *param);
/* The names of the parameters and variables in SCOPES, for a hint. */
void dwarf_scope_names(Dwarf_Die *scopes, int n, char *buf, size_t len);
/* The name of DIE, through its abstract origin or specification. */
const char *dwarf_name_of(Dwarf_Die *die);

/* varloc.c: where a value is, as the plan reads it. */
enum dwarf_place_kind {
	PLACE_MEMORY, /* the object is at value(BASE) + OFFSET */
	PLACE_VALUE,  /* BASE yields the value itself (a register, a constant) */
	PLACE_NONE,   /* optimized out */
};

struct dwarf_place {
	enum dwarf_place_kind kind;
	struct fetch *base; /* owned: a chain of struct fetch */
	int64_t offset;
};

struct fetch *dwarf_fetch_new(int op, int reg, int64_t offset, struct fetch *inner);
struct fetch *dwarf_fetch_copy(const struct fetch *f);
void dwarf_place_clear(struct dwarf_place *p);
/* A memory place at value(BASE) + OFFSET, register offsets moved into
 * OFFSET so the plan reads as +OFF(%reg). Takes BASE. */
void dwarf_place_memory(struct dwarf_place *p, struct fetch *base, int64_t offset);

/* varloc.c: the place the location expression OPS (of ATTR) gives at PC.
 * 0; 1 when the value cannot be had (WHY says why); -ENOMEM. */
int dwarf_eval_location(struct dwarf_module *dm, Dwarf_Die *cu, Dwarf_Attribute *attr,
			const Dwarf_Op *ops, size_t nops, uint64_t pc, uint64_t bias,
			struct dwarf_place *out, char *why, size_t whylen);

/* varplace.c: where variable VAR (found in SCOPES[SCOPE]) is at PC. CU and SCOPES as
 * from dwarf_scopes_at. 0; 1 when it is optimized out there (WHY says
 * why); -ENOMEM. */
int dwarf_var_place(struct dwarf_module *dm, Dwarf_Die *cu, Dwarf_Die *scopes, int scope,
		    Dwarf_Die *var, uint64_t pc, uint64_t bias, struct dwarf_place *out, char *why,
		    size_t whylen);
/* The calling-convention class (enum arch_param_class) of a parameter or
 * return value of type T, and its size. */
int dwarf_param_class(const struct dwarf_ctype *t, size_t *size);

/* members.c: the layout of structs, unions, arrays and enums.
 * Member NAME of struct/union DIE (through anonymous members): its type,
 * byte offset, and for a bit-field its bit offset from that byte and
 * width. 0, -ENOENT, or -EINVAL for a layout utap cannot read. */
struct dwarf_member {
	Dwarf_Die die;
	int64_t offset;
	unsigned bit_offset, bit_size; /* bit_size 0: not a bit-field */
};
int dwarf_member_find(Dwarf_Die *agg, const char *name, struct dwarf_member *out);
/* "a, b, name" (truncated with ", ..."), for hints. */
void dwarf_member_names(Dwarf_Die *agg, char *buf, size_t len);
/* The number of elements of array DIE ARRAY (0: unknown), and whether it
 * has more than one dimension. */
size_t dwarf_array_count(Dwarf_Die *array, bool *multi);
/* The enumerators of enum DIE (malloc'd, names too). 0 or -ENOMEM. */
struct probe_enumerator;
int dwarf_enumerators(Dwarf_Die *die, bool is_signed, struct probe_enumerator **out, size_t *n);

/* format.c: the format a value prints with, and the plan that reads it. */

/* Everything compile.c hands format.c for the last step. */
struct dwarf_final {
	struct dwarf_place *place;
	struct dwarf_ctype *type;
	unsigned bit_offset, bit_size; /* a bit-field: read at place, then these bits */
	const char *path;	       /* "$o->in.x", for messages */
};
/* Fill ARG's fetch, type, show, strmax, enums and ctype from F. 0, or
 * -EINVAL / -ENOMEM with ERR. The place's plan is consumed on success. */
int dwarf_finish_arg(struct dwarf_final *f, struct probe_arg *arg, char *err, size_t errlen);

/* compile.c: one argument being compiled. */
#define DWARF_PATH_LEN 256
struct probe_expr;
struct dwarf_compile {
	struct dwarf_module *dm;
	uint64_t pc, bias;
	bool is_return;
	const struct probe_expr *e;
	char *err;
	size_t errlen;
	Dwarf_Die cu;
	bool has_cu;
	Dwarf_Die *scopes; /* at PC, innermost first */
	int nscopes;
	struct dwarf_place place;
	struct dwarf_ctype type;
	bool has_type; /* false for a raw fetch until its cast types it */
	unsigned bit_offset, bit_size;
	char path[DWARF_PATH_LEN]; /* the expression so far, for messages: "$o->in" */
	char lost[DWARF_PATH_LEN]; /* the variable optimized out, if one is */
	char why[256];		   /* and why */
};

/* compile.c: the C type of fetch E at PC (as dwarf_compile_arg would
 * compile it), its DIE valid while DM is open.  0 or -errno with ERR. */
int dwarf_compile_type(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		       const struct probe_expr *e, struct dwarf_ctype *type, char *err,
		       size_t errlen);

/* Append to C's path ("->next"). */
void dwarf_path_add(struct dwarf_compile *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The name of the function at C's PC, "?" if unknown. */
const char *dwarf_func_name(struct dwarf_compile *c);

/* access.c: the cast applied to the base, the accessors walked. 0 or
 * -errno with C's ERR. */
int dwarf_apply_cast(struct dwarf_compile *c, const struct dwarf_ctype *cast);
int dwarf_compile_accessors(struct dwarf_compile *c);

/* compile.c: ERR = "MESSAGE" or "MESSAGE\n      hint: HINT"; returns RET. */
int dwarf_fail(char *err, size_t errlen, int ret, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Whether a DIE with TAG can hold functions or their inlined copies:
 * functions, blocks, other copies; C++ namespaces and classes. */
static inline bool dwarf_tag_holds_code(int tag)
{
	return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine ||
	       tag == DW_TAG_lexical_block || tag == DW_TAG_namespace ||
	       tag == DW_TAG_class_type || tag == DW_TAG_structure_type ||
	       tag == DW_TAG_try_block || tag == DW_TAG_catch_block;
}

#endif
