/* upt.c: stacks through libunwind's own ptrace accessors (_UPT_*), which read
 * memory one PTRACE_PEEKDATA per word and find unwind tables through
 * /proc/PID/maps themselves.  Only for measuring against utap's accessors
 * (UTAP_UNWIND=ptrace, see make bench): it does not see past return probes'
 * trampolines. */
#include <errno.h>
#include <libunwind-ptrace.h>

#include "unwind/internal.h"

/* The accessors get libunwind's ptrace handle as their argument, also
 * when libunwind calls them back from its table search: the registers of
 * the stop come through here. */
static struct {
	unw_addr_space_t as;
	void *upt;
	pid_t tid;
	const struct arch_regs *regs;
} upt;

static int upt_access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
			  void *arg)
{
	/* the thread's own registers say ip+1 after the int3: use the stop's */
	return unwind_reg(upt.regs, reg, val, write);
}

int unwind_upt_stack(pid_t tid, const struct arch_regs *regs, struct unwind_frame *frames, int max)
{
	static unw_accessors_t acc;

	if (!upt.as) {
		acc = _UPT_accessors;
		acc.access_reg = upt_access_reg;
		upt.as = unw_create_addr_space(&acc, 0);
		if (!upt.as)
			return -ENOMEM;
		unw_set_caching_policy(upt.as, UNW_CACHE_GLOBAL);
	}
	if (!upt.upt || upt.tid != tid) {
		if (upt.upt)
			_UPT_destroy(upt.upt);
		upt.upt = _UPT_create(tid);
		upt.tid = tid;
		if (!upt.upt)
			return -ENOMEM;
	}
	upt.regs = regs;
	return unwind_walk(upt.as, upt.upt, regs, frames, max);
}

void unwind_upt_free(void)
{
	if (upt.upt)
		_UPT_destroy(upt.upt);
	if (upt.as)
		unw_destroy_addr_space(upt.as);
	upt.upt = NULL;
	upt.as = NULL;
}
