/* main.c: utap's entry: parse the command line, check, run the backend. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "backend/backend.h"
#include "cli/list.h"
#include "options.h"
#include "script/script.h"
#include "tools/leaks.h"
#include "util/log.h"

int main(int argc, char **argv)
{
	struct options opts;
	FILE *out = stdout;
	int rc;

	if (argc > 1 && strcmp(argv[1], "leaks") == 0)
		return leaks_main(argc - 1, argv + 1);
	rc = options_parse(argc, argv, &opts);
	if (rc != 0) {
		options_free(&opts);
		return rc > 0 ? 0 : 2;
	}
	if (opts.script_file || opts.script_text) {
		rc = script_main(&opts);
		options_free(&opts);
		return rc;
	}
	if (opts.list_pattern) {
		rc = list_run(&opts);
		options_free(&opts);
		return rc;
	}
	if (backend_check(&opts) < 0) {
		options_free(&opts);
		return 2;
	}
	if (opts.dry_run) {
		rc = backend_dry_run(&opts, stdout);
		options_free(&opts);
		return rc;
	}
	if (opts.output) {
		out = fopen(opts.output, "we");
		if (!out) {
			log_error("-o %s: %s", opts.output, strerror(errno));
			options_free(&opts);
			return 2;
		}
	}
	rc = backend_run(&opts, out, NULL);
	if (out != stdout)
		fclose(out);
	options_free(&opts);
	return rc;
}
