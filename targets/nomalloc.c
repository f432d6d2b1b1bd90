/* nomalloc.c: a program with no allocator at all (no libc): utap leaks
 * must refuse it clearly.  Built -static -nostdlib. */
void _start(void)
{
	/* exit(0) */
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
}
