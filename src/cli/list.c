/* list.c: -l/-L. Not written yet: it says so. */
#include "cli/list.h"
#include "util/log.h"

int list_run(const struct options *opts)
{
	log_error("-%c: listing is not supported yet\n      hint: nm -C BIN lists the functions",
		  opts->list_details ? 'L' : 'l');
	return 2;
}
