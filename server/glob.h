/*
 * glob.h - match workspace-relative paths against the globs of settings
 * (the default profile glob matches any .pb.gz file at any depth): a "**"
 * segment spans any number of directories, none included; "*", "?" and
 * "[...]" work within one path segment as fnmatch(3) has them.
 */
#ifndef HEAPLENS_GLOB_H
#define HEAPLENS_GLOB_H

/* Return whether path ("a/b/heap.pb.gz") matches pattern. */
int glob_match(const char *pattern, const char *path);

#endif
