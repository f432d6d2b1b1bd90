/* debuginfo.c: find a stripped module's separate debuginfo, by build-id or .gnu_debuglink. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <elfutils/libdwelf.h>

#include "sym/internal.h"

#define DEFAULT_DEBUG_ROOT "/usr/lib/debug"

/* Process-wide like the system's own debug directory it stands for; set
 * once by tests (and a future command-line option) before any module opens. */
static char debug_root[PATH_MAX] = DEFAULT_DEBUG_ROOT;

void sym_set_debug_root(const char *dir)
{
	size_t len;

	snprintf(debug_root, sizeof(debug_root), "%s", dir ? dir : DEFAULT_DEBUG_ROOT);
	len = strlen(debug_root);
	while (len > 1 && debug_root[len - 1] == '/')
		debug_root[--len] = '\0';
}

/* The CRC-32 (zlib's polynomial) that objcopy --add-gnu-debuglink stores:
 * elfutils does not export its own.  The table costs nothing next to
 * reading the file. */
static int file_crc32(int fd, GElf_Word *out)
{
	uint32_t table[256], crc = 0xffffffff, c;
	unsigned char buf[65536];
	off_t pos = 0;
	ssize_t n, i;
	int k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	for (;;) {
		n = pread(fd, buf, sizeof(buf), pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		for (i = 0; i < n; i++)
			crc = table[(crc ^ buf[i]) & 0xff] ^ (crc >> 8);
		pos += n;
	}
	*out = crc ^ 0xffffffff;
	return 0;
}

/* What a candidate must match: the main file's build-id when both have
 * one, else the debuglink CRC when we came by the debuglink. */
struct debug_want {
	struct stat main_st;
	const void *build_id;
	ssize_t build_id_len;
	bool have_crc;
	GElf_Word crc;
};

static Elf *try_candidate(const char *path, const struct debug_want *want, int *fdp)
{
	const void *id;
	struct stat st;
	GElf_Word crc;
	Elf *elf = NULL;
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* A debuglink naming the file itself would pass the checks below. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_dev == want->main_st.st_dev && st.st_ino == want->main_st.st_ino))
		goto fail;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !sym_find_section(elf, SHT_SYMTAB))
		goto fail;
	len = dwelf_elf_gnu_build_id(elf, &id);
	if (want->build_id_len > 0 && len > 0) {
		if (len != want->build_id_len || memcmp(id, want->build_id, (size_t)len) != 0)
			goto fail;
	} else if (!want->have_crc || file_crc32(fd, &crc) < 0 || crc != want->crc) {
		goto fail;
	}
	*fdp = fd;
	return elf;

fail:
	if (elf)
		elf_end(elf);
	close(fd);
	return NULL;
}

/* <root>/.build-id/ab/cdef....debug, as debuginfo packages install them. */
static Elf *by_build_id(const struct debug_want *want, int *fdp)
{
	const unsigned char *id = want->build_id;
	char path[PATH_MAX];
	size_t len;
	ssize_t i;

	if (want->build_id_len < 2)
		return NULL;
	len = (size_t)snprintf(path, sizeof(path), "%s/.build-id/%02x/", debug_root, id[0]);
	for (i = 1; i < want->build_id_len && len + 2 < sizeof(path); i++)
		len += (size_t)snprintf(path + len, sizeof(path) - len, "%02x", id[i]);
	if (i < want->build_id_len ||
	    (size_t)snprintf(path + len, sizeof(path) - len, ".debug") >= sizeof(path) - len)
		return NULL;
	return try_candidate(path, want, fdp);
}

/* The directory part of PATH into DIR ("." when there is none). */
static void dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, size, ".");
	else if (slash == path)
		snprintf(dir, size, "/");
	else
		snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* The places gdb looks for a debuglink NAME: next to the file, in .debug/
 * next to it, and under the debug root at the file's own directory.  The
 * last one uses the path users know (DISPLAY_PATH) when it is absolute:
 * OPEN_PATH may run through /proc/PID/root. */
static Elf *by_debuglink(const char *name, const char *open_path, const char *display_path,
			 const struct debug_want *want, int *fdp)
{
	char dir[PATH_MAX], shown[PATH_MAX], path[PATH_MAX];
	Elf *elf;

	dir_of(open_path, dir, sizeof(dir));
	dir_of(display_path[0] == '/' ? display_path : open_path, shown, sizeof(shown));
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
	    (elf = try_candidate(path, want, fdp)))
		return elf;
	if (snprintf(path, sizeof(path), "%s/.debug/%s", dir, name) < (int)sizeof(path) &&
	    (elf = try_candidate(path, want, fdp)))
		return elf;
	if (snprintf(path, sizeof(path), "%s%s%s/%s", debug_root, shown[0] == '/' ? "" : "/",
		     strcmp(shown, "/") ? shown : "", name) < (int)sizeof(path) &&
	    (elf = try_candidate(path, want, fdp)))
		return elf;
	return NULL;
}

Elf *sym_debuginfo_open(Elf *main, int main_fd, const char *open_path, const char *display_path,
			int *fd)
{
	struct debug_want want = {0};
	const char *link;
	Elf *elf;

	if (fstat(main_fd, &want.main_st) < 0)
		return NULL;
	want.build_id_len = dwelf_elf_gnu_build_id(main, &want.build_id);
	if (want.build_id_len > 0) {
		elf = by_build_id(&want, fd);
		if (elf)
			return elf;
	}
	link = dwelf_elf_gnu_debuglink(main, &want.crc);
	if (!link || !*link)
		return NULL;
	want.have_crc = true;
	return by_debuglink(link, open_path, display_path, &want, fd);
}
