/* pltlib.h: the functions of libpltlib.so, which targets/plt.c calls through its PLT or GOT. */
#ifndef UTAP_TARGETS_PLTLIB_H
#define UTAP_TARGETS_PLTLIB_H

int plt_add(int a, int b);
/* seven arguments: the seventh is passed on the stack */
long plt_seven(long a, long b, long c, long d, long e, long f, long g);
long plt_tail(long x);
int plt_len(const char *s);

#endif
