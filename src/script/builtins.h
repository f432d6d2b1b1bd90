/* builtins.h: the functions a script can call without defining them (SystemTap's tapset
 * functions for user space): names and types for the checker, ids for the interpreter. */
#ifndef UTAP_SCRIPT_BUILTINS_H
#define UTAP_SCRIPT_BUILTINS_H

#include "script/ast.h"

enum script_builtin_id {
	/* output and control */
	B_PRINT, B_PRINTLN, B_PRINTD, B_PRINTDLN, B_PRINTF,
	B_SPRINT, B_SPRINTLN, B_SPRINTD, B_SPRINTDLN, B_SPRINTF,
	B_EXIT, B_ERROR, B_WARN,
	/* the hit's context */
	B_PID, B_TID, B_PPID, B_UID, B_EUID, B_GID, B_EXECNAME, B_CMDLINE_STR, B_TARGET, B_TARGET_SET_PID, B_CPU,
	B_PP, B_PROBEFUNC, B_PPFUNC, B_IS_RETURN,
	/* time */
	B_GETTIMEOFDAY_S, B_GETTIMEOFDAY_MS, B_GETTIMEOFDAY_US, B_GETTIMEOFDAY_NS,
	B_LOCAL_CLOCK_NS, B_LOCAL_CLOCK_US, B_LOCAL_CLOCK_MS, B_LOCAL_CLOCK_S,
	B_THREAD_INDENT,
	/* the tracee's memory and registers */
	B_USER_STRING, B_USER_STRING_N, B_USER_STRING_QUOTED, B_USER_STRING_N_QUOTED,
	B_USER_CHAR, B_USER_SHORT, B_USER_USHORT, B_USER_INT, B_USER_UINT, B_USER_LONG,
	B_USER_ULONG, B_USER_INT8, B_USER_UINT8, B_USER_INT16, B_USER_UINT16, B_USER_INT32,
	B_USER_UINT32, B_USER_INT64, B_USER_UINT64,
	B_INT_ARG, B_UINT_ARG, B_LONG_ARG, B_ULONG_ARG, B_POINTER_ARG, B_S32_ARG, B_U32_ARG,
	B_S64_ARG, B_U64_ARG,
	B_RETURNVAL, B_RETURNSTR, B_REGISTER, B_U_REGISTER, B_PRINT_REGS,
	/* stacks and symbols */
	B_PRINT_UBACKTRACE, B_SPRINT_UBACKTRACE, B_UBACKTRACE, B_PRINT_USTACK, B_SPRINT_USTACK,
	B_PRINT_UBACKTRACE_BRIEF, B_USTACK, B_USYMNAME, B_USYMDATA, B_UMODNAME, B_UADDR,
	/* strings */
	B_STRLEN, B_SUBSTR, B_ISINSTR, B_STRTOL, B_STR_REPLACE, B_TOKENIZE, B_TEXT_STR,
	B_STRINGAT, B_STRING_QUOTED,
	B_COUNT /* not a builtin */
};

/* How a builtin's arguments are checked. */
enum script_builtin_args {
	BA_FIXED,  /* exactly the types in ARGS (MIN..MAX of them) */
	BA_ANY,	   /* any number of longs or strings (print, println, sprint) */
	BA_DELIM,  /* a string, then any (printd, printdln) */
	BA_FORMAT, /* a literal format string, then what it asks for (printf) */
};

struct script_builtin {
	const char *name;
	enum script_builtin_id id;
	enum script_type ret; /* ST_VOID: returns nothing */
	enum script_builtin_args how;
	int min, max;
	enum script_type args[4];
	bool in_code_probe; /* only meaningful at a hit of code (pid(), $registers...) */
};

/* The builtin named NAME, or NULL. */
const struct script_builtin *script_builtin_find(const char *name);

/* The I-th builtin (for "did you mean" hints), or NULL past the last. */
const struct script_builtin *script_builtin_at(int i);

#endif
