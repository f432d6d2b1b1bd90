/* fuzz_rng.h: the fuzz tests' deterministic random numbers and bytes (so a
 * failure reproduces).  Include after defining FUZZ_SEED and the array
 * FUZZ_SYNTAX of the bytes the grammar cares about. */
#ifndef UTAP_TESTS_FUZZ_RNG_H
#define UTAP_TESTS_FUZZ_RNG_H

#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state = FUZZ_SEED;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t below(size_t n)
{
	return n ? rng() % n : 0;
}

/* Half the time a byte the grammar uses, else any byte but NUL. */
static char random_byte(void)
{
	if (rng() & 1)
		return FUZZ_SYNTAX[below(sizeof(FUZZ_SYNTAX) - 1)];
	return (char)(1 + below(255));
}

#endif
