/* probed.h: how targets declare the functions tests put probes on. */
#ifndef UTAP_TARGETS_PROBED_H
#define UTAP_TARGETS_PROBED_H

/*
 * Probed functions must exist as themselves at every -O level: not inlined,
 * not cloned into .constprop/.isra copies, externally visible (so -rdynamic
 * puts them in .dynsym for the stripped builds).
 */
#define PROBED __attribute__((noinline, noipa, used, visibility("default")))

#endif
