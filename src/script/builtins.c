/* builtins.c: the table of builtin functions: SystemTap's names and types. */
#include <string.h>

#include "script/builtins.h"

#define L ST_LONG
#define S ST_STRING
#define V ST_VOID

/* name, id, returns, how the arguments go, min, max, their types, needs a hit */
static const struct script_builtin builtins[] = {
	{"print", B_PRINT, V, BA_ANY, 1, 32, {0}, false},
	{"println", B_PRINTLN, V, BA_ANY, 0, 32, {0}, false},
	{"printd", B_PRINTD, V, BA_DELIM, 2, 32, {S}, false},
	{"printdln", B_PRINTDLN, V, BA_DELIM, 2, 32, {S}, false},
	{"printf", B_PRINTF, V, BA_FORMAT, 1, 32, {S}, false},
	{"sprint", B_SPRINT, S, BA_ANY, 1, 32, {0}, false},
	{"sprintln", B_SPRINTLN, S, BA_ANY, 0, 32, {0}, false},
	{"sprintd", B_SPRINTD, S, BA_DELIM, 2, 32, {S}, false},
	{"sprintdln", B_SPRINTDLN, S, BA_DELIM, 2, 32, {S}, false},
	{"sprintf", B_SPRINTF, S, BA_FORMAT, 1, 32, {S}, false},
	{"exit", B_EXIT, V, BA_FIXED, 0, 0, {0}, false},
	{"error", B_ERROR, V, BA_FIXED, 1, 1, {S}, false},
	{"warn", B_WARN, V, BA_FIXED, 1, 1, {S}, false},

	{"pid", B_PID, L, BA_FIXED, 0, 0, {0}, true},
	{"tid", B_TID, L, BA_FIXED, 0, 0, {0}, true},
	{"ppid", B_PPID, L, BA_FIXED, 0, 0, {0}, true},
	{"uid", B_UID, L, BA_FIXED, 0, 0, {0}, true},
	{"euid", B_EUID, L, BA_FIXED, 0, 0, {0}, true},
	{"gid", B_GID, L, BA_FIXED, 0, 0, {0}, true},
	{"execname", B_EXECNAME, S, BA_FIXED, 0, 0, {0}, true},
	{"cmdline_str", B_CMDLINE_STR, S, BA_FIXED, 0, 0, {0}, true},
	{"target", B_TARGET, L, BA_FIXED, 0, 0, {0}, false},
	{"target_set_pid", B_TARGET_SET_PID, L, BA_FIXED, 1, 1, {L}, false},
	{"cpu", B_CPU, L, BA_FIXED, 0, 0, {0}, true},
	{"pp", B_PP, S, BA_FIXED, 0, 0, {0}, false},
	{"probefunc", B_PROBEFUNC, S, BA_FIXED, 0, 0, {0}, true},
	{"ppfunc", B_PPFUNC, S, BA_FIXED, 0, 0, {0}, true},
	{"is_return", B_IS_RETURN, L, BA_FIXED, 0, 0, {0}, false},

	{"gettimeofday_s", B_GETTIMEOFDAY_S, L, BA_FIXED, 0, 0, {0}, false},
	{"gettimeofday_ms", B_GETTIMEOFDAY_MS, L, BA_FIXED, 0, 0, {0}, false},
	{"gettimeofday_us", B_GETTIMEOFDAY_US, L, BA_FIXED, 0, 0, {0}, false},
	{"gettimeofday_ns", B_GETTIMEOFDAY_NS, L, BA_FIXED, 0, 0, {0}, false},
	{"local_clock_ns", B_LOCAL_CLOCK_NS, L, BA_FIXED, 0, 0, {0}, false},
	{"local_clock_us", B_LOCAL_CLOCK_US, L, BA_FIXED, 0, 0, {0}, false},
	{"local_clock_ms", B_LOCAL_CLOCK_MS, L, BA_FIXED, 0, 0, {0}, false},
	{"local_clock_s", B_LOCAL_CLOCK_S, L, BA_FIXED, 0, 0, {0}, false},
	{"thread_indent", B_THREAD_INDENT, S, BA_FIXED, 1, 1, {L}, true},

	{"user_string", B_USER_STRING, S, BA_FIXED, 1, 2, {L, S}, true},
	{"user_string_n", B_USER_STRING_N, S, BA_FIXED, 2, 3, {L, L, S}, true},
	{"user_string_quoted", B_USER_STRING_QUOTED, S, BA_FIXED, 1, 1, {L}, true},
	{"user_string_n_quoted", B_USER_STRING_N_QUOTED, S, BA_FIXED, 2, 2, {L, L}, true},
	{"user_char", B_USER_CHAR, L, BA_FIXED, 1, 1, {L}, true},
	{"user_short", B_USER_SHORT, L, BA_FIXED, 1, 1, {L}, true},
	{"user_ushort", B_USER_USHORT, L, BA_FIXED, 1, 1, {L}, true},
	{"user_int", B_USER_INT, L, BA_FIXED, 1, 1, {L}, true},
	{"user_uint", B_USER_UINT, L, BA_FIXED, 1, 1, {L}, true},
	{"user_long", B_USER_LONG, L, BA_FIXED, 1, 1, {L}, true},
	{"user_ulong", B_USER_ULONG, L, BA_FIXED, 1, 1, {L}, true},
	{"user_int8", B_USER_INT8, L, BA_FIXED, 1, 1, {L}, true},
	{"user_uint8", B_USER_UINT8, L, BA_FIXED, 1, 1, {L}, true},
	{"user_int16", B_USER_INT16, L, BA_FIXED, 1, 1, {L}, true},
	{"user_uint16", B_USER_UINT16, L, BA_FIXED, 1, 1, {L}, true},
	{"user_int32", B_USER_INT32, L, BA_FIXED, 1, 1, {L}, true},
	{"user_uint32", B_USER_UINT32, L, BA_FIXED, 1, 1, {L}, true},
	{"user_int64", B_USER_INT64, L, BA_FIXED, 1, 1, {L}, true},
	{"user_uint64", B_USER_UINT64, L, BA_FIXED, 1, 1, {L}, true},
	{"int_arg", B_INT_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"uint_arg", B_UINT_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"long_arg", B_LONG_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"ulong_arg", B_ULONG_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"pointer_arg", B_POINTER_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"s32_arg", B_S32_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"u32_arg", B_U32_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"s64_arg", B_S64_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"u64_arg", B_U64_ARG, L, BA_FIXED, 1, 1, {L}, true},
	{"returnval", B_RETURNVAL, L, BA_FIXED, 0, 0, {0}, true},
	{"returnstr", B_RETURNSTR, S, BA_FIXED, 1, 1, {L}, true},
	{"register", B_REGISTER, L, BA_FIXED, 1, 1, {S}, true},
	{"u_register", B_U_REGISTER, L, BA_FIXED, 1, 1, {S}, true},
	{"print_regs", B_PRINT_REGS, V, BA_FIXED, 0, 0, {0}, true},

	{"print_ubacktrace", B_PRINT_UBACKTRACE, V, BA_FIXED, 0, 0, {0}, true},
	{"sprint_ubacktrace", B_SPRINT_UBACKTRACE, S, BA_FIXED, 0, 0, {0}, true},
	{"ubacktrace", B_UBACKTRACE, S, BA_FIXED, 0, 0, {0}, true},
	{"print_ustack", B_PRINT_USTACK, V, BA_FIXED, 1, 1, {S}, true},
	{"sprint_ustack", B_SPRINT_USTACK, S, BA_FIXED, 1, 1, {S}, true},
	{"print_usyms", B_PRINT_USTACK, V, BA_FIXED, 1, 1, {S}, true},
	{"sprint_usyms", B_SPRINT_USTACK, S, BA_FIXED, 1, 1, {S}, true},
	{"print_ubacktrace_brief", B_PRINT_UBACKTRACE_BRIEF, V, BA_FIXED, 0, 0, {0}, true},
	{"ustack", B_USTACK, L, BA_FIXED, 1, 1, {L}, true},
	{"usymname", B_USYMNAME, S, BA_FIXED, 1, 1, {L}, true},
	{"usymdata", B_USYMDATA, S, BA_FIXED, 1, 1, {L}, true},
	{"umodname", B_UMODNAME, S, BA_FIXED, 1, 1, {L}, true},
	{"uaddr", B_UADDR, L, BA_FIXED, 0, 0, {0}, true},

	{"strlen", B_STRLEN, L, BA_FIXED, 1, 1, {S}, false},
	{"substr", B_SUBSTR, S, BA_FIXED, 3, 3, {S, L, L}, false},
	{"isinstr", B_ISINSTR, L, BA_FIXED, 2, 2, {S, S}, false},
	{"strtol", B_STRTOL, L, BA_FIXED, 2, 2, {S, L}, false},
	{"str_replace", B_STR_REPLACE, S, BA_FIXED, 3, 3, {S, S, S}, false},
	{"tokenize", B_TOKENIZE, S, BA_FIXED, 2, 2, {S, S}, false},
	{"text_str", B_TEXT_STR, S, BA_FIXED, 1, 1, {S}, false},
	{"stringat", B_STRINGAT, L, BA_FIXED, 2, 2, {S, L}, false},
	{"string_quoted", B_STRING_QUOTED, S, BA_FIXED, 1, 1, {S}, false},
};

const struct script_builtin *script_builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

const struct script_builtin *script_builtin_at(int i)
{
	if (i < 0 || (size_t)i >= sizeof(builtins) / sizeof(builtins[0]))
		return NULL;
	return &builtins[i];
}
