/* stackscxx.cc: a C++ call chain (namespaces, methods, an overload, an operator); the leaf prints it as demangled. */
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "stacks.h"

/*
 * The name a demangler gives the function whose __PRETTY_FUNCTION__ is
 * PRETTY: the same text without the return type ("int ns::hop(int)" ->
 * "ns::hop(int)"). Holds for the plain types used here: GCC spells
 * "long" as "long int" and "char const*" as "const char*", the demangler
 * does not; templates add "[with T = ...]".
 */
static const char *demangled(const char *pretty)
{
	const char *paren = strchr(pretty, '(');
	const char *p = paren;

	while (p > pretty && p[-1] != ' ')
		p--;
	return p;
}

#define ST_ENTER_CXX(c) ST_ENTER_AS(c, demangled(__PRETTY_FUNCTION__))

static struct st_chain chain;

namespace ns {

PROBED int leaf(int x)
{
	ST_ENTER_CXX(&chain);
	st_print(&chain, " | ");
	ST_LEAVE(&chain);
	return x * 2;
}

class Walker {
public:
	explicit Walker(int k) : k_(k) {}
	PROBED int walk(int x);
	PROBED int step(int x) const;
	PROBED static int twice(int x);

	int k_;
};

struct Apply {
	PROBED int operator()(int x) const;
};

/* An overload pair: both are in the chain. */
PROBED int hop(int x, int y)
{
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, Walker::twice(x + y));
	ST_LEAVE(&chain);
	return r + 1;
}

PROBED int hop(int x)
{
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, hop(x, 1));
	ST_LEAVE(&chain);
	return r + 1;
}

int Walker::twice(int x)
{
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, leaf(x * 2));
	ST_LEAVE(&chain);
	return r + 1;
}

int Apply::operator()(int x) const
{
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, hop(x + 1));
	ST_LEAVE(&chain);
	return r + 1;
}

int Walker::step(int x) const
{
	Apply apply;
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, apply(x + k_));
	ST_LEAVE(&chain);
	return r + 1;
}

int Walker::walk(int x)
{
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, step(x + 1));
	ST_LEAVE(&chain);
	return r + 1;
}

PROBED int start(int x)
{
	Walker w(x);
	int r;

	ST_ENTER_CXX(&chain);
	r = ST_CALL(&chain, w.walk(x + 1));
	ST_LEAVE(&chain);
	return r + 1;
}

} /* namespace ns */

/*
 * usage: stackscxx [RUNS]: main -> ns::start(int) -> ns::Walker::walk(int)
 * -> ns::Walker::step(int) const -> ns::Apply::operator()(int) const ->
 * ns::hop(int) -> ns::hop(int, int) -> ns::Walker::twice(int) ->
 * ns::leaf(int), RUNS times (default 1).
 */
int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 1;
	long sum = 0;
	int i, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < runs; i++) {
		chain.depth = 0;
		ST_ENTER(&chain); /* "main": not mangled, no parameters */
		r = ST_CALL(&chain, ns::start(i));
		ST_LEAVE(&chain);
		sum += r;
	}
	printf("result=%ld\n", sum);
	return 0;
}
