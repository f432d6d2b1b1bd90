/* options.c: the command line: probes, launch or attach, output, modes. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/split.h"
#include "options.h"
#include "util/log.h"

static const char usage_text[] =
	"usage: utap [OPTIONS] PROBE... -- CMD [ARGS...]\n"
	"       utap [OPTIONS] PROBE... -c 'CMD ARGS'\n"
	"       utap [OPTIONS] PROBE... -p PID\n"
	"       utap [OPTIONS] SCRIPT.stp [ARGS] [-c 'CMD' | -x PID | -- CMD ARGS]\n"
	"       utap [OPTIONS] -e 'SCRIPT' [ARGS] [-c 'CMD' | -x PID | -- CMD ARGS]\n"
	"       utap leaks [OPTIONS] (-- CMD ARGS | -p PID)   (utap leaks --help)\n"
	"\n"
	"Trace a program's functions with int3 breakpoints and ptrace: no kernel\n"
	"module, no eBPF, no root.\n"
	"\n"
	"PROBE (one argument each, surftrace syntax):\n"
	"  p BIN:SYM [NAME=FETCH ...]     at the entry of SYM\n"
	"  r BIN:SYM [NAME=FETCH ...]     when SYM returns\n"
	"  BIN:SYM+OFF                    at an instruction inside SYM\n"
	"  BIN:0xOFFSET                   at a file offset in BIN\n"
	"  BIN:str*                       at every function matching the pattern\n"
	"  BIN:file.c:LINE                at a source line (DWARF line table)\n"
	"  BIN:NAME@plt                   at BIN's calls to NAME (a pattern too) through\n"
	"                                 its PLT or GOT; r BIN:NAME@plt when they return\n"
	"  BIN is a path, the executable's basename, or a library name prefix\n"
	"  (libc:malloc probes the libc the program really uses).\n"
	"\n"
	"FETCH:\n"
	"  %0..%5          integer arguments (System V order); %6 and up from the stack\n"
	"  %di %si %ax ... registers, as in uprobe_events\n"
	"  $retval         the return value (r probes)\n"
	"  +OFF(FETCH)     the memory at FETCH+OFF\n"
	"  \\IMM            a constant (\\42)\n"
	"  :u8..:u64 :s8..:s64 :x8..:x64 :string   type of the value (default u64)\n"
	"  X/S/U prefix    print as hex / signed / unsigned (default)\n"
	"\n"
	"OPTIONS:\n"
	"  -c 'CMD ARGS'   launch CMD (split like a shell would, no shell run)\n"
	"  -p, -x PID      attach to a running process; detach on Ctrl-C, SIGTERM, SIGHUP\n"
	"  --duration SECS detach (or stop) after SECS seconds\n"
	"  -o FILE         write hit lines to FILE\n"
	"  --json          one JSON object per hit\n"
	"  -f              follow forked children (default: leave them untouched)\n"
	"  --step-mode=M   auto|emulate|xol|singlestep: how to step over probed\n"
	"                  instructions (a mode that cannot falls back, -v says so)\n"
	"  --pin           run utap and the launched program on one CPU (faster hits)\n"
	"  --cpu           show the CPU column (costs a read per hit)\n"
	"  -l 'BIN:PATTERN'  list the functions matching PATTERN (like stap -l)\n"
	"  -L 'BIN:PATTERN'  the same with parameters and locals (like stap -L)\n"
	"  -S, --dry-run   print where the probes land and how, start nothing\n"
	"  --backend=B     ptrace (default) or uprobe: the kernel's uprobes through\n"
	"                  tracefs (root or tracefs rights; -S shows its writes)\n"
	"  --yes           probe more than 100 places without asking\n"
	"  -s, --stack     print the call stack under each hit\n"
	"  -e 'SCRIPT'     run a SystemTap script given on the command line\n"
	"  -D NAME=VALUE   a script's limit: MAXACTION, MAXMAPENTRIES, MAXSTRINGLEN,\n"
	"                  MAXERRORS\n"
	"  -G NAME=VALUE   set a script's global before it starts\n"
	"  --dump-ast      print the parsed script back, run nothing\n"
	"  --max-rate N    disable a script's probe hit more than N times a second\n"
	"  --stack-depth N at most N frames (default 32)\n"
	"  --folded        count the stacks of all hits, print them at exit as\n"
	"                  flame-graph input (main;work;func 12), not each hit\n"
	"  -v              say more (twice: debug)\n"
	"  -h, --help      this text\n"
	"\n"
	"Output, one line per hit (probes are named p0, r1, ... by position):\n"
	"  COMM-TID SECS.USECS: p0: (work+0x0/0x2a) i=3 a=7\n"
	"  COMM-TID SECS.USECS: r1: (main+0x4f <- work) ret=10\n"
	"\n"
	"Examples:\n"
	"  utap 'p ./prog:work i=%0 a=+0(%1):u32' -- ./prog 10\n"
	"  utap 'r ./prog:work ret=$retval' -c './prog 10'\n"
	"  utap 'p libc:malloc size=%0' 'r libc:malloc ptr=X$retval' -p 1234\n"
	"\n"
	"Exit status: the program's own (128+N if killed by signal N), 2 for bad input.\n";

enum {
	OPT_JSON = 256,
	OPT_DURATION,
	OPT_STEP_MODE,
	OPT_PIN,
	OPT_CPU,
	OPT_DRY_RUN,
	OPT_YES,
	OPT_STACK_DEPTH,
	OPT_FOLDED,
	OPT_DUMP_AST,
	OPT_MAX_RATE,
	OPT_BACKEND,
};

static int parse_step_mode(const char *s, enum arch_step_mode *mode)
{
	static const struct {
		const char *name;
		enum arch_step_mode mode;
	} modes[] = {{"auto", ARCH_STEP_AUTO},
		     {"emulate", ARCH_STEP_EMULATE},
		     {"xol", ARCH_STEP_XOL},
		     {"singlestep", ARCH_STEP_SINGLESTEP}};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(s, modes[i].name) == 0) {
			*mode = modes[i].mode;
			return 0;
		}
	}
	log_error("--step-mode: unknown mode '%s'\n      hint: auto, emulate, xol or singlestep", s);
	return -EINVAL;
}

static int parse_backend(const char *s, enum options_backend *backend)
{
	if (strcmp(s, "ptrace") == 0) {
		*backend = BACKEND_PTRACE;
		return 0;
	}
	if (strcmp(s, "uprobe") == 0) {
		*backend = BACKEND_UPROBE;
		return 0;
	}
	log_error("--backend: unknown backend '%s'\n"
		  "      hint: --backend=ptrace (the default) or --backend=uprobe (the kernel's "
		  "uprobes, as root)", s);
	return -EINVAL;
}

int options_parse_pid(const char *s, pid_t *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0' || v <= 0 || v > 4194304) {
		log_error("-p: '%s' is not a process ID\n      hint: a positive number, e.g. -p $(pidof prog)", s);
		return -EINVAL;
	}
	*pid = (pid_t)v;
	return 0;
}

static int add_probe(struct options *opts, const char *text)
{
	struct probe_error err;
	struct probe *p;

	p = realloc(opts->probes, (opts->nprobes + 1) * sizeof(*p));
	if (!p)
		return -ENOMEM;
	opts->probes = p;
	memset(&err, 0, sizeof(err));
	if (probe_parse(text, (int)opts->nprobes, &p[opts->nprobes], &err) < 0) {
		log_error("probe %zu, column %d: %s\n      %s\n      %*s^%s%s", opts->nprobes + 1,
			  err.column, err.msg, text, err.column > 0 ? err.column - 1 : 0, "",
			  err.hint[0] ? "\n      hint: " : "", err.hint);
		return -EINVAL;
	}
	opts->nprobes++;
	return 0;
}

int options_parse_stack_depth(const char *arg, int *depth)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || v < 1 || v > OPTIONS_STACK_DEPTH_MAX) {
		log_error("--stack-depth: '%s' is not a number of frames from 1 to %d\n"
			  "      hint: --stack-depth 16",
			  arg, OPTIONS_STACK_DEPTH_MAX);
		return -EINVAL;
	}
	*depth = (int)v;
	return 0;
}

/* A readable regular file: a script, not a one-liner. */
static bool names_file(const char *arg)
{
	struct stat st;

	return stat(arg, &st) == 0 && S_ISREG(st.st_mode) && access(arg, R_OK) == 0;
}

/* -D NAME=VALUE, -G NAME=VALUE: kept in order for the script. */
static int add_setting(char ***list, int *n, int opt, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char **grown;

	if (!eq || eq == arg) {
		log_error("-%c %s: expected NAME=VALUE\n      hint: -%c %s", opt, arg, opt,
			  opt == 'D' ? "MAXACTION=10000" : "threshold=100");
		return -EINVAL;
	}
	grown = realloc(*list, (size_t)(*n + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	grown[(*n)++] = (char *)arg;
	*list = grown;
	return 0;
}

static int split_command(struct options *opts, const char *line)
{
	char err[128];
	int argc;

	if (cli_split(line, &opts->argv, &argc, err, sizeof(err)) < 0) {
		log_error("-c: %s", err);
		return -EINVAL;
	}
	if (argc == 0) {
		log_error("-c: the command is empty\n      hint: -c './prog args'");
		return -EINVAL;
	}
	return 0;
}

int options_parse(int argc, char **argv, struct options *opts)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"json", no_argument, NULL, OPT_JSON},
		{"duration", required_argument, NULL, OPT_DURATION},
		{"step-mode", required_argument, NULL, OPT_STEP_MODE},
		{"pin", no_argument, NULL, OPT_PIN},
		{"cpu", no_argument, NULL, OPT_CPU},
		{"output", required_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"yes", no_argument, NULL, OPT_YES},
		{"stack", no_argument, NULL, 's'},
		{"stack-depth", required_argument, NULL, OPT_STACK_DEPTH},
		{"folded", no_argument, NULL, OPT_FOLDED},
		{"dump-ast", no_argument, NULL, OPT_DUMP_AST},
		{"max-rate", required_argument, NULL, OPT_MAX_RATE},
		{"backend", required_argument, NULL, OPT_BACKEND},
		{0},
	};
	const char *command = NULL;
	int c, dashdash = argc;
	char *end;

	memset(opts, 0, sizeof(*opts));
	opts->stack_depth = OPTIONS_STACK_DEPTH_DEFAULT;
	opterr = 0; /* our own messages, in our own format */
	/* Options may come before or after the probes, but nothing after "--"
	 * is ours: getopt only sees (and permutes) what precedes it. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
	}
	while ((c = getopt_long(dashdash, argv, "hc:p:x:o:fvl:L:Sse:D:G:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case 'c':
			command = optarg;
			break;
		case 'p':
		case 'x':
			if (options_parse_pid(optarg, &opts->attach_pid) < 0)
				return -EINVAL;
			break;
		case 'o':
			opts->output = optarg;
			break;
		case 'f':
			opts->follow_forks = true;
			break;
		case 'l':
		case 'L':
			opts->list_pattern = optarg;
			opts->list_details = c == 'L';
			break;
		case 'S':
		case OPT_DRY_RUN:
			opts->dry_run = true;
			break;
		case 'v':
			utap_log_level++;
			break;
		case OPT_JSON:
			opts->json = true;
			break;
		case OPT_YES:
			opts->yes = true;
			break;
		case 's':
			opts->stack = true;
			break;
		case 'e':
			opts->script_text = optarg;
			break;
		case 'D':
		case 'G':
			if (add_setting(c == 'D' ? &opts->defines : &opts->set_globals,
					c == 'D' ? &opts->ndefines : &opts->nset_globals, c, optarg) < 0)
				return -EINVAL;
			break;
		case OPT_DUMP_AST:
			opts->dump_ast = true;
			break;
		case OPT_MAX_RATE:
			opts->max_rate = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || opts->max_rate < 1) {
				log_error("--max-rate: '%s' is not a number of hits per second\n"
					  "      hint: --max-rate 10000",
					  optarg);
				return -EINVAL;
			}
			break;
		case OPT_FOLDED:
			opts->folded = true;
			break;
		case OPT_STACK_DEPTH:
			if (options_parse_stack_depth(optarg, &opts->stack_depth) < 0)
				return -EINVAL;
			break;
		case OPT_PIN:
			opts->pin = true;
			break;
		case OPT_CPU:
			opts->show_cpu = true;
			break;
		case OPT_DURATION:
			opts->duration = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || opts->duration <= 0) {
				log_error("--duration: '%s' is not a number of seconds", optarg);
				return -EINVAL;
			}
			break;
		case OPT_STEP_MODE:
			if (parse_step_mode(optarg, &opts->step_mode) < 0)
				return -EINVAL;
			break;
		case OPT_BACKEND:
			if (parse_backend(optarg, &opts->backend) < 0)
				return -EINVAL;
			break;
		default:
			if (optopt && strchr("cpxolLeDG", optopt))
				log_error("option -%c needs a value\n      hint: utap --help", optopt);
			else
				log_error("unknown option '%s'\n      hint: utap --help",
					  argv[optind - 1]);
			return -EINVAL;
		}
	}
	/* A script ("stap FILE ARGS": the first argument names a file, or -e
	 * gave it) takes the other arguments as its own; else they are probes. */
	if (!opts->script_text && optind < dashdash && names_file(argv[optind]))
		opts->script_file = argv[optind++];
	if (opts->script_file || opts->script_text) {
		opts->script_args = &argv[optind];
		opts->nscript_args = dashdash - optind;
		optind = dashdash;
	} else if (opts->ndefines || opts->nset_globals || opts->dump_ast || opts->max_rate) {
		log_error("-D, -G, --dump-ast and --max-rate are for scripts\n"
			  "      hint: utap script.stp, or utap -e 'probe begin { ... }'");
		return -EINVAL;
	}
	/* The probes, then the command after "--". */
	for (; optind < dashdash; optind++) {
		if (add_probe(opts, argv[optind]) < 0)
			return -EINVAL;
	}
	if (dashdash < argc) {
		if (dashdash + 1 >= argc) {
			log_error("'--' must be followed by a command\n      hint: -- ./prog args");
			return -EINVAL;
		}
		opts->argv = &argv[dashdash + 1];
	}
	if (command && opts->argv) {
		log_error("-c and '-- CMD' both name a command\n      hint: use one of them");
		return -EINVAL;
	}
	if (command && split_command(opts, command) < 0)
		return -EINVAL;
	if (opts->folded && opts->json) {
		log_error("--folded prints flame-graph input, not JSON\n"
			  "      hint: --json -s gives each hit's stack as JSON");
		return -EINVAL;
	}
	opts->split_argv = command != NULL;
	if (opts->list_pattern) {
		if (opts->nprobes || opts->argv || opts->attach_pid) {
			log_error("-l/-L lists, it traces nothing\n      hint: utap -L 'BIN:PATTERN'");
			return -EINVAL;
		}
		return 0;
	}
	if (opts->script_file || opts->script_text) {
		if (opts->script_file && opts->script_text) {
			log_error("-e gives the script, and so does %s\n      hint: use one of them",
				  opts->script_file);
			return -EINVAL;
		}
		return 0; /* a script may need no program at all (begin, timers) */
	}
	if (opts->nprobes == 0) {
		log_error("no probe given\n      hint: utap 'p ./prog:func a=%%0' -- ./prog");
		return -EINVAL;
	}
	if (!opts->argv && !opts->attach_pid && !opts->dry_run) {
		log_error("nothing to trace\n      hint: add '-- CMD ARGS', -c 'CMD ARGS' or -p PID");
		return -EINVAL;
	}
	if (opts->argv && opts->attach_pid) {
		log_error("-p and a command both given\n      hint: attach (-p) or launch (--, -c), not both");
		return -EINVAL;
	}
	if (opts->pin && opts->attach_pid)
		log_verbose("--pin: pinning only utap itself; the attached process keeps its CPUs");
	return 0;
}

void options_free(struct options *opts)
{
	if (opts->split_argv)
		cli_split_free(opts->argv);
	for (size_t i = 0; i < opts->nprobes; i++)
		probe_free(&opts->probes[i]);
	free(opts->probes);
	free(opts->defines);
	free(opts->set_globals);
}
