/*
 * test-config.c - unit tests for server/config.c: the schema's defaults, how
 * layers merge and what is refused, and reading .heaplens.json.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/config.h"
#include "unit.h"

#define FILE_NAME "/ws/.heaplens.json"

static const char config_test_defaults[] = "{"
    "\"profiles\": [\"**/*.pb.gz\", \"**/*.pprof\", \"**/*.prof\"],"
    "\"gcTraces\": [\"**/gctrace*.log\", \"**/*.gctrace\"],"
    "\"goroutineDumps\": [\"**/goroutine*.txt\"],"
    "\"escapeOutputs\": [\"**/escape*.txt\", \"**/escape-json\"],"
    "\"sampleIndex\": null,"
    "\"hotThreshold\": 5,"
    "\"growthThreshold\": 5,"
    "\"trimPath\": \"\","
    "\"sourcePath\": \"\","
    "\"checks\": {},"
    "\"checkOnChange\": false,"
    "\"annotations\": {\"escape\": true, \"inline\": false, "
    "\"bounds\": false, \"nil\": false},"
    "\"escapeHotOnly\": false,"
    "\"goroutineThreshold\": 20,"
    "\"debounceMs\": 300,"
    "\"maxProfileBytes\": 268435456,"
    "\"runCompiler\": false,"
    "\"goCommand\": \"go\","
    "\"compilerTimeout\": 120}";

/* Parse JSON text for a layer (a new reference; NULL for NULL). */
static json_t *
config_test_json(const char *text)
{
	json_error_t err;
	json_t *v;

	if (text == NULL)
		return NULL;
	v = json_loads(text, JSON_DECODE_ANY, &err);
	if (!CHECK(v != NULL))
		unit_note("bad JSON %s: %s", text, err.text);
	return v;
}

/*
 * Resolve a file layer and an editor layer given as JSON text (either may be
 * NULL); return the settings and fill *warnings (both new references).
 */
static json_t *
config_test_resolve(const char *file, const char *client, int namespaced,
    json_t **warnings)
{
	json_t *f = config_test_json(file), *c = config_test_json(client);
	json_t *settings;

	*warnings = json_array();
	settings = config_resolve(f, FILE_NAME, c, namespaced, *warnings);
	json_decref(f);
	json_decref(c);
	return settings;
}

/* Return the defaults with the given members set (a new reference). */
static json_t *
config_test_expected(const char *changes)
{
	json_t *want = config_test_json(config_test_defaults);
	json_t *delta = config_test_json(changes);

	json_object_update(want, delta);
	json_decref(delta);
	return want;
}

/*
 * Check layers resolve to the defaults updated with changes, and warn
 * exactly as listed (a JSON array of strings).
 */
static void
config_expect(const char *file, const char *client, int namespaced,
    const char *changes, const char *warnings_text)
{
	json_t *warnings, *settings, *want;
	char *want_text;

	settings = config_test_resolve(file, client, namespaced, &warnings);
	want = config_test_expected(changes);
	want_text = json_dumps(want, JSON_COMPACT);
	if (!CHECK_JSON_EQ(settings, want_text) ||
	    !CHECK_JSON_EQ(warnings, warnings_text))
		unit_note("file %s, editor %s", file ? file : "NULL",
		    client ? client : "NULL");
	free(want_text);
	json_decref(want);
	json_decref(settings);
	json_decref(warnings);
}

/* Check the defaults hold every schema key with its type and value. */
static void
test_defaults(void)
{
	static const struct {
		const char *key;
		int type;
	} keys[] = {
		{ "profiles", JSON_ARRAY },
		{ "gcTraces", JSON_ARRAY },
		{ "goroutineDumps", JSON_ARRAY },
		{ "escapeOutputs", JSON_ARRAY },
		{ "sampleIndex", JSON_NULL },
		{ "hotThreshold", JSON_INTEGER },
		{ "growthThreshold", JSON_INTEGER },
		{ "trimPath", JSON_STRING },
		{ "sourcePath", JSON_STRING },
		{ "checks", JSON_OBJECT },
		{ "checkOnChange", JSON_FALSE },
		{ "annotations", JSON_OBJECT },
		{ "escapeHotOnly", JSON_FALSE },
		{ "goroutineThreshold", JSON_INTEGER },
		{ "debounceMs", JSON_INTEGER },
		{ "maxProfileBytes", JSON_INTEGER },
		{ "runCompiler", JSON_FALSE },
		{ "goCommand", JSON_STRING },
		{ "compilerTimeout", JSON_INTEGER },
	};
	json_t *warnings, *settings, *v;
	size_t i;

	settings = config_test_resolve(NULL, NULL, 0, &warnings);
	CHECK_JSON_EQ(settings, config_test_defaults);
	CHECK_UINT_EQ(json_object_size(settings), ARRAY_SIZE(keys));
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		v = json_object_get(settings, keys[i].key);
		if (!CHECK(v != NULL) || !CHECK_INT_EQ(json_typeof(v),
		    keys[i].type))
			unit_note("setting %s", keys[i].key);
	}
	CHECK_UINT_EQ(json_array_size(warnings), 0);
	CHECK(!config_bool(settings, "runCompiler"));
	CHECK(!config_bool(settings, "checkOnChange"));
	CHECK_DBL_EQ(config_number(settings, "hotThreshold"), 5);
	CHECK_DBL_EQ(config_number(settings, "maxProfileBytes"), 268435456);
	CHECK_NULL(config_string(settings, "sampleIndex"));
	CHECK_STR_EQ(config_string(settings, "trimPath"), "");
	json_decref(settings);
	json_decref(warnings);
}

/* Check each resolve starts from fresh defaults. */
static void
test_defaults_fresh(void)
{
	config_expect("{\"annotations\":{\"nil\":true},"
	    "\"checks\":{\"a\":true}}", NULL, 1,
	    "{\"annotations\":{\"escape\":true,\"inline\":false,"
	    "\"bounds\":false,\"nil\":true},\"checks\":{\"a\":true}}", "[]");
	config_expect(NULL, NULL, 1, "{}", "[]");
}

/* Check the editor layer overrides the file layer key by key. */
static void
test_precedence(void)
{
	config_expect("{\"hotThreshold\":10,\"trimPath\":\"/src\","
	    "\"profiles\":[\"a.prof\"]}", "{\"hotThreshold\":20,"
	    "\"sourcePath\":\"/s\"}", 1, "{\"hotThreshold\":20,\"trimPath\":"
	    "\"/src\",\"sourcePath\":\"/s\",\"profiles\":[\"a.prof\"]}", "[]");
	config_expect("{\"sampleIndex\":\"alloc_space\"}",
	    "{\"sampleIndex\":null}", 1, "{}", "[]");
	config_expect("{\"checkOnChange\":true}", "{\"profiles\":[]}", 1,
	    "{\"checkOnChange\":true,\"profiles\":[]}", "[]");
	config_expect(NULL, "{\"growthThreshold\":2.5,\"debounceMs\":0}", 1,
	    "{\"growthThreshold\":2.5,\"debounceMs\":0}", "[]");
}

/* Check "checks" and "annotations" merge flag by flag across layers. */
static void
test_flags_merge(void)
{
	config_expect("{\"annotations\":{\"inline\":true},\"checks\":"
	    "{\"a\":false,\"c\":true}}", "{\"annotations\":{\"bounds\":true,"
	    "\"escape\":false},\"checks\":{\"b\":true,\"c\":false}}", 1,
	    "{\"annotations\":{\"escape\":false,\"inline\":true,\"bounds\":"
	    "true,\"nil\":false},\"checks\":{\"a\":false,\"b\":true,\"c\":"
	    "false}}", "[]");
}

/* Check unknown keys are reported for a file and a namespaced layer only. */
static void
test_unknown_keys(void)
{
	json_t *settings, *layer, *warnings;
	int namespaced = -1;

	config_expect("{\"bogus\":1}", NULL, 0, "{}",
	    "[\"" FILE_NAME ": unknown setting \\\"bogus\\\"\"]");
	config_expect(NULL, "{\"bogus\":1}", 1, "{}",
	    "[\"editor settings: unknown setting \\\"bogus\\\"\"]");
	config_expect(NULL, "{\"bogus\":1,\"hotThreshold\":3}", 0,
	    "{\"hotThreshold\":3}", "[]");

	settings = config_test_json("{\"heaplens\":{\"bogus\":true,"
	    "\"debounceMs\":50},\"gopls\":{\"x\":1}}");
	layer = config_layer(settings, &namespaced);
	CHECK_INT_EQ(namespaced, 1);
	CHECK_JSON_EQ(layer, "{\"bogus\":true,\"debounceMs\":50}");
	warnings = json_array();
	json_decref(config_resolve(NULL, FILE_NAME, layer, namespaced,
	    warnings));
	CHECK_JSON_EQ(warnings, "[\"editor settings: unknown setting "
	    "\\\"bogus\\\"\"]");
	json_decref(warnings);
	json_decref(settings);

	settings = config_test_json("{\"gopls\":{\"x\":1},\"debounceMs\":50}");
	layer = config_layer(settings, &namespaced);
	CHECK_INT_EQ(namespaced, 0);
	CHECK(layer == settings);
	warnings = json_array();
	json_decref(config_resolve(NULL, FILE_NAME, layer, namespaced,
	    warnings));
	CHECK_JSON_EQ(warnings, "[]");
	json_decref(warnings);
	json_decref(settings);
}

/* Check config_layer on what is not a settings object. */
static void
test_layer_shapes(void)
{
	json_t *v;
	int namespaced = -1;

	CHECK_NULL(config_layer(NULL, &namespaced));
	CHECK_INT_EQ(namespaced, 0);
	v = config_test_json("[1]");
	CHECK_NULL(config_layer(v, &namespaced));
	CHECK_INT_EQ(namespaced, 0);
	json_decref(v);
	v = config_test_json("{\"heaplens\":5}");
	CHECK_NULL(config_layer(v, &namespaced));
	CHECK_INT_EQ(namespaced, 1);
	json_decref(v);
	v = config_test_json("{\"heaplens\":null}");
	CHECK_NULL(config_layer(v, &namespaced));
	json_decref(v);
}

/* Check values of the wrong type are warned about and ignored. */
static void
test_wrong_types(void)
{
	config_expect("{\"hotThreshold\":\"high\"}", NULL, 0, "{}",
	    "[\"" FILE_NAME ": setting \\\"hotThreshold\\\" must be a number "
	    "from 0 to 100; ignoring it\"]");
	config_expect(NULL, "{\"checkOnChange\":\"yes\"}", 0, "{}",
	    "[\"editor settings: setting \\\"checkOnChange\\\" must be a "
	    "boolean; ignoring it\"]");
	config_expect(NULL, "{\"profiles\":[\"a\",1]}", 0, "{}",
	    "[\"editor settings: setting \\\"profiles\\\" must be an array of "
	    "strings; ignoring it\"]");
	config_expect(NULL, "{\"profiles\":\"*.prof\"}", 0, "{}",
	    "[\"editor settings: setting \\\"profiles\\\" must be an array of "
	    "strings; ignoring it\"]");
	config_expect(NULL, "{\"trimPath\":null}", 0, "{}",
	    "[\"editor settings: setting \\\"trimPath\\\" must be a string; "
	    "ignoring it\"]");
	config_expect(NULL, "{\"sampleIndex\":3}", 0, "{}",
	    "[\"editor settings: setting \\\"sampleIndex\\\" must be a string "
	    "or null; ignoring it\"]");
	config_expect(NULL, "{\"annotations\":{\"inline\":true,\"bounds\":"
	    "\"yes\"}}", 0, "{}", "[\"editor settings: setting "
	    "\\\"annotations\\\" must be an object of booleans; "
	    "ignoring it\"]");
	config_expect(NULL, "{\"checks\":[]}", 0, "{}", "[\"editor settings: "
	    "setting \\\"checks\\\" must be an object of booleans; ignoring "
	    "it\"]");
	config_expect("{\"trimPath\":\"/a\"}", "{\"trimPath\":7}", 0,
	    "{\"trimPath\":\"/a\"}", "[\"editor settings: setting "
	    "\\\"trimPath\\\" must be a string; ignoring it\"]");
}

/* Check numbers outside their range are warned about; the bounds are in. */
static void
test_ranges(void)
{
	config_expect(NULL, "{\"hotThreshold\":101}", 0, "{}",
	    "[\"editor settings: setting \\\"hotThreshold\\\" must be a number "
	    "from 0 to 100; ignoring it\"]");
	config_expect(NULL, "{\"growthThreshold\":-0.5}", 0, "{}",
	    "[\"editor settings: setting \\\"growthThreshold\\\" must be a "
	    "number from 0 to 100; ignoring it\"]");
	config_expect(NULL, "{\"debounceMs\":60001}", 0, "{}",
	    "[\"editor settings: setting \\\"debounceMs\\\" must be a number "
	    "from 0 to 60000; ignoring it\"]");
	config_expect("{\"maxProfileBytes\":1023}", NULL, 0, "{}",
	    "[\"" FILE_NAME ": setting \\\"maxProfileBytes\\\" must be a "
	    "number from 1024 to 1e+12; ignoring it\"]");
	config_expect(NULL, "{\"hotThreshold\":0,\"growthThreshold\":100,"
	    "\"debounceMs\":60000,\"maxProfileBytes\":1024}", 0,
	    "{\"hotThreshold\":0,\"growthThreshold\":100,\"debounceMs\":60000,"
	    "\"maxProfileBytes\":1024}", "[]");
	config_expect(NULL, "{\"maxProfileBytes\":1000000000000}", 0,
	    "{\"maxProfileBytes\":1000000000000}", "[]");
}

/* Check runCompiler is refused from the file, honoured from the editor. */
static void
test_run_compiler_trust(void)
{
	json_t *warnings, *settings;

	config_expect("{\"runCompiler\":true}", NULL, 0, "{}",
	    "[\"" FILE_NAME ": setting \\\"runCompiler\\\" is ignored here: "
	    "only the editor's settings can turn it on\"]");
	config_expect(NULL, "{\"runCompiler\":true}", 0,
	    "{\"runCompiler\":true}", "[]");
	config_expect("{\"runCompiler\":true}", "{\"runCompiler\":false}", 1,
	    "{}", "[\"" FILE_NAME ": setting \\\"runCompiler\\\" is ignored "
	    "here: only the editor's settings can turn it on\"]");
	settings = config_test_resolve("{\"runCompiler\":true}",
	    "{\"heaplens\":{}}", 1, &warnings);
	CHECK(!config_bool(settings, "runCompiler"));
	json_decref(settings);
	json_decref(warnings);
}

/* Check several problems in one layer each give one warning. */
static void
test_several_warnings(void)
{
	json_t *warnings, *settings;

	settings = config_test_resolve("{\"a\":1,\"hotThreshold\":500,"
	    "\"runCompiler\":true,\"trimPath\":\"/t\"}", "{\"b\":2,"
	    "\"debounceMs\":\"x\"}", 1, &warnings);
	CHECK_UINT_EQ(json_array_size(warnings), 5);
	CHECK_STR_EQ(config_string(settings, "trimPath"), "/t");
	CHECK_DBL_EQ(config_number(settings, "hotThreshold"), 5);
	CHECK_DBL_EQ(config_number(settings, "debounceMs"), 300);
	json_decref(settings);
	json_decref(warnings);
}

/* Create a directory for config files (a new string). */
static char *
config_test_dir(void)
{
	char *dir = xstrdup("/tmp/heaplens-unit-XXXXXX");

	if (!CHECK(mkdtemp(dir) != NULL)) {
		free(dir);
		return NULL;
	}
	return dir;
}

/* Write text to dir/name; return the path (a new string). */
static char *
config_test_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	size_t len = strlen(text);

	if (CHECK(f != NULL)) {
		CHECK_UINT_EQ(fwrite(text, 1, len, f), len);
		CHECK_INT_EQ(fclose(f), 0);
	}
	return path;
}

/* Read path, which must fail with a cause equal to want. */
static void
config_expect_read_error(const char *path, const char *want)
{
	json_t *out = json_true();
	char *cause = NULL;

	CHECK_INT_EQ(config_read_file(path, &out, &cause), -1);
	CHECK_NULL(out);
	CHECK_STR_EQ(cause, want);
	free(cause);
}

/* Check reading missing, malformed, wrong-shaped and valid files. */
static void
test_read_file(void)
{
	char *dir = config_test_dir(), *path, *want, *big, *cause = NULL;
	json_t *out;

	if (dir == NULL)
		return;

	path = xasprintf("%s/missing.json", dir);
	out = json_true();
	CHECK_INT_EQ(config_read_file(path, &out, &cause), 0);
	CHECK_NULL(out);
	CHECK_NULL(cause);
	free(path);
	path = xasprintf("%s/no/such/dir/.heaplens.json", dir);
	CHECK_INT_EQ(config_read_file(path, &out, &cause), 0);
	CHECK_NULL(out);
	free(path);

	path = config_test_write(dir, "bad.json", "{\n  \"a\": }\n");
	want = xasprintf("%s:2:8: unexpected token near '}'", path);
	config_expect_read_error(path, want);
	free(want);
	unlink(path);
	free(path);

	path = config_test_write(dir, "empty.json", "");
	want = xasprintf("%s:1:0: '[' or '{' expected near end of file", path);
	config_expect_read_error(path, want);
	free(want);
	unlink(path);
	free(path);

	path = config_test_write(dir, "array.json", "[1, 2]\n");
	want = xasprintf("%s: settings must be a JSON object", path);
	config_expect_read_error(path, want);
	free(want);
	unlink(path);
	free(path);

	path = config_test_write(dir, "ns.json", "{\"heaplens\": []}");
	want = xasprintf("%s: settings must be a JSON object", path);
	config_expect_read_error(path, want);
	free(want);
	unlink(path);
	free(path);

	want = xasprintf("%s: not a regular file", dir);
	config_expect_read_error(dir, want);
	free(want);

	big = xmalloc(CONFIG_MAX_FILE + 3);
	memset(big, ' ', CONFIG_MAX_FILE + 2);
	big[0] = '{';
	big[CONFIG_MAX_FILE] = '}';
	big[CONFIG_MAX_FILE + 2] = '\0';
	path = config_test_write(dir, "big.json", big);
	want = xasprintf("%s: larger than %d bytes", path, CONFIG_MAX_FILE);
	config_expect_read_error(path, want);
	free(want);
	unlink(path);
	free(path);
	free(big);

	path = config_test_write(dir, CONFIG_FILE, "{\"hotThreshold\": 7,\n"
	    "  \"profiles\": [\"x.prof\"]}\n");
	CHECK_INT_EQ(config_read_file(path, &out, &cause), 0);
	CHECK_JSON_EQ(out, "{\"hotThreshold\":7,\"profiles\":[\"x.prof\"]}");
	CHECK_NULL(cause);
	json_decref(out);
	unlink(path);
	free(path);

	path = config_test_write(dir, "nsok.json", "{\"heaplens\": "
	    "{\"debounceMs\": 10}, \"other\": 1}");
	CHECK_INT_EQ(config_read_file(path, &out, &cause), 0);
	CHECK_JSON_EQ(out, "{\"debounceMs\":10}");
	json_decref(out);
	unlink(path);
	free(path);

	CHECK_INT_EQ(rmdir(dir), 0);
	free(dir);
}

/* Check a file read by config_read_file resolves as a file layer. */
static void
test_read_then_resolve(void)
{
	char *dir = config_test_dir(), *path, *cause = NULL;
	json_t *layer = NULL, *warnings, *settings;

	if (dir == NULL)
		return;
	path = config_test_write(dir, CONFIG_FILE, "{\"heaplens\":{"
	    "\"runCompiler\":true,\"hotThreshold\":9}}");
	CHECK_INT_EQ(config_read_file(path, &layer, &cause), 0);
	warnings = json_array();
	settings = config_resolve(layer, path, NULL, 0, warnings);
	CHECK(!config_bool(settings, "runCompiler"));
	CHECK_DBL_EQ(config_number(settings, "hotThreshold"), 9);
	CHECK_UINT_EQ(json_array_size(warnings), 1);
	json_decref(settings);
	json_decref(warnings);
	json_decref(layer);
	free(cause);
	unlink(path);
	free(path);
	CHECK_INT_EQ(rmdir(dir), 0);
	free(dir);
}

const struct unit_test config_tests[] = {
	{ "defaults hold every key", test_defaults },
	{ "defaults are fresh each time", test_defaults_fresh },
	{ "editor overrides file key by key", test_precedence },
	{ "flags merge per flag", test_flags_merge },
	{ "unknown keys warned when namespaced", test_unknown_keys },
	{ "config_layer shapes", test_layer_shapes },
	{ "wrong types warned and ignored", test_wrong_types },
	{ "out-of-range numbers warned and ignored", test_ranges },
	{ "runCompiler only from the editor", test_run_compiler_trust },
	{ "several warnings", test_several_warnings },
	{ "config_read_file", test_read_file },
	{ "read file then resolve", test_read_then_resolve },
	{ NULL, NULL }
};
