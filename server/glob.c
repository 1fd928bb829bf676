/*
 * glob.c - segment-wise glob matching with "**".
 */
#include <fnmatch.h>
#include <string.h>

#include "glob.h"

/* Copy the segment at s (up to '/' or the end) into seg; return its end. */
static const char *
glob_segment(const char *s, char *seg, size_t size)
{
	size_t n = strcspn(s, "/");

	if (n >= size)
		n = size - 1;
	memcpy(seg, s, n);
	seg[n] = '\0';
	return s + strcspn(s, "/");
}

/* Match pattern against path, both at segment starts. */
int
glob_match(const char *pattern, const char *path)
{
	char pseg[256], sseg[256];
	const char *pnext, *snext;

	for (;;) {
		if (*pattern == '\0')
			return *path == '\0';
		pnext = glob_segment(pattern, pseg, sizeof pseg);
		if (strcmp(pseg, "**") == 0) {
			pattern = *pnext == '/' ? pnext + 1 : pnext;
			/* Try "**" as zero, one, two... segments. */
			for (;;) {
				if (glob_match(pattern, path))
					return 1;
				if (*path == '\0')
					return 0;
				path += strcspn(path, "/");
				if (*path == '/')
					path++;
			}
		}
		if (*path == '\0')
			return 0;
		snext = glob_segment(path, sseg, sizeof sseg);
		if (fnmatch(pseg, sseg, 0) != 0)
			return 0;
		pattern = *pnext == '/' ? pnext + 1 : pnext;
		path = *snext == '/' ? snext + 1 : snext;
	}
}
