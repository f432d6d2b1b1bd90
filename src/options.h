/* options.h: what the user asked for on the command line. */
#ifndef UTAP_OPTIONS_H
#define UTAP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "arch/arch.h"
#include "probe/probe.h"

/* Which backend runs the probes (--backend). */
enum options_backend {
	BACKEND_PTRACE, /* ptrace and int3 breakpoints: the default, no rights needed */
	BACKEND_UPROBE, /* the kernel's uprobes through tracefs: root or tracefs rights */
};

struct options {
	struct probe *probes;
	size_t nprobes;
	char **argv;          /* command to launch (NULL when attaching) */
	bool split_argv;      /* argv came from -c and is ours to free */
	pid_t attach_pid;     /* -p / -x, 0 if launching */
	const char *output;   /* -o FILE */
	bool json;
	bool follow_forks;    /* -f */
	bool pin;             /* --pin */
	bool show_cpu;        /* --cpu */
	double duration;      /* --duration SECS, 0 = unlimited */
	enum arch_step_mode step_mode;
	const char *list_pattern; /* -l/-L 'BIN:PATTERN': list, trace nothing */
	bool list_details;        /* -L: with parameters and locals */
	bool dry_run;             /* -S/--dry-run: print the resolved sites */
	bool yes;                 /* --yes: no question for probes with many sites */
	bool stack;               /* -s/--stack: each hit's call stack */
	int stack_depth;          /* --stack-depth N: at most N frames */
	bool folded;              /* --folded: stacks counted, printed at exit */
	/* A SystemTap script instead of one-liners: */
	const char *script_file;  /* utap [OPTIONS] FILE.stp [ARGS] */
	const char *script_text;  /* -e 'SCRIPT' */
	char **script_args;       /* $1 .. $N */
	int nscript_args;
	char **defines;           /* -D NAME=VALUE, in order */
	int ndefines;
	char **set_globals;       /* -G NAME=VALUE */
	int nset_globals;
	bool dump_ast;            /* --dump-ast: print the parsed script, run nothing */
	long max_rate;            /* --max-rate N: a script probe past N hits/s is disabled */
	enum options_backend backend; /* --backend=ptrace|uprobe */
};

#define OPTIONS_STACK_DEPTH_DEFAULT 32
#define OPTIONS_STACK_DEPTH_MAX 1024

/* Parse argv. Returns 0 to run, 1 when --help/--version was printed (exit 0),
 * or -EINVAL after printing "utap: ..." (exit 2). */
int options_parse(int argc, char **argv, struct options *opts);
void options_free(struct options *opts);
/* -p PID and --stack-depth N as every front end takes them: 0, or -EINVAL
 * after saying what is wrong. */
int options_parse_pid(const char *s, pid_t *pid);
int options_parse_stack_depth(const char *arg, int *depth);

#endif
