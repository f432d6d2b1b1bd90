/* compare.h: the six comparisons, applied to a three-way result. Script
 * preprocessor conditions and one-liner filters both compare this way. */
#ifndef UTAP_UTIL_COMPARE_H
#define UTAP_UTIL_COMPARE_H

#include <stdbool.h>

enum cmp_op { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

/* Whether OP holds for C, which is <0, 0 or >0 as strcmp says. */
static inline bool cmp_holds(int c, enum cmp_op op)
{
	switch (op) {
	case CMP_EQ:
		return c == 0;
	case CMP_NE:
		return c != 0;
	case CMP_LT:
		return c < 0;
	case CMP_LE:
		return c <= 0;
	case CMP_GT:
		return c > 0;
	case CMP_GE:
		return c >= 0;
	}
	return false;
}

#endif
