/* cli.c: `utap leaks`: its command line, the check that the program has an
 * allocator to probe, and the run with the backend's hooks. */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "proc/launch.h"
#include "proc/maps.h"
#include "sym/sym.h"
#include "tools/leaks.h"
#include "tools/leaks/internal.h"
#include "util/log.h"
#include "util/clock.h"

static const char usage_text[] =
	"usage: utap leaks [OPTIONS] -- CMD [ARGS...]\n"
	"       utap leaks [OPTIONS] -p PID\n"
	"\n"
	"Find memory leaks, double frees and invalid frees in a program, launched or\n"
	"running, by probing its allocator (malloc, calloc, realloc, reallocarray,\n"
	"free, posix_memalign, aligned_alloc, memalign, valloc, pvalloc, in whichever\n"
	"module defines them: glibc, jemalloc, tcmalloc). Errors are printed as they\n"
	"happen; the leak report comes when the program exits, when utap detaches\n"
	"(Ctrl-C, SIGTERM), and every -i SECS. Blocks are classified as valgrind's\n"
	"memcheck does: definitely lost, indirectly lost, possibly lost (only\n"
	"pointers into their middle), still reachable.\n"
	"\n"
	"OPTIONS:\n"
	"  -p, -x PID          attach to a running process (blocks it allocated before\n"
	"                      are of unknown origin: freeing them is not an error)\n"
	"  --strict            report frees of blocks of unknown origin too\n"
	"  --stack-depth N     frames kept per allocation and free (default 16)\n"
	"  -i, --interval SECS a report every SECS seconds too\n"
	"  --older-than SECS   periodic reports show blocks older than SECS only\n"
	"  --show-reachable    list the still reachable blocks, not only count them\n"
	"  --pin               run utap and the launched program on one CPU: each\n"
	"                      allocator call costs about half (its threads share it)\n"
	"  --abort-on-error    send the program SIGABRT at the first error, before\n"
	"                      the bad call runs (default: report and go on)\n"
	"  --json              one JSON object per error and per report\n"
	"  -o FILE             write errors and reports to FILE (default: stderr)\n"
	"  -v                  say more\n"
	"  -h, --help          this text\n"
	"\n"
	"Exit status: the program's own (128+N if killed by signal N), 2 for bad input.\n";

enum { OPT_STRICT = 256, OPT_STACK_DEPTH, OPT_OLDER, OPT_REACHABLE, OPT_ABORT, OPT_JSON, OPT_PIN };

static int parse_secs(const char *opt, const char *arg, double *out)
{
	char *end;

	*out = strtod(arg, &end);
	if (*arg == '\0' || *end != '\0' || !(*out > 0) || *out > 1e9) {
		log_error("%s: '%s' is not a number of seconds\n      hint: %s 10", opt, arg, opt);
		return -EINVAL;
	}
	return 0;
}

static int parse(int argc, char **argv, struct options *opts, struct leak_opts *lo)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"stack-depth", required_argument, NULL, OPT_STACK_DEPTH},
		{"interval", required_argument, NULL, 'i'},
		{"older-than", required_argument, NULL, OPT_OLDER},
		{"show-reachable", no_argument, NULL, OPT_REACHABLE},
		{"abort-on-error", no_argument, NULL, OPT_ABORT},
		{"json", no_argument, NULL, OPT_JSON},
		{"pin", no_argument, NULL, OPT_PIN},
		{"output", required_argument, NULL, 'o'},
		{"verbose", no_argument, NULL, 'v'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	optind = 1;
	/* '+': options end at the command */
	while ((c = getopt_long(argc, argv, "+hp:x:i:o:v", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage_text, stdout);
			return 1;
		case 'p':
		case 'x':
			if (options_parse_pid(optarg, &opts->attach_pid) < 0)
				return -EINVAL;
			break;
		case OPT_STRICT:
			lo->strict = true;
			break;
		case OPT_STACK_DEPTH:
			if (options_parse_stack_depth(optarg, &lo->stack_depth) < 0)
				return -EINVAL;
			break;
		case 'i':
			if (parse_secs("--interval", optarg, &lo->interval) < 0)
				return -EINVAL;
			break;
		case OPT_OLDER:
			if (parse_secs("--older-than", optarg, &lo->older_than) < 0)
				return -EINVAL;
			break;
		case OPT_REACHABLE:
			lo->show_reachable = true;
			break;
		case OPT_ABORT:
			lo->abort_on_error = true;
			break;
		case OPT_JSON:
			lo->json = true;
			break;
		case OPT_PIN:
			opts->pin = true;
			break;
		case 'o':
			opts->output = optarg;
			break;
		case 'v':
			utap_log_level++;
			break;
		default:
			if (optopt && strchr("pxio", optopt))
				log_error("leaks: option -%c needs a value\n      hint: utap leaks --help",
					  optopt);
			else
				log_error("leaks: unknown option '%s'\n      hint: utap leaks --help",
					  argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind < argc)
		opts->argv = &argv[optind];
	if (!opts->argv == !opts->attach_pid) {
		log_error("leaks: %s\n      hint: utap leaks -- ./prog ARGS, or utap leaks -p PID",
			  opts->argv ? "give a command or -p PID, not both" : "give a command or -p PID");
		return -EINVAL;
	}
	if (opts->pin && opts->attach_pid) {
		log_error("leaks: --pin applies to a program utap launches\n"
			  "      hint: taskset the service yourself, or leave --pin out");
		return -EINVAL;
	}
	if (lo->older_than && !lo->interval) {
		log_error("leaks: --older-than applies to the periodic reports\n"
			  "      hint: add -i SECS, e.g. -i 60 --older-than 300");
		return -EINVAL;
	}
	return 0;
}

/* ---- is there an allocator to probe? ---- */

static bool defines_malloc(const char *name, const char *path, void *data)
{
	(void)name;
	if (!sym_file_exports(path, "malloc") || !sym_file_exports(path, "free"))
		return false;
	if (data)
		snprintf(data, 4096, "%s", path);
	return true;
}

/* The first module that defines malloc and free, into WHERE: the launched
 * program, an LD_PRELOAD library, or one it needs; a module the attached
 * process maps.  0, or -ENOENT. */
static int find_allocator(const struct options *opts, char *where)
{
	char cmd[4096], err[256], path[4096];
	const char *preload = getenv("LD_PRELOAD");
	struct proc_maps maps;
	int rc = -ENOENT;

	if (opts->argv) {
		if (proc_find_command(opts->argv[0], cmd, sizeof(cmd), err, sizeof(err)) < 0)
			return -EINVAL;
		if (defines_malloc(cmd, cmd, where))
			return 0;
		while (preload && *preload) {
			size_t len = strcspn(preload, ": ");

			snprintf(path, sizeof(path), "%.*s", (int)len, preload);
			if (len && defines_malloc(path, path, where))
				return 0;
			preload += len + (preload[len] != '\0');
		}
		return sym_needed_each(cmd, defines_malloc, where);
	}
	if (proc_maps_read(opts->attach_pid, &maps) < 0)
		return -EINVAL;
	for (size_t i = 0; i < maps.n && rc; i++) {
		if (maps.map[i].path[0] != '/' || (i && strcmp(maps.map[i - 1].path, maps.map[i].path) == 0))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/root%s", (int)opts->attach_pid, maps.map[i].path);
		if (defines_malloc(path, path, where)) {
			snprintf(where, 4096, "%s", maps.map[i].path);
			rc = 0;
		}
	}
	proc_maps_free(&maps);
	return rc;
}

/* ---- the run ---- */

static void on_start(void *data, pid_t target)
{
	struct leaks *lk = data;

	lk->pid = target;
	lk->start_ns = clock_mono_ns();
	log_verbose("leaks: tracing pid %d", (int)target);
	if (lk->opts->interval)
		lk->next_report_ns = lk->start_ns + (uint64_t)(lk->opts->interval * 1e9);
}

static uint64_t next_tick(void *data)
{
	struct leaks *lk = data;

	return lk->final_done ? 0 : lk->next_report_ns;
}

static void tick(void *data, uint64_t now)
{
	struct leaks *lk = data;

	backend_request_snapshot();
	while (lk->next_report_ns <= now)
		lk->next_report_ns += (uint64_t)(lk->opts->interval * 1e9);
}

static void on_snapshot(void *data, const struct backend_snapshot *snap)
{
	struct leaks *lk = data;
	char why[64];

	switch (snap->why) {
	case SNAPSHOT_EXIT:
		lk->final_done = true;
		leaks_report(lk, snap, "at exit", 0);
		break;
	case SNAPSHOT_DETACH:
		lk->final_done = true;
		leaks_report(lk, snap, "on detach", 0);
		break;
	case SNAPSHOT_ASKED:
		snprintf(why, sizeof(why), "after %.1f s", (double)(clock_mono_ns() - lk->start_ns) / 1e9);
		leaks_report(lk, snap, why, (uint64_t)(lk->opts->older_than * 1e9));
		break;
	}
}

static void on_end(void *data)
{
	struct leaks *lk = data;

	/* Killed before its exit stop (SIGKILL): what was seen, unscanned. */
	if (!lk->final_done && lk->pid) {
		lk->final_done = true;
		leaks_report(lk, NULL, "at its end (killed: memory not scanned)", 0);
	}
}

static int run(struct options *opts, const struct leak_opts *lo)
{
	char where[4096] = "";
	struct leaks lk;
	FILE *out = stderr;
	int rc;

	if (ptrace_backend_check(opts) < 0)
		return 2;
	rc = find_allocator(opts, where);
	if (rc == -ENOENT) {
		log_error("leaks: %s defines no malloc and free, nor does any library it %s\n"
			  "      hint: utap leaks probes the allocator's functions by name; a program "
			  "with its own allocator under other names cannot be checked",
			  opts->argv ? opts->argv[0] : "the process", opts->argv ? "needs" : "maps");
		return 2;
	}
	if (rc < 0)
		return 2;
	log_verbose("leaks: malloc and free are in %s", where);
	if (opts->output) {
		out = fopen(opts->output, "we");
		if (!out) {
			log_error("-o %s: %s", opts->output, strerror(errno));
			return 2;
		}
	}
	if (leaks_init(&lk, lo, out) < 0) {
		log_error("leaks: out of memory");
		rc = 1;
	} else {
		struct backend_hooks hooks = {
			.data = &lk,
			.hit = leaks_hit,
			.start = on_start,
			.next_tick = lo->interval ? next_tick : NULL,
			.tick = lo->interval ? tick : NULL,
			.end = on_end,
			.life = leaks_life,
			.snapshot = on_snapshot,
			.exec = leaks_exec,
		};

		lk.attached = opts->attach_pid != 0;
		rc = ptrace_backend_run(opts, out, &hooks);
	}
	leaks_free(&lk);
	if (out != stderr)
		fclose(out);
	return rc;
}

int leaks_main(int argc, char **argv)
{
	struct options opts;
	struct leak_opts lo = {.stack_depth = 16};
	int rc;

	memset(&opts, 0, sizeof(opts));
	rc = parse(argc, argv, &opts, &lo);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	opts.stack_depth = lo.stack_depth;
	opts.yes = true;
	if (leak_fns_probes(&opts) < 0) {
		log_error("leaks: out of memory");
		options_free(&opts);
		return 1;
	}
	rc = run(&opts, &lo);
	opts.argv = NULL; /* ARGV's, not ours */
	options_free(&opts);
	return rc;
}
