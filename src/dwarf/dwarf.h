/* dwarf.h: what a binary's DWARF says about its functions, variables and lines (libdw). */
#ifndef UTAP_DWARF_H
#define UTAP_DWARF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dwarf_module; /* one binary's DWARF, its own or from separate debuginfo */

/* A parameter or local variable of a function. */
struct dwarf_var {
	char *name;
	char *type;  /* as C spells it: "struct pair *", "int[4]", "void (*)(int)" */
	char *where; /* at the function's entry: "%di", "-20(%bp)", "CFA-20",
		      * "static 0x4010", "location list", "optimized out" */
	bool param;
};

struct dwarf_func {
	char *name;
	char *file;		/* base name of the declaring file, NULL if unknown */
	int line;		/* 0 if unknown */
	uint64_t addr;		/* link-time address of the out-of-line copy */
	bool inlined;		/* only inlined copies exist: ADDR is 0 */
	struct dwarf_var *vars; /* parameters first, in DWARF order; locals after */
	size_t nvars;
};

/* A probe-able source line: is_stmt row of the line table. */
struct dwarf_line {
	char *file; /* as the line table names it */
	int line;
	uint64_t addr; /* the lowest is_stmt address of that line */
};

/* Open the DWARF of the ELF file at PATH: in the file itself, or separate
 * debuginfo found by build-id (/usr/lib/debug/.build-id/) or .gnu_debuglink
 * (next to the file, in .debug/ there, under /usr/lib/debug).  Returns 0,
 * -ENODATA when there is no DWARF, or another -errno. */
int dwarf_module_open(const char *path, struct dwarf_module **out);
void dwarf_module_close(struct dwarf_module *dm);

/* The file the DWARF was read from (PATH itself or the debuginfo file). */
const char *dwarf_module_file(const struct dwarf_module *dm);

/* Every function whose name matches the fnmatch(3) glob PATTERN: defined
 * ones (one entry per out-of-line copy) and those only inlined (one entry,
 * INLINED set).  WITH_VARS fills their parameters and locals.  Sorted by
 * name, then address.  *OUT (free with dwarf_funcs_free) may be empty.
 * Returns 0, or -ENOMEM / -EIO (unreadable DWARF). */
int dwarf_funcs_find(struct dwarf_module *dm, const char *pattern, bool with_vars,
		     struct dwarf_func **out, size_t *n);
void dwarf_funcs_free(struct dwarf_func *funcs, size_t n);

/* The probe-able lines of source file FILE (matched against the line
 * table's names by whole path, or by trailing path components:
 * "calls.c", "targets/calls.c"), one per distinct line, sorted by line.
 * Returns 0 (*N may be 0: no such file), or -ENOMEM / -EIO. */
int dwarf_lines_find(struct dwarf_module *dm, const char *file, struct dwarf_line **out, size_t *n);
void dwarf_lines_free(struct dwarf_line *lines, size_t n);

/* Every link-time address where line LINE of source file FILE (matched as
 * dwarf_lines_find does) begins a statement: the is_stmt rows of the line
 * table for that file and line, only the first of each run of consecutive
 * is_stmt rows for it (a line compiled into two blocks, such as a loop
 * condition, gives two addresses; non-stmt rows neither start nor break a
 * run).  Sorted, no duplicates; free *ADDRS with free().  Returns 0 (*N is
 * 0 if the line has no code), -ENOENT if no line table names FILE, or
 * -ENOMEM / -EIO. */
int dwarf_line_addrs(struct dwarf_module *dm, const char *file, int line, uint64_t **addrs,
		     size_t *n);

/* The source line of link-time address ADDR: *FILE as the compiler was
 * given it (relative to the compilation directory when under it, e.g.
 * "targets/demo.c"; owned by DM) and *LINE.  0, or -ENOENT when no line
 * table covers ADDR. */
int dwarf_addr_line(struct dwarf_module *dm, uint64_t addr, const char **file, int *line);

/* How to find a caller's registers at one address, from call frame
 * information: DWARF register numbers; the caller's stack pointer is the
 * CFA. */
enum dwarf_cfi_rule { DWARF_CFI_SAME, DWARF_CFI_UNDEFINED, DWARF_CFI_AT_CFA, DWARF_CFI_VAL_CFA };
#define DWARF_CFI_REGS 17 /* registers 0..16 (x86-64: the general ones and rip) */
struct dwarf_cfi_rules {
	unsigned cfa_reg; /* CFA = register CFA_REG + CFA_OFF */
	int64_t cfa_off;
	unsigned ra_reg; /* the column holding the return address */
	struct {
		enum dwarf_cfi_rule rule; /* AT_CFA: saved at CFA+OFF; VAL_CFA: is CFA+OFF */
		int64_t off;
	} reg[DWARF_CFI_REGS];
};

/* The rules at link-time address ADDR from the module's .debug_frame (in
 * the file or its separate debuginfo).  0, -ENOENT when it has none for
 * ADDR, -ENOTSUP when a rule is more than register+offset or CFA+offset. */
int dwarf_debug_frame_rules(struct dwarf_module *dm, uint64_t addr, struct dwarf_cfi_rules *out);

/* The entry address (DW_AT_entry_pc, else low_pc, else the start of the
 * first range) of every inlined copy (DW_TAG_inlined_subroutine) of the
 * function named NAME, in every compilation unit.  Sorted, no duplicates
 * (two copies may start at one address); free *ADDRS with free().
 * Returns 0 (*N may be 0: never inlined, or no such function), or
 * -ENOMEM / -EIO. */
int dwarf_inline_sites(struct dwarf_module *dm, const char *name, uint64_t **addrs, size_t *n);

/* The functions a script's "FUNC@FILE:LINE" names. */
struct dwarf_func_spec {
	const char *name; /* a fnmatch(3) pattern */
	const char *file; /* a pattern for the file the function is declared in
			   * (matched against the whole path or its trailing
			   * components, see dwarf_path_glob), or NULL: any */
	int line;	  /* 0, or: declared at LINE, or holding a statement of it */
	bool out_of_line; /* take the entries of out-of-line copies */
	bool inlined;	  /* take the entries of inlined copies */
};

/* The entry addresses (link-time) of every function SPEC selects, in
 * every compilation unit.  Sorted, no duplicates; free *ADDRS with free().
 * 0 (*N may be 0), or -ENOMEM / -EIO. */
int dwarf_funcs_select(struct dwarf_module *dm, const struct dwarf_func_spec *spec,
		       uint64_t **addrs, size_t *n);

/* Whether PATTERN (NULL: anything) names PATH: the whole path or its
 * trailing components ("calls.c", "targets/calls.c", "*.c" name
 * "/src/targets/calls.c"). */
bool dwarf_path_glob(const char *pattern, const char *path);

/* A function scope a code address is in (malloc'ed strings). */
struct dwarf_scope_info {
	char *name;
	char *decl_file; /* as the compiler was given it ("targets/calls.c"), or NULL */
	int decl_line;	 /* 0 if unknown */
	bool inlined;	 /* an inlined copy */
	bool entered;	 /* the address is where it begins */
};

/* The function scopes holding link-time address PC, innermost first: the
 * inlined copies, then the out-of-line function.  How many were stored
 * in OUT[0..MAX) (0 when no DWARF describes PC), or -ENOMEM.  Free with
 * dwarf_scope_info_free. */
int dwarf_func_scopes(struct dwarf_module *dm, uint64_t pc, struct dwarf_scope_info *out,
		      int max);
void dwarf_scope_info_free(struct dwarf_scope_info *s, int n);

/* Whether a function PATTERN names (out of line or an inlined copy)
 * holds link-time address PC. */
bool dwarf_addr_in_func(struct dwarf_module *dm, uint64_t pc, const char *pattern);

/* Compile the C-level fetch ARG->expr (see probe/probe.h) for a probe at
 * link-time address PC of the module DM describes: resolve names in the
 * scopes at PC (innermost first: lexical blocks, inlined copies, the
 * function, the compilation unit, then every unit's globals), walk the
 * accessors through the types, and fill ARG->fetch (a plan over registers
 * and memory, with BIAS added to static addresses), ARG->type, ->show,
 * ->bit_offset/bit_size, ->strmax, ->enums and ->ctype. A cast or an
 * explicit :TYPE / X,S,U prefix on ARG overrides the DWARF type's format.
 * RETURN: the probe fires at the function's return (PC is its entry);
 * $retval is valid only then, parameters only at entry probes.
 * DM may be NULL (no DWARF): casts to built-in types ("u64", "char *",
 * "int", "unsigned long", ...) of raw fetches still compile.
 * Returns 0; 1 when the value is optimized out at PC (ARG->fetch is
 * FETCH_NONE, ERR says which and where, for a warning); or -ENOENT /
 * -EINVAL / -ENOMEM with ERR holding "message" or "message\n      hint:
 * hint" for the user (member not found: the struct's members; no DWARF:
 * the %N / +OFF(%REG):TYPE form; '->' on a non-pointer: the type). */
struct probe_arg;
int dwarf_compile_arg(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		      struct probe_arg *arg, char *err, size_t errlen);

/* A script's $$parms (PARAMS), $$locals (LOCALS) or $$vars (both) at
 * link-time address PC: ARG->parts, one per variable in scope there
 * (parameters first, in order; then the locals of the scopes from the
 * function inwards), each compiled as dwarf_compile_arg would; a part that
 * cannot be read there has no fetch; where no DWARF describes PC the list
 * is empty.  0 or -ENOMEM. */
int dwarf_compile_list(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
		       struct probe_arg *arg, char *err, size_t errlen);

/* A script's pretty-printed $x$ (ARG->pretty 1: one level of a struct,
 * nested ones as {...}) or $x$$ (2: all levels), as SystemTap prints it:
 * ARG->parts, pieces of text each followed by a value (see struct
 * probe_arg), from ARG->expr compiled at PC as dwarf_compile_arg would.
 * With ARG->list set, every variable of the list so ("a=1 o={.id=100}").
 * 0, or -errno with ERR (the expression itself cannot be compiled). */
int dwarf_compile_pretty(struct dwarf_module *dm, uint64_t pc, bool is_return, uint64_t bias,
			 struct probe_arg *arg, char *err, size_t errlen);

#endif
