/*
 * config.h - heaplens settings: the schema, validation, and the merge of the
 * three places settings come from.
 *
 * Invariants:
 * - Settings resolve as defaults, then the folder's .heaplens.json, then the
 *   editor's settings (initializationOptions, then didChangeConfiguration),
 *   key by key; each layer is validated against one schema, and a bad value
 *   is reported and ignored, never fatal.
 * - Trust: a .heaplens.json travels with the repository, so it cannot turn on
 *   what executes code (runCompiler); only the editor's settings can.
 * - A resolved settings object always holds every key of the schema with a
 *   value of the schema's type.
 */
#ifndef HEAPLENS_CONFIG_H
#define HEAPLENS_CONFIG_H

#include <jansson.h>

#include "protocol/util.h"

/* Bound on the size of a .heaplens.json. */
#define CONFIG_MAX_FILE (1024 * 1024)
#define CONFIG_FILE ".heaplens.json"

/*
 * Return the settings layer inside a client's settings object (borrowed):
 * its "heaplens" member when present, else the object itself. *namespaced
 * says which, so unknown keys are reported only in a heaplens object.
 */
json_t *config_layer(json_t *settings, int *namespaced);

/*
 * Resolve settings: defaults, then file (may be NULL), then client (may be
 * NULL). Problems are appended to warnings as strings naming the source.
 * Returns a new reference.
 */
json_t *config_resolve(json_t *file, const char *file_name, json_t *client,
    int client_namespaced, json_t *warnings);

/*
 * Read a settings file. Returns 0 with *out a new reference (NULL when the
 * file does not exist), or -1 with *cause naming the file and the reason.
 */
int config_read_file(const char *path, json_t **out, char **cause);

/* Typed reads of a resolved settings object. */
int config_bool(json_t *settings, const char *key);
double config_number(json_t *settings, const char *key);
const char *config_string(json_t *settings, const char *key);

#endif
