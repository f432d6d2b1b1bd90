/* test_sym_cxx.c: C++ symbols by mangled, demangled and bare name; overloads; demangled offsets. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "sym/sym.h"
#include "tests/tap.h"

/*
 * C functions under the names g++ would give these C++ ones, so this test
 * carries its own C++ symbols:
 *   long ns::Shape::area() const              _ZNK2ns5Shape4areaEv
 *   long ns::Shape::area(long)                _ZN2ns5Shape4areaEl
 *   long ns::mix(long), ns::mix(long, long)   _ZN2ns3mixEl, _ZN2ns3mixEll
 *   long ns::maxof<long>(long, long)          _ZN2ns5maxofIlEET_S1_S1_
 *   ns::Shape::Shape(long), C1 and C2 at one address
 *   ns::mix(long) [clone .constprop.0], a compiler's copy
 */
#define FN __attribute__((noinline, noipa, used))

FN long shape_area(const long *self) __asm__("_ZNK2ns5Shape4areaEv");
FN long shape_area_by(long *self, long k) __asm__("_ZN2ns5Shape4areaEl");
FN long mix1(long a) __asm__("_ZN2ns3mixEl");
FN long mix2(long a, long b) __asm__("_ZN2ns3mixEll");
FN long maxof_long(long a, long b) __asm__("_ZN2ns5maxofIlEET_S1_S1_");
FN void shape_ctor(long *self, long w) __asm__("_ZN2ns5ShapeC2El");
void shape_ctor_c1(long *self, long w) __asm__("_ZN2ns5ShapeC1El")
    __attribute__((alias("_ZN2ns5ShapeC2El")));

long shape_area(const long *self)
{
	return self[0] * self[1];
}

long shape_area_by(long *self, long k)
{
	return self[0] * self[1] * k + 1;
}

long mix1(long a)
{
	return a * 3 + 1;
}

long mix2(long a, long b)
{
	return a * 100 + b;
}

long maxof_long(long a, long b)
{
	return a > b ? a : b;
}

void shape_ctor(long *self, long w)
{
	self[0] = w;
	self[1] = w + 1;
}

/* A clone is named after the function, but is not what "ns::mix" means. */
__asm__(".text\n"
	".type _ZN2ns3mixEl.constprop.0, @function\n"
	"_ZN2ns3mixEl.constprop.0:\n"
	"mov $4, %eax\n"
	"ret\n"
	".size _ZN2ns3mixEl.constprop.0, .-_ZN2ns3mixEl.constprop.0\n");

static struct sym_symbol lookup(const struct sym_module *mod, const char *name)
{
	struct sym_symbol s = {0};

	if (sym_lookup_name(mod, name, &s) < 0)
		memset(&s, 0, sizeof(s));
	return s;
}

/* Each spelling names the same function and hands back the demangled name. */
static void test_three_forms(const struct sym_module *mod)
{
	static const struct {
		const char *mangled, *full, *base;
	} cases[] = {
	    {"_ZNK2ns5Shape4areaEv", "ns::Shape::area() const", NULL},
	    {"_ZN2ns5Shape4areaEl", "ns::Shape::area(long)", NULL},
	    {"_ZN2ns3mixEll", "ns::mix(long, long)", NULL},
	    {"_ZN2ns5maxofIlEET_S1_S1_", "long ns::maxof<long>(long, long)", "ns::maxof<long>"},
	};
	struct sym_symbol m, f, b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = lookup(mod, cases[i].mangled);
		f = lookup(mod, cases[i].full);
		ok(m.file_offset != 0, "%s found", cases[i].mangled);
		is_str(m.name, cases[i].full, "%s is shown demangled", cases[i].mangled);
		ok(f.file_offset == m.file_offset, "'%s' names the same function", cases[i].full);
		is_str(f.name, cases[i].full, "'%s' is shown as itself", cases[i].full);
		if (!cases[i].base)
			continue;
		b = lookup(mod, cases[i].base);
		ok(b.file_offset == m.file_offset, "'%s' names it too", cases[i].base);
		is_str(b.name, cases[i].full, "'%s' is shown with its parameters", cases[i].base);
	}
}

static bool has_offset(const struct sym_symbol *s, int n, uint64_t off)
{
	for (int i = 0; i < n; i++) {
		if (s[i].file_offset == off)
			return true;
	}
	return false;
}

/* A name without parameters names every overload; the first of them is
 * what sym_lookup_name returns. */
static void test_overloads(const struct sym_module *mod)
{
	struct sym_symbol all[8], one;
	uint64_t mix_l = lookup(mod, "_ZN2ns3mixEl").file_offset;
	uint64_t mix_ll = lookup(mod, "_ZN2ns3mixEll").file_offset;
	uint64_t area_c = lookup(mod, "_ZNK2ns5Shape4areaEv").file_offset;
	uint64_t area_l = lookup(mod, "_ZN2ns5Shape4areaEl").file_offset;
	int n;

	n = sym_lookup_all(mod, "ns::mix", all, 8);
	is_int(n, 2, "ns::mix: both overloads, not the clone");
	ok(n == 2 && has_offset(all, n, mix_l) && has_offset(all, n, mix_ll),
	   "ns::mix: mix(long) and mix(long, long)");
	one = lookup(mod, "ns::mix");
	ok(n >= 1 && one.file_offset == all[0].file_offset, "sym_lookup_name gives the first");
	is_int(sym_lookup_all(mod, "ns::mix", all, 1), 1, "at most MAX");

	n = sym_lookup_all(mod, "ns::Shape::area", all, 8);
	is_int(n, 2, "ns::Shape::area: const and non-const");
	ok(n == 2 && has_offset(all, n, area_c) && has_offset(all, n, area_l),
	   "ns::Shape::area: area() const and area(long)");

	n = sym_lookup_all(mod, "ns::Shape::Shape", all, 8);
	is_int(n, 1, "ns::Shape::Shape: C1 and C2 aliases are one function");
	is_str(n == 1 ? all[0].name : NULL, "ns::Shape::Shape(long)", "constructor demangled");

	n = sym_lookup_all(mod, "ns::mix(long)", all, 8);
	ok(n == 1 && all[0].file_offset == mix_l, "a full name picks one overload");
	n = sym_lookup_all(mod, "_ZN2ns3mixEll", all, 8);
	ok(n == 1 && all[0].file_offset == mix_ll, "so does a mangled name");

	n = sym_lookup_all(mod, "ns::mix(long) [clone .constprop.0]", all, 8);
	ok(n == 1 && all[0].file_offset != mix_l, "the clone by its own full name");
	is_int(sym_lookup_all(mod, "ns::nix", all, 8), -ENOENT, "unknown name: -ENOENT");
	is_int(sym_lookup_all(mod, "ns::mix", all, 0), -EINVAL, "MAX 0: -EINVAL");
	is_int(sym_lookup_name(mod, "ns::Shape::area()", &one), -ENOENT,
	       "a wrong parameter list does not match");
	is_int(sym_lookup_name(mod, "ns::Shape", &one), -ENOENT, "nor does a class");
	is_int(sym_lookup_name(mod, "area", &one), -ENOENT, "nor a bare method name");
}

static void test_offset(const struct sym_module *mod)
{
	struct sym_symbol f = lookup(mod, "ns::Shape::area() const"), s;
	uint64_t delta = 99;

	ok(sym_lookup_offset(mod, f.file_offset + 1, &s, &delta) == 0,
	   "offset inside ns::Shape::area() const");
	is_str(s.name, "ns::Shape::area() const", "offset -> demangled name");
	is_int(delta, 1, "and the distance from its start");
	ok(sym_lookup_offset(mod, lookup(mod, "main").file_offset, &s, &delta) == 0, "main");
	is_str(s.name, "main", "C names stay as they are");
}

static bool suggested(const char **names, int n, const char *want)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], want) == 0)
			return true;
	}
	return false;
}

static void test_suggest(const struct sym_module *mod)
{
	const char *names[5];
	int n;

	n = sym_suggest(mod, "ns::Shape::aera", names, 5);
	ok(n >= 1 && strcmp(names[0], "ns::Shape::area") == 0,
	   "ns::Shape::aera -> ns::Shape::area first");
	ok(!suggested(names, n, "_ZNK2ns5Shape4areaEv"), "demangled queries get no mangled names");
	n = sym_suggest(mod, "ns::mixx", names, 5);
	ok(n >= 1 && strcmp(names[0], "ns::mix") == 0,
	   "ns::mixx -> ns::mix, once for both overloads");
	ok(n < 2 || strcmp(names[1], "ns::mix") != 0, "not twice");
	n = sym_suggest(mod, "_ZN2ns3mixEx", names, 5);
	ok(suggested(names, n, "_ZN2ns3mixEl") && suggested(names, n, "_ZN2ns3mixEll"),
	   "a mangled query gets mangled names");
}

int main(void)
{
	struct sym_module *mod;
	char err[256];
	int ret;

	ret = sym_module_open("/proc/self/exe", "self", &mod, err, sizeof(err));
	is_int(ret, 0, "open /proc/self/exe (%s)", ret ? err : "ok");
	if (ret)
		return tap_done();
	test_three_forms(mod);
	test_overloads(mod);
	test_offset(mod);
	test_suggest(mod);
	sym_module_close(mod);
	return tap_done();
}
