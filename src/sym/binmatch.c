/* binmatch.c: does a mapped file match the module name a user wrote ("libc", "./prog")? */
#include <limits.h>
#include <string.h>

#include "sym/sym.h"

/* PATH without empty and "." components ("./a//b" -> "a/b"); false if it
 * does not fit.  ".." stays: resolving it needs the file system. */
static bool normalise(const char *path, char *out, size_t size)
{
	size_t len = 0, n;
	const char *p = path;

	if (*p == '/')
		out[len++] = '/';
	while (*p) {
		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (len + n + 2 > size)
			return false;
		if (len && out[len - 1] != '/')
			out[len++] = '/';
		memcpy(out + len, p, n);
		len += n;
		p += n;
	}
	if (!len)
		out[len++] = '.';
	out[len] = '\0';
	return true;
}

bool sym_bin_matches(const char *bin, const char *mapped_path)
{
	char a[PATH_MAX], b[PATH_MAX];
	const char *base;
	size_t len;

	if (!bin || !*bin || !mapped_path || !*mapped_path)
		return false;
	if (strcmp(bin, mapped_path) == 0)
		return true;
	if (strchr(bin, '/')) {
		if (!normalise(bin, a, sizeof(a)) || !normalise(mapped_path, b, sizeof(b)))
			return false;
		return strcmp(a, b) == 0;
	}
	base = strrchr(mapped_path, '/');
	base = base ? base + 1 : mapped_path;
	len = strlen(bin);
	/* "libc" names libc.so.6 and libc-2.36.so, never libcap.so.2. */
	return strncmp(base, bin, len) == 0 &&
	       (base[len] == '\0' || base[len] == '.' || base[len] == '-');
}
