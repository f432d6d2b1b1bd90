/* compute_heavy.c: a program that computes (about a second untraced) and
 * allocates little: 600 rounds of a sieve of Eratosthenes, a matrix
 * product and text handling (copies, lengths, searches, compares: the C
 * library's string functions, as a parser or a protocol handler calls
 * them) over 5 blocks allocated and freed per round, and 2 blocks leaked
 * (500 bytes each). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "planted.h"

#define SIEVE (1 << 20)
#define TEXT (1 << 16)
#define DIM 64

static __attribute__((noinline)) uint64_t sieve(unsigned char *composite)
{
	uint64_t primes = 0;

	memset(composite, 0, SIEVE);
	for (uint64_t i = 2; i < SIEVE; i++) {
		if (composite[i])
			continue;
		primes += i;
		for (uint64_t j = i * i; j < SIEVE; j += i)
			composite[j] = 1;
	}
	return primes;
}

static __attribute__((noinline)) uint64_t text(char *a, char *b, long round)
{
	uint64_t acc = 0;

	for (int k = 0; k < 24; k++) {
		a[(round * 24 + k) % TEXT] = (char)('a' + k % 26);
		memcpy(b, a, TEXT + 1);
		acc += strlen(b) + (memcmp(a, b, TEXT) == 0) + (uint64_t)(strchr(b, 'z') - b);
	}
	return acc;
}

static __attribute__((noinline)) double product(double *a, double *b, double *c)
{
	double trace = 0;

	for (int i = 0; i < DIM; i++)
		for (int j = 0; j < DIM; j++) {
			double s = 0;

			for (int k = 0; k < DIM; k++)
				s += a[i * DIM + k] * b[k * DIM + j];
			c[i * DIM + j] = s;
		}
	for (int i = 0; i < DIM; i++)
		trace += c[i * DIM + i];
	return trace;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 600;
	uint64_t acc = 0;
	double tr = 0;

	/* leaked first: see planted.h */
	plant(2, 500);
	scrub_stack();
	for (long r = 0; r < rounds; r++) {
		/* 5 blocks a round, freed: the compute dominates */
		unsigned char *composite = malloc(SIEVE);
		double *a = malloc(sizeof(double) * DIM * DIM), *b = malloc(sizeof(double) * DIM * DIM);
		double *c = malloc(sizeof(double) * DIM * DIM);
		char *t = malloc(2 * (TEXT + 1));

		for (int i = 0; i < TEXT; i++)
			t[i] = (char)('a' + (i + r) % 25); /* no 'z' until text() puts one */
		t[TEXT] = '\0';

		for (int i = 0; i < DIM * DIM; i++) {
			a[i] = (double)((i + r) % 7);
			b[i] = (double)((i * 3 + r) % 5);
		}
		acc += sieve(composite);
		tr += product(a, b, c);
		acc += text(t, t + TEXT + 1, r);
		free(t);
		free(composite);
		free(a);
		free(b);
		free(c);
	}
	printf("acc=%llu trace=%.0f\n", (unsigned long long)acc, tr);
	return 0;
}
