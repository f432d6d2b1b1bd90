/* typed.c: C types for typed fetches; prints what each probed call receives. */
#include <arpa/inet.h>
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "probed.h"

enum color { RED, GREEN = 5, BLUE = -2 };

union num {
	int i;
	float f;
	unsigned char bytes[4];
};

struct inner {
	int x;
	short y;
	char tag;
};

/* Bit-fields that do not start on a byte: lo at bit 0, delta at bit 3
 * (signed), wide at bit 8 across two bytes, flag at bit 21. */
struct bits {
	unsigned lo : 3;
	int delta : 5;
	unsigned wide : 13;
	bool flag : 1;
};

struct outer {
	int id;
	struct inner in; /* nested by value */
	struct inner arr[3];
	int vals[4];
	char name[16];
	const char *label;
	union num num;
	enum color color;
	struct bits bits;
	bool ok;
	double ratio;
	float scale;
	union { /* anonymous: its members read as the outer's */
		long any;
		void *ptr;
	};
	struct outer *next;
};

struct cfg {
	char *name;
	int level;
};

/* Over 16 bytes: passed by value on the stack. */
struct big {
	long a, b, c;
};

typedef struct cfg cfg_t;

int counter;
static cfg_t cfg_storage;
static struct cfg *g_cfg;

PROBED int use_outer(struct outer *o)
{
	return o->id + o->in.x + o->arr[2].x + o->vals[1] + o->name[0] + (o->label ? 1 : 0) +
	       o->num.i + o->color + o->bits.delta + o->ok + (int)o->ratio +
	       (o->next ? o->next->id : 0);
}

PROBED int use_floats(float f, double d, int i)
{
	return (int)(f * 2) + (int)d + i;
}

/* Eight integer parameters: g and h are on the stack at entry. */
PROBED long many(long a, long b, long c, long d, long e, long f, long g, long h)
{
	return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8;
}

PROBED long by_value(int k, struct big b, char c)
{
	return k + b.a + b.b + b.c + c;
}

PROBED struct outer *find(struct outer *head, int id)
{
	while (head && head->id != id)
		head = head->next;
	return head;
}

PROBED double average(const int *vals, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += vals[i];
	return n ? sum / n : 0;
}

/* Called with NULL and with a string across a page boundary. */
PROBED int label_len(const char *s)
{
	return s ? (int)strlen(s) : -1;
}

/* A peer as the network stores it: every field big-endian. */
struct endpoint {
	uint32_t addr;
	uint16_t port;
	uint32_t seq;
	uint64_t id;
};

PROBED int connect_to(const struct endpoint *ep)
{
	return (int)(ntohs(ep->port) + (ntohl(ep->addr) & 0xff));
}

PROBED int use_cfg(int bump)
{
	counter += bump;
	return g_cfg->level + counter;
}

static inline __attribute__((always_inline)) int scaled(struct inner *in, int k)
{
	return in->x * k + in->y;
}

/* A call between the two copies keeps -O2 from interleaving them: it
 * could change *b, so b is read after it. */
PROBED void between(void)
{
}

PROBED int twice_scaled(struct inner *a, struct inner *b)
{
	int first = scaled(a, 3);

	between();
	return first + scaled(b, 5);
}

/* Locals that change from line to line, for line probes. */
PROBED int steps(int n)
{
	int acc = n;
	int sq = n * n;

	acc += sq; /* LINE-STEP1 */
	sq = acc - 1;
	acc = acc * 2 + sq; /* LINE-STEP2 */
	return acc + sq;
}

/* A string whose start is in one page and whose end is in the next. */
static char *straddling(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map =
	    mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *s;

	if (map == MAP_FAILED)
		return NULL;
	s = map + page - 5;
	strcpy(s, "straddles-a-page");
	return s;
}

static void fill(struct outer *o, int n, struct outer *next)
{
	int k;

	memset(o, 0, sizeof(*o));
	o->id = 100 + n;
	o->in = (struct inner){10 * n + 1, (short)(-3 - n), (char)('a' + n)};
	for (k = 0; k < 3; k++)
		o->arr[k] = (struct inner){1000 * n + k, (short)k, 'A'};
	for (k = 0; k < 4; k++)
		o->vals[k] = n * 10 + k;
	snprintf(o->name, sizeof(o->name), "outer-%d", n);
	o->label = n % 2 ? "odd" : "even";
	o->num.i = 0x41424344 + n;
	o->color = n == 0 ? RED : n == 1 ? GREEN : BLUE;
	o->bits = (struct bits){(unsigned)(n + 1) & 7, -3 * n, 1000u + (unsigned)n, n % 2};
	o->ok = n != 1;
	o->ratio = 1.5 * n + 0.25;
	o->scale = 0.5f * (float)n;
	o->any = -1000L * n;
	o->next = next;
}

/* The target prints each value as utap prints it: enumerator names,
 * true/false, strings and chars quoted, floats with enough digits to read
 * back (%.9g, doubles %.17g); a NULL pointer as NULL. */
static void print_outer(int call, const struct outer *o)
{
	const char *color = "?";
	char next_id[16] = "NULL";

	switch (o->color) {
	case RED:
		color = "RED";
		break;
	case GREEN:
		color = "GREEN";
		break;
	case BLUE:
		color = "BLUE";
		break;
	}
	if (o->next)
		snprintf(next_id, sizeof(next_id), "%d", o->next->id);
	printf("typed: call=%d fn=use_outer id=%d in_x=%d in_y=%d in_tag='%c' arr2_x=%d "
	       "vals1=%d name=\"%s\" label=\"%s\" num_i=%d color=%s bits_lo=%u bits_delta=%d "
	       "bits_wide=%u bits_flag=%s ok=%s ratio=%.17g scale=%.9g any=%ld next_id=%s\n",
	       call, o->id, o->in.x, o->in.y, o->in.tag, o->arr[2].x, o->vals[1], o->name, o->label,
	       o->num.i, color, o->bits.lo, o->bits.delta, o->bits.wide,
	       o->bits.flag ? "true" : "false", o->ok ? "true" : "false", o->ratio, o->scale,
	       o->any, next_id);
}

/* The target's own view of the endpoint: what ip_ and b16_/B32_/b64_
 * fields should show (dotted quad, byte-swapped numbers). */
static int call_connect(int call)
{
	struct endpoint ep = {htonl(0x0a000001u + (uint32_t)call), htons((uint16_t)(8080 + call)),
			      htonl(0x01020304u * (uint32_t)(call + 1)),
			      htobe64(1234567890123ull + (uint64_t)call)};
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ep.addr, ip, sizeof(ip));
	printf("typed: call=%d fn=connect_to ip=%s port=%u seq=0x%x id=%llu\n", call, ip,
	       ntohs(ep.port), ntohl(ep.seq), (unsigned long long)be64toh(ep.id));
	return connect_to(&ep);
}

static void run(int call, struct outer *chain, char *page_string)
{
	struct inner a = {call + 1, 2, 'a'}, b = {call + 4, 5, 'b'};
	struct big big = {call, call * 2L, call * 3L};
	long r;

	print_outer(call, &chain[call]);
	r = use_outer(&chain[call]);
	printf("typed: call=%d fn=use_floats f=%.9g d=%.17g i=%d\n", call,
	       1.25f * (float)call + 0.5f, -2.5 * call - 0.5, call);
	r += use_floats(1.25f * (float)call + 0.5f, -2.5 * call - 0.5, call);
	printf("typed: call=%d fn=many a=%d b=%d c=%d d=%d e=%d f=%d g=%d h=%d\n", call, call,
	       call + 1, call + 2, call + 3, call + 4, call + 5, -call - 6, call + 7);
	r += many(call, call + 1, call + 2, call + 3, call + 4, call + 5, -call - 6, call + 7);
	printf("typed: call=%d fn=by_value k=%d b_a=%ld b_b=%ld b_c=%ld c='%c'\n", call, call,
	       big.a, big.b, big.c, 'x');
	r += by_value(call, big, 'x');
	printf("typed: call=%d fn=find head_id=%d id=%d ret_id=%d\n", call, chain[0].id, 102, 102);
	r += find(&chain[0], 102)->id;
	printf("typed: call=%d fn=average n=%d ret=%.17g\n", call, 4,
	       (chain[call].vals[0] + chain[call].vals[1] + chain[call].vals[2] +
		chain[call].vals[3]) /
		   4.0);
	r += (long)average(chain[call].vals, 4);
	printf("typed: call=%d fn=label_len s=NULL\n", call);
	r += label_len(NULL);
	if (page_string)
		printf("typed: call=%d fn=label_len s=\"%s\"\n", call, page_string);
	else
		printf("typed: call=%d fn=label_len s=NULL\n", call);
	r += label_len(page_string);
	printf("typed: call=%d fn=use_cfg bump=%d counter=%d cfg_name=\"%s\" cfg_level=%d\n", call,
	       call + 1, counter, g_cfg->name, g_cfg->level);
	r += use_cfg(call + 1);
	/* scaled() is inlined twice: first with (a, 3), then with (b, 5). */
	printf("typed: call=%d fn=twice_scaled a_x=%d a_y=%d b_x=%d b_y=%d k1=3 k2=5\n", call, a.x,
	       a.y, b.x, b.y);
	r += twice_scaled(&a, &b);
	printf("typed: call=%d fn=steps n=%d acc1=%d sq1=%d acc2=%d sq2=%d\n", call, call, call,
	       call * call, call + call * call, call + call * call - 1);
	r += steps(call);
	r += call_connect(call);
	printf("typed: call=%d sum=%ld\n", call, r);
}

/* --layout: where each member is, for tests that check the plans utap builds. */
static void layout(void)
{
	printf("in=%zu in.y=%zu in.tag=%zu arr=%zu inner=%zu vals=%zu name=%zu label=%zu "
	       "num=%zu color=%zu bits=%zu ok=%zu ratio=%zu scale=%zu any=%zu next=%zu "
	       "outer=%zu cfg.level=%zu\n",
	       offsetof(struct outer, in), offsetof(struct inner, y), offsetof(struct inner, tag),
	       offsetof(struct outer, arr), sizeof(struct inner), offsetof(struct outer, vals),
	       offsetof(struct outer, name), offsetof(struct outer, label),
	       offsetof(struct outer, num), offsetof(struct outer, color),
	       offsetof(struct outer, bits), offsetof(struct outer, ok),
	       offsetof(struct outer, ratio), offsetof(struct outer, scale),
	       offsetof(struct outer, any), offsetof(struct outer, next), sizeof(struct outer),
	       offsetof(struct cfg, level));
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3;
	struct outer chain[3];
	char *page_string = straddling();
	int i;

	if (argc > 1 && strcmp(argv[1], "--layout") == 0) {
		layout();
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (n > 3)
		n = 3;
	/* chain[0] -> chain[1] -> chain[2] -> NULL */
	for (i = 2; i >= 0; i--)
		fill(&chain[i], i, i < 2 ? &chain[i + 1] : NULL);
	cfg_storage = (struct cfg){"main-config", 7};
	g_cfg = &cfg_storage;
	for (i = 0; i < n; i++)
		run(i, chain, page_string);
	return 0;
}
