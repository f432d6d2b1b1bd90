/* probe.h: probes as users write them (surftrace one-liners), their fetch
 * plans, and the line a hit prints. The plan is plain data, compiled once. */
#ifndef UTAP_PROBE_H
#define UTAP_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "arch/arch.h"

enum probe_kind { PROBE_ENTRY, PROBE_RETURN };

/* Which copies of a function a probe on it takes. */
enum probe_copies {
	/* a one-liner's: the symbol (or each one a pattern matches), plus the
	 * inlined copies of a single name for an entry probe */
	COPIES_DEFAULT,
	COPIES_OUT_OF_LINE, /* a script's .call and .return: no inlined copy */
	COPIES_INLINED,	    /* a script's .inline: only the inlined copies */
	COPIES_ALL,	    /* a script's .function(PAT): both, for patterns too */
};

/* uprobe_events fetch types, plus how to print them. */
enum probe_type {
	PROBE_U8, PROBE_U16, PROBE_U32, PROBE_U64,
	PROBE_S8, PROBE_S16, PROBE_S32, PROBE_S64,
	PROBE_X8, PROBE_X16, PROBE_X32, PROBE_X64,
	PROBE_STRING,
};

enum fetch_op {
	FETCH_REG,    /* a register plus offset: reg + offset (offset 0 for %REG) */
	FETCH_STACK,  /* the 8 bytes at sp + offset (arguments past the 6th) */
	FETCH_RETVAL, /* the return value (return probes only) */
	FETCH_DEREF,  /* the value at inner + offset */
	FETCH_CONST,  /* the number offset (a DWARF constant, a static address
		       * with the module's load bias added) */
	FETCH_FPREG,  /* the low 64 bits of floating-point/vector register reg
		       * (arch_fpreg_value); needs the regs' FP state */
	FETCH_NONE,   /* nothing: the value is optimized out at this site */
	FETCH_INPUT,  /* the value the evaluation is given (a script's @cast
		       * base, computed by its handler): probe_fetch_input */
	FETCH_INDEX,  /* inner's value + the given value times offset (a
		       * script's $a[i], i computed by its handler) */
};

struct fetch {
	enum fetch_op op;
	int reg;             /* FETCH_REG, FETCH_FPREG: arch register index */
	int64_t offset;      /* FETCH_DEREF, FETCH_STACK, FETCH_REG, FETCH_CONST */
	struct fetch *inner; /* FETCH_DEREF */
};

/* How a value prints beyond its probe_type's width and sign. */
enum probe_show {
	SHOW_PLAIN, /* by probe_type: decimal, signed decimal, 0x-hex or a string */
	SHOW_BOOL,  /* true / false */
	SHOW_ENUM,  /* the enumerator's name, else the number */
	SHOW_FLOAT, /* a float (4-byte type) or double (8-byte type), from its bits */
	SHOW_IPV4,  /* a dotted quad (surftrace: fields named ip_*) */
	SHOW_CHAR,  /* a char: its number and the character, 65 'A' */
};

struct probe_enumerator {
	int64_t value;
	char *name;
};

/* Accessors after a C-level fetch: ->member, .member, [index]. */
enum probe_access_kind { ACCESS_ARROW, ACCESS_DOT, ACCESS_INDEX };

struct probe_access {
	enum probe_access_kind kind;
	char *member;   /* ACCESS_ARROW, ACCESS_DOT */
	int64_t index;  /* ACCESS_INDEX */
	/* ACCESS_INDEX: the index is the value given at each evaluation (a
	 * script's $a[i]): FETCH_INDEX; INDEX is unused */
	bool by_input;
	int column;     /* 1-based, in the probe text, for errors */
};

/* A fetch written in C terms, compiled against DWARF at each site. */
enum probe_expr_base {
	PEXPR_ARG,    /* %N: the function's Nth parameter (0-based), as $name of it;
		       * RAW holds the raw %N fetch for when a cast types it */
	PEXPR_REG,    /* a raw fetch (%REG, +OFF(...), $stackN, $argN) in RAW:
		       * needs a cast to be typed */
	PEXPR_VAR,    /* $name: a parameter or a local variable live at the site */
	PEXPR_RETVAL, /* $retval: the function's return value, typed by DWARF */
	PEXPR_GLOBAL, /* @name: a global or static variable */
	PEXPR_ADDR,   /* @0xADDR: the object at link-time address ADDR of the
		       * probed module (a u64 unless cast) */
	PEXPR_INPUT,  /* a value given at each evaluation (a script's
		       * @cast(VALUE, "type")): FETCH_INPUT, typed by the cast */
};

struct probe_expr {
	enum probe_expr_base base;
	struct fetch *raw;   /* PEXPR_ARG, PEXPR_REG */
	unsigned argn;       /* PEXPR_ARG */
	char *name;          /* PEXPR_VAR, PEXPR_GLOBAL */
	uint64_t addr;       /* PEXPR_ADDR */
	char *cast;          /* "struct file *", "u64", "char *"; NULL: none */
	int cast_column;
	struct probe_access *access;
	size_t naccess;
	int column;          /* of the base, 1-based */
	/* SystemTap's "->", which reaches the members of a struct as well as
	 * those of a pointer to one (a script's $var); a one-liner's "->"
	 * needs a pointer */
	bool arrow_is_member;
	/* Set by a script: names and types come from this module's DWARF
	 * (a path, or a library name as process(...).library takes it)
	 * rather than the probed one's; NULL: the probed module */
	char *module;
	/* PEXPR_GLOBAL: a global or static of the compilation unit of this
	 * source file (a script's @var("name@file.c")); NULL: any unit */
	char *file;
};

struct probe_arg {
	char *name;          /* "v" */
	struct fetch *fetch; /* the plan; NULL until EXPR is compiled */
	enum probe_type type;
	/* Set by the parser: */
	struct probe_expr *expr; /* C-level fetch to compile per site, or NULL:
				  * FETCH and TYPE are final (a raw fetch) */
	char prefix;         /* 'X', 'S', 'U' or 0 */
	bool typed;          /* an explicit :TYPE was given */
	unsigned swap;       /* B16_/b16_ names: swap this many bytes (2, 4, 8), or 0 */
	/* Set by the parser (SHOW_IPV4) or by compilation: */
	enum probe_show show;
	unsigned bit_offset, bit_size; /* a bit-field: these bits of the value read */
	size_t strmax;       /* char[N]: at most N bytes; 0: PRINT_STRING_MAX */
	struct probe_enumerator *enums; /* SHOW_ENUM (owned) */
	size_t nenums;
	char *ctype;         /* the C type compiled for, for -S; NULL for raw */
	/* Where a script wrote it ("calls.stp:3:10"), or NULL: errors about
	 * it then name that place (owned) */
	char *origin;
	/* A script's $$parms, $$locals, $$vars: the variables in scope, each
	 * compiled per site into PARTS (owned by the compiled copy) */
	enum probe_list { LIST_NONE, LIST_PARAMS, LIST_LOCALS, LIST_VARS } list;
	struct probe_arg *parts;
	size_t nparts;
	/* A script's pretty-printed $x$ (1), $x$$ (2), $$parms$ ...: PARTS
	 * are pieces, each its NAME (literal text, "{.id=") then its value
	 * as PRETTY_FMT says: 'd' signed, 'u' unsigned, 'x' a pointer, 'c' a
	 * char, 's' a quoted string, 0 none (the text alone); "?" where a
	 * value cannot be had (dwarf_compile_pretty) */
	int pretty;
	char pretty_fmt;
	/* A script's @defined(...): a fetch that may not exist at a site;
	 * where it cannot be compiled the compiled copy is ABSENT (no fetch)
	 * instead of the probe failing */
	bool optional;
	bool absent;
};

struct probe {
	int index;          /* 0-based position among the probes given */
	char name[16];      /* "p0", "r1": kind letter and index */
	enum probe_kind kind;
	char *bin;          /* as written: a path, a basename or a library prefix */
	bool any_module;    /* every module that defines SYM (bin "*"), those
			     * without it skipped quietly: utap leaks' allocator */
	char *sym;          /* NULL when by_file_offset */
	uint64_t sym_offset;  /* SYM+OFF */
	bool by_file_offset;  /* BIN:0xOFFSET */
	uint64_t file_offset;
	bool sym_glob;        /* SYM is a pattern (* ? [): every match */
	char *src_file;       /* BIN:FILE:LINE: a source line (sym is NULL) */
	int src_line;
	/* BIN:SYM@FILE, BIN:SYM@FILE:LINE (SystemTap's "func@file.c:12"): only
	 * the functions SYM names (a pattern) that DWARF says are declared in
	 * source FILE (a pattern, matched against the whole path or its
	 * trailing components) and, with a LINE, declared at that line or
	 * holding a statement of it; NULL / 0 otherwise */
	char *sym_file;
	int sym_line;
	/* Set by a script, not by the one-liner syntax: */
	/* statement("FUNC@FILE:LINE"): the statements of BIN:FILE:LINE inside
	 * functions FUNC names (a pattern); NULL: any */
	char *line_func;
	enum probe_copies copies;
	/* each site carries a struct probe_where (a script's pp()) */
	bool want_where;
	/* a script's optional point ("probe A?"): where it cannot be
	 * resolved or planted it is left out, without an error */
	bool optional;
	struct probe_arg *args;
	size_t nargs;
	char *text;         /* the probe as written */
	struct probe_filter *filter; /* f:EXPR, or NULL */
	/* BIN:SYM@plt: the calls BIN makes to SYM (a pattern too) through
	 * its PLT stubs and GOT slots; the hit sees them from SYM's side */
	bool plt;
	/* An SDT marker's enable counter: its link-time address in BIN,
	 * raised while the probe is planted (0: none).  Set by scripts. */
	uint64_t sdt_semaphore;
};

struct probe_error {
	int column;     /* 1-based column in the probe text */
	char msg[256];  /* "unknown register '%dq'" */
	char hint[256]; /* "" or "registers are %di %si ..." */
};

/* Free what compiling an argument produced (fetch, enums, ctype) and
 * clear those fields; NAME and EXPR stay. */
void probe_arg_release_compiled(struct probe_arg *arg);
void probe_expr_free(struct probe_expr *expr);
/* Free a fetch plan and every fetch inside it. */
void probe_fetch_free(struct fetch *fetch);

/* Parse one one-liner ("p BIN:SYM v=%0 a=+8(%si):u32"). INDEX names it
 * (p0, r1, ...). Returns 0, or -EINVAL with ERR filled in. */
int probe_parse(const char *text, int index, struct probe *out, struct probe_error *err);
void probe_free(struct probe *probe);

/* Evaluate a fetch plan against a stopped thread as a value of TYPE: inner
 * derefs read 8-byte pointers, the outermost reads the size of TYPE
 * (sign-extended for s*; a register is truncated likewise). For
 * PROBE_STRING *OUT is the address of the string: X+OFF for +OFF(X), the
 * value itself for a register, %N or stack slot (a char *). Returns 0,
 * -EFAULT when memory on the way cannot be read, -EINVAL for a bad plan. */
int probe_fetch(const struct fetch *fetch, enum probe_type type,
		const struct arch_regs *regs, const struct arch_mem *mem,
		uint64_t *out);
/* probe_fetch of a plan that may read FETCH_INPUT: INPUT is its value. */
int probe_fetch_input(const struct fetch *fetch, enum probe_type type,
		      const struct arch_regs *regs, const struct arch_mem *mem, uint64_t input,
		      uint64_t *out);
/* Bytes a value of TYPE occupies in memory (8 for PROBE_STRING's pointer). */
size_t probe_type_size(enum probe_type type);
/* "u32", "string": the type as uprobe_events spells it. */
const char *probe_type_name(enum probe_type type);
/* The plan in uprobe_events syntax ("+8(%si)"), for -S/--dry-run. */
void probe_describe_fetch(const struct fetch *fetch, char *buf, size_t n);

struct probe_hit;
/* Does the hit pass its probe's filter (always, without one)? A field that
 * cannot be read fails the comparison it is in. */
bool probe_filter_match(const struct probe_filter *filter, const struct probe_hit *hit);

/* The part of FILTER the kernel's event filter can decide, in its syntax,
 * into BUF: ARGS are the arguments compiled for one site, NAMES[i] the
 * event field of argument i (NULL: the event has none).  The kernel then
 * passes every hit FILTER passes (utap still applies FILTER to them).
 * Returns 1 when BUF says all of FILTER (or there is none), 0 when only
 * a part (faulting memory or a construct the kernel lacks), -1 when no
 * part at all (BUF is ""). */
int probe_filter_kernel(const struct probe_filter *filter, const struct probe_arg *args,
			const char *const *names, char *buf, size_t n);

/* ARG's format for -S: "s32", "string", "string max 16", "enum color",
 * "bool", "double", "ipv4", "char", "x16 byte-swapped", "u32 bits 3..7". */
void probe_describe_format(const struct probe_arg *arg, char *buf, size_t n);

/* The addresses the NARGS arguments ARGS (a probe's, or those compiled
 * for a site) will read first (members of a struct a register points to,
 * stack arguments, strings), from REGS alone: the engine reads them in one
 * batch before printing. Returns how many (<= MAX). */
size_t probe_prefetch_args(const struct probe_arg *args, size_t nargs, const struct arch_regs *regs,
			   uint64_t *out, size_t max);

/* A range of the tracee's memory a hit reads. */
struct probe_range {
	uint64_t addr;
	uint32_t len;
};

/* Every range the NARGS arguments ARGS read at a hit, when all of them are
 * known from REGS alone (a register's or a stack word's value, a member of
 * a struct a register points to, a string a register points to, up to the
 * bytes a print would read), cut at page boundaries. Returns how many, or
 * -1 when some argument reads deeper (a pointer loaded from memory) or
 * more than MAX ranges are needed. */
int probe_copy_ranges(const struct probe_arg *args, size_t nargs, const struct arch_regs *regs,
		      struct probe_range *out, size_t max);

/* What a hit prints about itself. */
/* One frame of a hit's call stack, with its names. */
struct probe_frame {
	uint64_t addr;	     /* frame 0: the ip; callers: the return address */
	const char *sym;     /* function (C++ demangled), NULL if unknown */
	uint64_t off;	     /* ADDR - the function's start */
	uint64_t size;	     /* the function's size (0 if unknown) */
	const char *module;  /* path of the file mapping ADDR, NULL if none */
	uint64_t module_off; /* ADDR's file offset in MODULE */
	const char *file;    /* source file ("targets/demo.c"), NULL if unknown */
	int line;	     /* of the call, for a caller */
	/* probe_frame_format's text, kept by whoever caches frames, or NULL */
	const char *text;
};

/* A frame as its stack line shows it after "#N": "0x55d0c1a0 work+0x1f
 * (targets/demo.c:20)".  Returns the length, as snprintf does. */
int probe_frame_format(const struct probe_frame *f, char *buf, size_t n);

/* A value fetched at the hit by whoever ran the probe (the kernel's
 * uprobes fetch into their event; utap reads the event later): what
 * probe_fetch would have returned, then shown by the same code. */
struct probe_value {
	int err;         /* 0, -EFAULT (unreadable), -ENODATA (optimized out) */
	uint64_t raw;    /* a number as probe_fetch returns it for the arg's type */
	const char *str; /* PROBE_STRING: its bytes, LEN of them (no NUL needed) */
	size_t len;
	const struct probe_value *parts; /* $$parms and kin: one per part */
};

/* A function scope of a site, as DWARF names it. */
struct probe_scope {
	const char *name;
	const char *decl_file; /* as the compiler was given it ("targets/calls.c"), or NULL */
	int decl_line;
	bool inlined; /* an inlined copy */
	bool entered; /* the site is where it begins */
};

/* Where a site is, for a script's pp() and probefunc(): filled once per
 * site, at planting, when a probe there asks (probe.want_where). */
#define PROBE_WHERE_SCOPES 8
struct probe_where {
	const char *module; /* the file's path, as the process maps it */
	const char *file;   /* the site's source line (NULL, 0: unknown) */
	int line;
	struct probe_scope scopes[PROBE_WHERE_SCOPES]; /* innermost first */
	int nscopes;
};

struct probe_hit {
	const struct probe *probe;
	pid_t pid, tid;
	const char *comm;
	uint64_t time_ns;      /* CLOCK_MONOTONIC */
	int cpu;               /* -1: column not shown */
	const char *sym;       /* the probed function ("?" if unknown) */
	uint64_t sym_off, sym_size;
	const char *plt;       /* a PLT probe's hit: the function called, else NULL */
	/* The call: where its return address is stored.  An entry hit at a
	 * function's first instruction and the return hit of the same call
	 * have the same FRAME (scripts match @entry values with it). */
	uint64_t frame;
	const char *caller;    /* return probes: function returned to, or NULL */
	uint64_t caller_off;
	uint64_t caller_addr;  /* shown in hex when caller is NULL */
	const struct arch_regs *regs;
	const struct arch_mem *mem;
	/* The probe's arguments as compiled for this site (same count and
	 * names as probe->args), or NULL: probe->args are final. */
	const struct probe_arg *args;
	/* The arguments' values, fetched at the hit (one per argument, in
	 * order), or NULL: they are fetched from REGS and MEM. */
	const struct probe_value *values;
	/* Where the site is, when the probe asked (probe.want_where), else NULL. */
	const struct probe_where *where;
	/* The call stack, innermost first, when asked for (-s), else NULL. */
	const struct probe_frame *stack;
	int nstack;
	/* Where a handler gets the stack when it wants one: at most MAX
	 * frames into FRAMES, how many (NULL when the backend has none). */
	int (*take_stack)(const struct probe_hit *hit, struct probe_frame *frames, int max);
	/* The names of any address of the hit's process (usymname()). */
	void (*name_addr)(const struct probe_hit *hit, uint64_t addr, struct probe_frame *out);
	void *backend; /* for TAKE_STACK and NAME_ADDR */
};

/* Argument I of HIT as a script's $$parms / $$vars shows it ("a=0x1
 * b=0x7ffd1000", "?" for a value that cannot be read), into BUF.  0, or
 * -EINVAL when argument I is not such a list. */
int probe_hit_arg_text(const struct probe_hit *hit, size_t i, char *buf, size_t n);

/* Argument I of HIT as a number, as a script reads a context variable: a
 * string's (char *, char[N]) address, an enum's value, a pointer's.  0,
 * -EFAULT (unreadable memory), -ENODATA (optimized out), -EINVAL. */
int probe_hit_arg_value(const struct probe_hit *hit, size_t i, uint64_t *out);
/* The same for an argument whose plan starts from a given value (a
 * script's @cast): INPUT is that value; -ENOENT when it is absent here. */
int probe_hit_arg_value_input(const struct probe_hit *hit, size_t i, uint64_t input,
			      uint64_t *out);
/* Argument ARG (compiled) as a number, its plan starting from INPUT:
 * what probe_hit_arg_value_input does, without a hit (REGS may be NULL
 * when the plan reads no register).  0, -EFAULT, -ENODATA, -ENOENT. */
int probe_arg_value_input(const struct probe_arg *arg, const struct arch_regs *regs,
			  const struct arch_mem *mem, uint64_t input, uint64_t *out);
/* Whether argument I of HIT exists at its site (a script's @defined):
 * false only for an optional one that could not be compiled there. */
bool probe_hit_arg_defined(const struct probe_hit *hit, size_t i);

/* Format one hit and write it to OUT as one line: ftrace style
 *   COMM-TID [CPU] SECS.USECS: NAME: (SYM+0x0/0xSIZE) v=1 a=2
 *   COMM-TID [CPU] SECS.USECS: NAME: (CALLER+0xOFF <- SYM) v=0x1
 * followed, when the hit has a stack, by one line per frame
 *       #1 0x55d0c1f3 work+0x1f (targets/demo.c:20)
 * (the module's base name in parentheses when there is no line table,
 * "?? (libx.so+0xOFF)" for an address no symbol covers), or, when JSON, one
 * object {"probe","tid","pid","comm","time_ns","sym","args"[,"stack"]}.
 * Unreadable memory prints as (fault); a hit never fails. A hit that its
 * probe's filter (f:EXPR) rejects prints nothing. */
void probe_print_hit(FILE *out, const struct probe_hit *hit, bool json);

/* --folded: the stacks of every probe's hits, counted, for a flame graph. */
struct probe_folded;
int probe_folded_new(struct probe_folded **out); /* 0 or -ENOMEM */
void probe_folded_free(struct probe_folded *f);
/* Count one hit of probe PROBE (an index into the probes) with stack
 * FRAMES[0..N) (innermost first).  0 or -ENOMEM. */
int probe_folded_add(struct probe_folded *f, int probe, const struct probe_frame *frames, int n);
/* One line per distinct stack, "outer;...;inner COUNT", grouped by probe,
 * most hits first; with more than one probe (NPROBES > 1) each line starts
 * with the probe's name as its root frame.  0 or -ENOMEM. */
int probe_folded_print(const struct probe_folded *f, FILE *out, const struct probe *probes,
		       size_t nprobes);

#endif
