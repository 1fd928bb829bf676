/*
 * uri.h - file URIs as LSP clients send them <-> local paths.
 *
 * Invariants: only "file" URIs name local files; their authority must be
 * empty or "localhost". Paths are absolute, percent-decoded, and never contain
 * NUL. Clients differ in what they percent-encode (Neovim keeps ':', VS Code
 * encodes it), so heaplens compares paths, never URI strings.
 */
#ifndef HEAPLENS_URI_H
#define HEAPLENS_URI_H

/*
 * Return the absolute path a file URI names (a new string), or NULL with
 * *cause set ("not a file URI", "bad percent-escape", ...).
 */
char *uri_to_path(const char *uri, char **cause);

/*
 * Return a file URI for an absolute path (a new string). Every byte but
 * unreserved characters and '/' is percent-encoded.
 */
char *uri_from_path(const char *path);

#endif
