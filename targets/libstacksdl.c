/* libstacksdl.c: the stacks targets' dlopen()ed library: st_dl4 -> st_dl5 -> st_lib6 of the linked library. */
#include "stacks.h"

PROBED int st_dl5(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	r = ST_CALL(c, c->lib6(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}

PROBED int st_dl4(struct st_chain *c, int x)
{
	int r;

	ST_ENTER(c);
	r = ST_CALL(c, st_dl5(c, x + 1));
	ST_LEAVE(c);
	return r + 1;
}
