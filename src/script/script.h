/* script.h: utap's SystemTap front end: run the script the command line names. */
#ifndef UTAP_SCRIPT_SCRIPT_H
#define UTAP_SCRIPT_SCRIPT_H

#include "options.h"

/* Parse, check and run OPTS' script (-e, or FILE with its arguments),
 * with -c / -x / "--" as its target, -o, -D and -G; --dump-ast prints it
 * back, -S its probe sites.  Adds the planted probes to OPTS.  Returns the
 * exit status: 0, 1 after runtime errors, 2 for a bad script or usage. */
int script_main(struct options *opts);

#endif
