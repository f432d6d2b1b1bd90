/* libplug.c: our shared library; plug_add() is probed in a linked and in a dlopen()ed copy. */
#include "probed.h"

PROBED int plug_add(int a, int b)
{
	return a + b;
}
