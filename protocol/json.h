/*
 * json.h - small helpers over jansson for reading LSP messages.
 *
 * Ownership, once for the whole code base: a function that returns json_t *
 * says either "new reference" (the caller must json_decref() it or hand it to
 * a function that steals it, like json_object_set_new()) or "borrowed" (valid
 * while its parent lives; never decref'd). Functions taking json_t * borrow
 * their arguments unless their comment says they steal them. Every helper
 * here is borrowed-in, borrowed-out, and tolerates NULL and wrong types by
 * returning NULL or the given default, so callers validate once at the edge.
 */
#ifndef HEAPLENS_JSON_H
#define HEAPLENS_JSON_H

#include <jansson.h>

/*
 * Follow a dotted path of object keys ("textDocument.uri") from obj. Returns
 * the value (borrowed) or NULL when any step is missing or not an object.
 */
json_t *json_path(json_t *obj, const char *path);

/* Return the string at path (borrowed), or NULL if absent or not a string. */
const char *json_path_string(json_t *obj, const char *path);

/* Return the integer at path in *out; 0 on success, -1 if absent or wrong. */
int json_path_int(json_t *obj, const char *path, long long *out);

/* Return the boolean at path, or def if absent or not a boolean. */
int json_path_bool(json_t *obj, const char *path, int def);

/*
 * Return a JSON string for s (new reference), replacing any byte that is not
 * valid UTF-8 with U+FFFD: jansson refuses invalid text, and messages quote
 * what clients and files sent.
 */
json_t *json_string_lossy(const char *s);

/* Serialise compactly; a new string the caller frees. */
char *json_compact(const json_t *value);

#endif
