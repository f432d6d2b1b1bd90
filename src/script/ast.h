/* ast.h: a parsed SystemTap script: what the parser builds, --dump-ast prints back, the
 * checker resolves (types, slots) and the interpreter runs. */
#ifndef UTAP_SCRIPT_AST_H
#define UTAP_SCRIPT_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Where a construct starts: 1-based line and column in the script file
 * (after preprocessing, columns still refer to the text as written). */
struct script_pos {
	int line, col;
};

/* A value's type, as the checker infers it (SystemTap's long, string and
 * statistics; UNKNOWN until inferred, VOID for a function that returns
 * nothing). */
enum script_type { ST_UNKNOWN, ST_LONG, ST_STRING, ST_STATS, ST_VOID };

/* Operators, for SE_UNARY, SE_BINARY, SE_ASSIGN, SE_INCDEC. */
enum script_op {
	SO_NONE,
	/* unary */
	SO_NEG,  /* -x */
	SO_PLUS, /* +x */
	SO_NOT,  /* !x */
	SO_BNOT, /* ~x */
	/* binary, arithmetic and bitwise (long) */
	SO_MUL, SO_DIV, SO_MOD, SO_ADD, SO_SUB, SO_SHL, SO_SHR, SO_BAND, SO_BXOR, SO_BOR,
	/* logical, comparison (long or string), concatenation (string) */
	SO_LAND, SO_LOR, SO_LT, SO_LE, SO_GT, SO_GE, SO_EQ, SO_NE, SO_CONCAT,
	/* assignment: SO_ASSIGN is "=", the others "OP=" use the binary op
	 * above (SE_ASSIGN.op = SO_ADD for "+=", SO_CONCAT for ".="), and
	 * SO_AGG is "<<<" (add a value to a statistics aggregate) */
	SO_ASSIGN, SO_AGG,
	/* SE_INCDEC */
	SO_INC, SO_DEC,
};

/* Statistics operators: @count(x) ... and the sort key of a foreach over
 * an aggregate array ("@max+"). */
enum script_stat {
	STAT_NONE,
	STAT_COUNT, STAT_SUM, STAT_MIN, STAT_MAX, STAT_AVG, STAT_VARIANCE,
	STAT_HIST_LOG, STAT_HIST_LINEAR,
};

/* One step after a context variable, @cast or @var: "->name" (SystemTap
 * writes "->" for members of pointers and of structs alike; "." is
 * accepted as well) or "[expr]". */
struct script_access {
	enum { SA_MEMBER, SA_INDEX } kind;
	char *member;		   /* SA_MEMBER */
	struct script_expr *index; /* SA_INDEX */
	struct script_pos pos;
};

enum script_expr_kind {
	SE_NUMBER,  /* num: decimal, 0x hex or 0 octal literal */
	SE_STRING,  /* str: a literal, escapes already decoded */
	SE_IDENT,   /* name: a local or global variable, or a whole array (delete a, a in foreach) */
	SE_INDEX,   /* name[args]: an array element, args are its keys */
	SE_TARGET,  /* $name, $$vars, $$parms, $$locals, $$return, $return with accessors */
	SE_CALL,    /* name(args): a script function or a builtin */
	SE_UNARY,   /* op args[0] */
	SE_INCDEC,  /* ++x, x++, --x, x--: op SO_INC/SO_DEC, postfix, args[0] the lvalue */
	SE_BINARY,  /* args[0] op args[1]; "." is SO_CONCAT */
	SE_TERNARY, /* args[0] ? args[1] : args[2] */
	SE_ASSIGN,  /* args[0] op args[1]: args[0] is SE_IDENT, SE_INDEX or SE_TARGET */
	SE_IN,      /* [args] in name (also "k in name" for one key) */
	SE_STAT,    /* @count(args[0]) ...; @hist_linear(args[0], args[1..3]) */
	SE_ENTRY,   /* @entry(args[0]) */
	SE_DEFINED, /* @defined(args[0]): args[0] an SE_TARGET, SE_CAST or SE_VAR; the
		     * checker sets SLOT -1 where it is 0 whatever the site */
	SE_CAST,    /* @cast(args[0], "type"[, "module"]) with accessors: str = type,
		     * module; GLOBAL: compiled once (SLOT into script.casts), else
		     * per site (SLOT into the probe's targets) */
	SE_VAR,     /* @var("name[@file]"[, "module"]) with accessors: str = name, module */
};

struct script_expr {
	enum script_expr_kind kind;
	struct script_pos pos;
	enum script_op op;     /* SE_UNARY, SE_BINARY, SE_ASSIGN, SE_INCDEC */
	enum script_stat stat; /* SE_STAT */
	bool postfix;	       /* SE_INCDEC: x++ rather than ++x */
	int64_t num;	       /* SE_NUMBER */
	char *str;	       /* SE_STRING's text; SE_CAST's type; SE_VAR's name */
	char *module;	       /* SE_CAST, SE_VAR: the optional module path, or NULL */
	/* SE_IDENT, SE_INDEX, SE_IN: the variable/array; SE_CALL: the
	 * function; SE_TARGET: the context variable as written, with its
	 * '$' signs ("$p", "$$parms", "$return") */
	char *name;
	struct script_expr **args; /* operands, keys or call arguments */
	int nargs;
	struct script_access *access; /* SE_TARGET, SE_CAST, SE_VAR */
	int naccess;
	/* SE_TARGET/SE_CAST/SE_VAR: a trailing "$" (print the value as a
	 * struct) or "$$" (recursively) */
	int pretty;

	/* Filled by the checker (zero from the parser). */
	enum script_type type;
	int slot;	  /* a local's or global's index */
	bool global;	  /* SLOT is a global's */
	void *resolved;	  /* SE_CALL: the script function or builtin called */
	bool builtin;	  /* SE_CALL: RESOLVED is a struct script_builtin */
	void *cache;	  /* the interpreter's (printf's compiled format), freed by it */
	/* SE_ENTRY, and an SE_TARGET of a .return probe other than $return
	 * (its value at the call, as in SystemTap): the index of the value
	 * saved at the function's entry; -1 otherwise */
	int entry_slot;
	bool at_entry; /* an SE_TARGET read at the entry: SLOT indexes entry_targets */
};

enum script_stmt_kind {
	SS_BLOCK,    /* { body[0..nbody) } */
	SS_EXPR,     /* expr ; */
	SS_IF,	     /* if (expr) then [else otherwise] */
	SS_WHILE,    /* while (expr) then */
	SS_FOR,	     /* for (init; expr; step) then: each of init, expr, step may be NULL */
	SS_FOREACH,  /* see the foreach fields */
	SS_BREAK,
	SS_CONTINUE,
	SS_NEXT,     /* leave the probe handler */
	SS_RETURN,   /* return [expr] */
	SS_DELETE,   /* delete expr: SE_IDENT (a whole array, or a scalar) or SE_INDEX */
	SS_TRY,	     /* try then catch [(catch_var)] otherwise */
	SS_NULL,     /* ; */
};

struct script_stmt {
	enum script_stmt_kind kind;
	struct script_pos pos;
	struct script_expr *expr;	/* SS_EXPR, SS_IF, SS_WHILE, SS_FOR's condition, SS_RETURN, SS_DELETE */
	struct script_expr *init, *step; /* SS_FOR */
	struct script_stmt *then;	/* SS_IF, SS_WHILE, SS_FOR, SS_FOREACH's body, SS_TRY's block */
	struct script_stmt *otherwise;	/* SS_IF's else, SS_TRY's catch block */
	struct script_stmt **body;	/* SS_BLOCK */
	int nbody;
	char *catch_var;		/* SS_TRY: "catch (msg)", or NULL */

	/* SS_FOREACH: foreach ([value_var =] [keys...] in array [sort] [limit N]) then */
	char *value_var; /* or NULL */
	char **keys;	 /* the key variables, one or more */
	int nkeys;
	char *array;
	/* 0: no order; -1: by value; K (1..nkeys): by key K; written
	 * "foreach (k+ in a)", "foreach ([a, b-] in m)", "foreach (k in a-)" */
	int sort_by;
	int sort_dir;		     /* +1 ascending, -1 descending */
	enum script_stat sort_stat;  /* "foreach (k in a @max+)": the aggregate to sort stats by */
	struct script_expr *limit;   /* or NULL */

	/* Filled by the checker. */
	int *key_slots;
	int value_slot;
	int catch_slot;
};

/* One component of a probe point: "process" with its argument ("./prog"),
 * "function" ("main"), "call", "return", "timer", "ms" (100), ... */
struct script_component {
	char *name;
	struct script_expr *arg; /* a SE_STRING or SE_NUMBER literal, or NULL: no parentheses */
	struct script_pos pos;
};

struct script_point {
	struct script_component *comps;
	int ncomps;
	bool optional;	 /* trailing '?' */
	bool sufficient; /* trailing '!' */
	struct script_pos pos;
};

struct script_probe {
	struct script_point *points; /* probe A, B { } */
	int npoints;
	struct script_stmt *body; /* an SS_BLOCK */
	struct script_pos pos;
	/* filled by the checker */
	int nlocals;	  /* slots its handler needs */
	enum script_type *local_types;
	char **locals;	  /* their names, for messages */
	char **targets;	  /* its context variables as one-liner fetches ("$p->a[2]"),
			   * an SE_TARGET's slot indexes these; @cast(...) and
			   * @var("x@file") have no one-liner form: their text
			   * names them, TARGET_EXPRS says what they are */
	struct script_pos *target_pos; /* where each was first written */
	struct script_expr **target_exprs; /* the first expression of each */
	bool *target_optional; /* read inside @defined(...): may not exist at a site */
	int ntargets;
	/* a .return probe's values taken at the function's entry: @entry(E)
	 * and its parameters ($x); their fetches are ENTRY_TARGETS */
	struct script_expr **entry_exprs;
	int nentry;
	char **entry_targets;
	struct script_pos *entry_target_pos;
	struct script_expr **entry_target_exprs;
	bool *entry_target_optional;
	int nentry_targets;
	/* set before checking: every point of the probe is a .return; every
	 * one is on code (a function, statement or marker: context there) */
	bool returns;
	bool on_code;
};

struct script_param {
	char *name;
	enum script_type type; /* declared ("x:long"), else ST_UNKNOWN */
	struct script_pos pos;
};

struct script_function {
	char *name;
	enum script_type type; /* declared ("function f:string (...)"), else ST_UNKNOWN */
	struct script_param *params;
	int nparams;
	struct script_stmt *body; /* an SS_BLOCK */
	struct script_pos pos;
	/* filled by the checker */
	int nlocals; /* parameters first */
	enum script_type *local_types;
	char **locals;
};

struct script_global {
	char *name;
	struct script_pos pos;
	/* "global a[100]" / "global a%[100]": an array of at most SIZE
	 * entries (0: MAXMAPENTRIES), WRAP: the oldest entry makes room */
	bool array_declared;
	long size;
	bool wrap;
	struct script_expr *init; /* "global x = 5": a literal, or NULL */
	/* filled by the checker */
	enum script_type type; /* of the value (of each element, for an array) */
	bool used;	       /* named somewhere */
	bool elided;	       /* never used: left out, with a warning */
	bool is_array;
	int nkeys;
	enum script_type key_types[9];
	/* statistics: the histogram its @hist_* ask for (one kind per
	 * variable), 0 none, 1 log, 2 linear(start, stop, interval) */
	int hist;
	int64_t hist_start, hist_stop, hist_interval;
};

struct script {
	char *file;   /* as given ("-e" for a script on the command line) */
	char *source; /* the text as read, for error messages */
	struct script_global *globals;
	int nglobals;
	struct script_probe *probes;
	int nprobes;
	struct script_function *functions;
	int nfunctions;
	/* filled by the checker: the @cast(...) of functions and of probes not
	 * on code, compiled once for the session (an SE_CAST with GLOBAL set
	 * indexes these); CAST_OPTIONAL: read inside @defined(...) */
	struct script_expr **casts;
	bool *cast_optional;
	int ncasts;
};

/* A parse or check error: where, what, and what would have been right. */
struct script_error {
	char file[256];
	int line, col; /* 0 when not tied to a place */
	char msg[256];
	char hint[256]; /* "" when there is none */
};

/* Parse SOURCE, the text of script FILE, with script arguments ARGS[0..NARGS)
 * ($1 .. $N as tokens, @1 .. @N as strings, $# and @# as NARGS), through
 * the preprocessor (%( cond %? then %: else %)), into *OUT.  0, or -EINVAL
 * with ERR filled (the first error), or -ENOMEM. */
int script_parse(const char *file, const char *source, char *const *args, int nargs,
		 struct script **out, struct script_error *err);
void script_free(struct script *s);

/* The script back as source, one construct per line, fully parenthesized
 * where precedence could mislead (stap -p1's view). */
void script_dump(const struct script *s, FILE *out);

/* "FILE:LINE:COL: MSG", the source line, a caret under COL, "hint: HINT". */
void script_error_print(FILE *out, const struct script_error *err, const char *source);

#endif
