/* cxx.cc: C++ names to probe (namespace, methods, overloads, a template, a virtual); prints each call. */
#include <cstdio>
#include <cstdlib>

#include "probed.h"

namespace ns {

class Shape {
public:
	Shape(long w, long h) : w_(w), h_(h) {}
	virtual ~Shape() {}
	/* Both a const method and a virtual one (Square overrides it). */
	PROBED virtual long area() const;
	/* A method that changes the object. */
	PROBED long scale(long k);

	long w_; /* at this + 8, after the vtable pointer */
	long h_; /* at this + 16 */
};

class Square : public Shape {
public:
	explicit Square(long side) : Shape(side, side) {}
	PROBED long area() const override;
};

long Shape::area() const
{
	return w_ * h_;
}

long Shape::scale(long k)
{
	w_ *= k;
	h_ *= k;
	return w_ + h_;
}

long Square::area() const
{
	return w_ * w_ + 1;
}

/* Overloads: one name, two signatures. */
PROBED long mix(long a)
{
	return a * 3 + 1;
}

PROBED long mix(long a, long b)
{
	return a * 100 + b;
}

template <typename T> PROBED T maxof(T a, T b)
{
	return a > b ? a : b;
}

template long maxof<long>(long, long);

} /* namespace ns */

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5;
	long checksum = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < n; i++) {
		ns::Shape s(i + 2, 3 * i + 1);
		ns::Square q(i + 1);
		const ns::Shape *base = &q;
		long w = s.w_, h = s.h_, ret;

		ret = s.area();
		printf("area w=%ld h=%ld ret=%ld\n", w, h, ret);
		checksum = checksum * 31 + ret;
		ret = s.scale(i + 1);
		printf("scale w=%ld h=%ld k=%d ret=%ld\n", w, h, i + 1, ret);
		checksum = checksum * 31 + ret;
		ret = base->area(); /* virtual: Square::area */
		printf("square side=%ld ret=%ld\n", q.w_, ret);
		checksum = checksum * 31 + ret;
		ret = ns::mix(5L * i + 1);
		printf("mix1 a=%ld ret=%ld\n", 5L * i + 1, ret);
		checksum = checksum * 31 + ret;
		ret = ns::mix((long)i, 100L - i);
		printf("mix2 a=%ld b=%ld ret=%ld\n", (long)i, 100L - i, ret);
		checksum = checksum * 31 + ret;
		ret = ns::maxof<long>(7L * i % 5, 3);
		printf("maxof a=%ld b=%ld ret=%ld\n", 7L * i % 5, 3L, ret);
		checksum = checksum * 31 + ret;
	}
	printf("checksum=%ld calls=%d\n", checksum, n);
	return 0;
}
