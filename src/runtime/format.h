/* format.h: SystemTap's printf/sprintf/print: format parsing, checking and output. */
#ifndef UTAP_RUNTIME_FORMAT_H
#define UTAP_RUNTIME_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/buf.h"
#include "runtime/value.h"

/*
 * Formats are read as SystemTap's translator reads them
 * (print_format::string_to_components) and printed as its compiled printf
 * prints them (translate.cxx, runtime/vsprintf.c: number(),
 * _stp_vsprint_char/memory/binary), which differs from C's printf:
 *
 *  - one flag at most: "%-5d" is fine, "%-+5d" is an error;
 *  - one optional 'l' ("%ld"), no other length modifier;
 *  - %d %i %u %x %X %o %p %c %b %m %M take a long, %s a string, "*" width
 *    and ".*" precision take a long each, before the value;
 *  - %p is %#x: "0x" and the digits, no padding to 16;
 *  - "#" puts 0x / 0X / 0 before every number, 0 included ("%#x" of 0 is
 *    "0x0"), and makes %c escape unprintable characters ('\n', '\003');
 *  - "0" pads numbers with zeros even with a precision, pads %s and %c
 *    with spaces and then writes a NUL byte after a %s;
 *  - a negative "*" width or ".*" precision counts as 0 (no left
 *    adjustment), and both are cut to 32 bits first;
 *  - %b writes the value's low 1, 2, 4 or 8 bytes (the width, or the
 *    precision, default 8) in host byte order;
 *  - %m writes PRECISION bytes of the traced process's memory (default 1),
 *    %M them in hex; more than 4096 is an error;
 *  - a lone "%" at the very end prints "%"; "%%" prints "%".
 *
 * A printf's output is capped at SystemTap's STP_BUFFER_SIZE (8192) bytes;
 * sprintf's at MAXSTRINGLEN - 1, and its string ends at the first NUL
 * byte (SystemTap's strings are C strings).
 */

#define RT_PRINT_BUFFER_SIZE 8192 /* STP_BUFFER_SIZE */
#define RT_MEMDUMP_MAX 4096	  /* PAGE_SIZE: the most %m/%M print */

/* A parsed format. */
struct rt_format;

/*
 * Parse FMT (the literal's text, escapes already decoded) into *OUT.
 * 0; -EINVAL with SystemTap's message in ERR ("invalid or missing
 * conversion specifier", "trailing incomplete print format conversion") and
 * the 0-based offset of the offending '%' in FMT in *ERRCOL; -ENOMEM.
 * ERR and ERRCOL may be NULL.
 */
int rt_format_compile(const char *fmt, struct rt_format **out, char *err, size_t errlen,
		      int *errcol);

void rt_format_free(struct rt_format *f);

/* How many arguments F takes ("*" widths and precisions included). */
int rt_format_nargs(const struct rt_format *f);

/* The type argument I (0-based) must have: RT_LONG or RT_STRING. */
enum rt_type rt_format_arg_type(const struct rt_format *f, int i);

/*
 * The checker's view: parse FMT and match it against the NARGS argument
 * types ARGS.  0, or -EINVAL with a message in ERR and in *ERRCOL the
 * offset in FMT of the conversion at fault (-1 when the fault is the
 * number of arguments, which belongs to the call rather than a place in
 * the format).  -ENOMEM.
 */
int rt_format_check(const char *fmt, const enum rt_type *args, int nargs, char *err, size_t errlen,
		    int *errcol);

/* How %m and %M read the traced process. */
struct rt_format_mem {
	/* N bytes at ADDR into BUF: 0, or -EFAULT. */
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t n);
	void *ctx;
};

/*
 * printf(F, ARGS...): append the output to OUT (at most
 * RT_PRINT_BUFFER_SIZE bytes of it).  MEM may be NULL (then %m faults).
 * Defensive about its arguments: a missing one, or one of the wrong type,
 * prints as 0 or "" and the call returns -EINVAL after printing the rest.
 * A memory dump over RT_MEMDUMP_MAX bytes (-EMSGSIZE) or a read fault
 * (-EFAULT) prints nothing at all, as in SystemTap.  ERR (may be NULL)
 * receives the message of an error: "5000 is too many bytes for a memory
 * dump", "read fault at 0x1000", ...  -ENOMEM.
 */
int rt_format_print(const struct rt_format *f, const struct rt_value *args, int nargs,
		    const struct rt_format_mem *mem, struct rt_buf *out, char *err, size_t errlen);

/* sprintf(F, ARGS...) into *OUT (a new string; MAXLEN as in value.h).
 * Errors as rt_format_print(); *OUT is set (maybe "") unless -ENOMEM. */
int rt_format_sprint(const struct rt_format *f, const struct rt_value *args, int nargs,
		     const struct rt_format_mem *mem, size_t maxlen, struct rt_str **out, char *err,
		     size_t errlen);

/* Parse FMT and print it in one go (rt_format_compile() errors, then
 * rt_format_print()'s). */
int rt_printf(struct rt_buf *out, const char *fmt, const struct rt_value *args, int nargs,
	      const struct rt_format_mem *mem);

/*
 * print, println, printd, printdln (DELIM non-NULL: between values;
 * NEWLINE: "\n" at the end) of longs and strings, as the "%d"/"%s" formats
 * SystemTap builds for them.  Appended to OUT, with printf's cap; for the
 * sprint* forms use rt_print_values_str().  -EINVAL for an aggregate
 * ("cannot print a raw stats object"), -ENOMEM.
 */
int rt_print_values(struct rt_buf *out, const struct rt_value *args, int nargs, const char *delim,
		    bool newline);

/* sprint, sprintln, sprintd, sprintdln into *OUT, truncated to MAXLEN - 1. */
int rt_print_values_str(const struct rt_value *args, int nargs, const char *delim, bool newline,
			size_t maxlen, struct rt_str **out);

#endif
