/*
 * config.c - the settings schema and how layers of settings merge.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

enum config_type {
	CONFIG_BOOL,
	CONFIG_NUMBER,
	CONFIG_STRING,
	CONFIG_STRING_OR_NULL,
	CONFIG_STRINGS,		/* array of strings, e.g. globs */
	CONFIG_FLAGS		/* object of booleans, merged per key */
};

struct config_key {
	const char *name;
	enum config_type type;
	const char *def;	/* default, as JSON text */
	double min;		/* numbers only */
	double max;
	int editor_only;	/* ignored in .heaplens.json (see config.h) */
};

static const struct config_key config_keys[] = {
	{ "profiles", CONFIG_STRINGS,
	    "[\"**/*.pb.gz\", \"**/*.pprof\", \"**/*.prof\"]", 0, 0, 0 },
	{ "gcTraces", CONFIG_STRINGS,
	    "[\"**/gctrace*.log\", \"**/*.gctrace\"]", 0, 0, 0 },
	{ "goroutineDumps", CONFIG_STRINGS,
	    "[\"**/goroutine*.txt\"]", 0, 0, 0 },
	{ "escapeOutputs", CONFIG_STRINGS,
	    "[\"**/escape*.txt\", \"**/escape-json\"]", 0, 0, 0 },
	{ "sampleIndex", CONFIG_STRING_OR_NULL, "null", 0, 0, 0 },
	{ "hotThreshold", CONFIG_NUMBER, "5", 0, 100, 0 },
	{ "growthThreshold", CONFIG_NUMBER, "5", 0, 100, 0 },
	{ "trimPath", CONFIG_STRING, "\"\"", 0, 0, 0 },
	{ "sourcePath", CONFIG_STRING, "\"\"", 0, 0, 0 },
	{ "checks", CONFIG_FLAGS, "{}", 0, 0, 0 },
	{ "checkOnChange", CONFIG_BOOL, "false", 0, 0, 0 },
	{ "annotations", CONFIG_FLAGS,
	    "{\"escape\": true, \"inline\": false, \"bounds\": false, "
	    "\"nil\": false}", 0, 0, 0 },
	{ "escapeHotOnly", CONFIG_BOOL, "false", 0, 0, 0 },
	{ "goroutineThreshold", CONFIG_NUMBER, "20", 1, 1e9, 0 },
	{ "debounceMs", CONFIG_NUMBER, "300", 0, 60000, 0 },
	{ "maxProfileBytes", CONFIG_NUMBER, "268435456", 1024, 1e12, 0 },
	{ "runCompiler", CONFIG_BOOL, "false", 0, 0, 1 },
	{ "goCommand", CONFIG_STRING, "\"go\"", 0, 0, 1 },
	{ "compilerTimeout", CONFIG_NUMBER, "120", 1, 3600, 0 },
};

static const char *config_type_names[] = {
	[CONFIG_BOOL] = "a boolean",
	[CONFIG_NUMBER] = "a number",
	[CONFIG_STRING] = "a string",
	[CONFIG_STRING_OR_NULL] = "a string or null",
	[CONFIG_STRINGS] = "an array of strings",
	[CONFIG_FLAGS] = "an object of booleans",
};

/* Find a key of the schema. */
static const struct config_key *
config_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(config_keys); i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

/* Return whether value fits the key's type and range. */
static int
config_valid(const struct config_key *k, json_t *value)
{
	const char *name;
	json_t *v;
	size_t i;

	switch (k->type) {
	case CONFIG_BOOL:
		return json_is_boolean(value);
	case CONFIG_NUMBER:
		return json_is_number(value) &&
		    json_number_value(value) >= k->min &&
		    json_number_value(value) <= k->max;
	case CONFIG_STRING:
		return json_is_string(value);
	case CONFIG_STRING_OR_NULL:
		return json_is_string(value) || json_is_null(value);
	case CONFIG_STRINGS:
		if (!json_is_array(value))
			return 0;
		json_array_foreach(value, i, v)
			if (!json_is_string(v))
				return 0;
		return 1;
	case CONFIG_FLAGS:
		if (!json_is_object(value))
			return 0;
		json_object_foreach(value, name, v)
			if (!json_is_boolean(v))
				return 0;
		return 1;
	}
	return 0;
}

/* Return the settings layer of a client's settings object. */
json_t *
config_layer(json_t *settings, int *namespaced)
{
	json_t *inner = json_object_get(settings, "heaplens");

	*namespaced = inner != NULL;
	if (inner != NULL)
		return json_is_object(inner) ? inner : NULL;
	return json_is_object(settings) ? settings : NULL;
}

/* Merge one layer into settings, warning about what is refused. */
static void
config_merge(json_t *settings, json_t *layer, const char *source,
    int trusted, int report_unknown, json_t *warnings)
{
	const struct config_key *k;
	const char *name, *flag;
	json_t *value, *v;
	char *msg;

	if (layer == NULL)
		return;
	json_object_foreach(layer, name, value) {
		k = config_find(name);
		msg = NULL;
		if (k == NULL) {
			if (report_unknown)
				msg = xasprintf("%s: unknown setting \"%s\"",
				    source, name);
		} else if (!config_valid(k, value)) {
			if (k->type == CONFIG_NUMBER)
				msg = xasprintf("%s: setting \"%s\" must be a "
				    "number from %g to %g; ignoring it",
				    source, name, k->min, k->max);
			else
				msg = xasprintf("%s: setting \"%s\" must be "
				    "%s; ignoring it", source, name,
				    config_type_names[k->type]);
		} else if (k->editor_only && !trusted) {
			msg = xasprintf("%s: setting \"%s\" is ignored here: "
			    "only the editor's settings can turn it on",
			    source, name);
		} else if (k->type == CONFIG_FLAGS) {
			json_object_foreach(value, flag, v)
				json_object_set(json_object_get(settings,
				    name), flag, v);
		} else {
			json_object_set(settings, name, value);
		}
		if (msg != NULL) {
			json_array_append_new(warnings, json_string(msg));
			free(msg);
		}
	}
}

/* Build the default settings. */
static json_t *
config_defaults(void)
{
	json_t *settings = json_object(), *v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(config_keys); i++) {
		v = json_loads(config_keys[i].def, JSON_DECODE_ANY, NULL);
		if (v == NULL)
			fatal("bad default for setting %s", config_keys[i].name);
		json_object_set_new(settings, config_keys[i].name, v);
	}
	return settings;
}

/* Resolve settings from the defaults and the two layers. */
json_t *
config_resolve(json_t *file, const char *file_name, json_t *client,
    int client_namespaced, json_t *warnings)
{
	json_t *settings = config_defaults();

	config_merge(settings, file, file_name, 0, 1, warnings);
	config_merge(settings, client, "editor settings", 1,
	    client_namespaced, warnings);
	return settings;
}

/* Read and parse a settings file. */
int
config_read_file(const char *path, json_t **out, char **cause)
{
	json_error_t err;
	struct stat st;
	json_t *v, *layer;
	int namespaced;

	*out = NULL;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return set_cause(cause, "%s: %s", path, strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return set_cause(cause, "%s: not a regular file", path);
	if (st.st_size > CONFIG_MAX_FILE)
		return set_cause(cause, "%s: larger than %d bytes", path,
		    CONFIG_MAX_FILE);
	v = json_load_file(path, 0, &err);
	if (v == NULL)
		return set_cause(cause, "%s:%d:%d: %s", path, err.line,
		    err.column, err.text);
	layer = config_layer(v, &namespaced);
	if (layer == NULL) {
		json_decref(v);
		return set_cause(cause, "%s: settings must be a JSON object",
		    path);
	}
	*out = json_incref(layer);
	json_decref(v);
	return 0;
}

/* Read a boolean setting. */
int
config_bool(json_t *settings, const char *key)
{
	return json_is_true(json_object_get(settings, key));
}

/* Read a number setting. */
double
config_number(json_t *settings, const char *key)
{
	return json_number_value(json_object_get(settings, key));
}

/* Read a string setting; NULL when it is null. */
const char *
config_string(json_t *settings, const char *key)
{
	return json_string_value(json_object_get(settings, key));
}
