/* uprobe_limits.h: what a script may not do under --backend=uprobe. */
#ifndef UTAP_SCRIPT_UPROBE_LIMITS_H
#define UTAP_SCRIPT_UPROBE_LIMITS_H

#include "script/ast.h"

/* Under --backend=uprobe the kernel fetches a hit's values at the hit and
 * the program runs on: a checked script S that reads or writes the
 * program's memory or registers after the hit (user_string(), register(),
 * *_arg(), print_regs(), ubacktrace() and kin, @entry, @cast, a .return
 * probe's parameters, $$return, writing a $variable), or probes what only
 * ptrace sees (process/thread begin and end), is refused.  0, or -EINVAL
 * with ERR naming the first such construct and where it is. */
int script_uprobe_limits(const struct script *s, struct script_error *err);

#endif
