/* libstacks.c: the stacks targets' linked library: st_lib2 calls back into the executable, st_lib6 into its leaf. */
#include "stacks.h"

PROBED int st_lib2(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	r = ST_CALL(c, c->exe3(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}

PROBED int st_lib6(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	r = ST_CALL(c, c->after6(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}
