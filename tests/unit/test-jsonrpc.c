/*
 * test-jsonrpc.c - unit tests for protocol/jsonrpc.c: parsing, classifying
 * and building JSON-RPC 2.0 messages, and who owns what.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/jsonrpc.h"
#include "unit.h"

/* Parse text that must be valid JSON; NULL (and a failure) otherwise. */
static json_t *
jsonrpc_test_load(const char *text)
{
	char *cause = NULL;
	json_t *v = jsonrpc_parse(text, strlen(text), &cause);

	if (!CHECK(v != NULL))
		unit_note("parsing %s: %s", text, cause);
	free(cause);
	return v;
}

/*
 * Classify text that must be refused; check the cause and the recovered id
 * (as compact JSON, or NULL when none can be).
 */
static void
jsonrpc_refuse(const char *text, const char *want_cause, const char *want_id)
{
	struct jsonrpc_msg msg;
	json_t *v = jsonrpc_test_load(text), *id = v;
	char *cause = NULL, *idtext = NULL;
	int ok;

	if (v == NULL)
		return;
	ok = CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), -1);
	ok &= CHECK_STR_EQ(cause, want_cause);
	if (id != NULL)
		idtext = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
	ok &= CHECK_STR_EQ(idtext, want_id);
	if (!ok)
		unit_note("message %s", text);
	free(idtext);
	free(cause);
	json_decref(v);
}

/* Check parse errors carry a line and column. */
static void
test_parse_errors(void)
{
	char *cause = NULL;
	json_t *v;

	v = jsonrpc_parse("{\"a\":\n  tru}", 12, &cause);
	CHECK_NULL(v);
	CHECK_STR_EQ(cause, "invalid JSON at line 2, column 5: invalid token "
	    "near 'tru'");
	v = jsonrpc_parse("{\"a\": 1,}", 9, &cause);
	CHECK_NULL(v);
	CHECK_STR_EQ(cause, "invalid JSON at line 1, column 9: string or '}' "
	    "expected near '}'");
	v = jsonrpc_parse("", 0, &cause);
	CHECK_NULL(v);
	CHECK_STR_CONTAINS(cause, "invalid JSON at line 1, column 0: ");
	v = jsonrpc_parse("{} x", 4, &cause);
	CHECK_NULL(v);
	CHECK_STR_CONTAINS(cause, "invalid JSON at line 1, column 4: ");
	free(cause);
	CHECK_NULL(jsonrpc_parse("{", 1, NULL));
}

/* Check parsing honours the length, not a NUL, and takes any value. */
static void
test_parse_length(void)
{
	char *cause = NULL;
	json_t *v;

	v = jsonrpc_parse("{\"a\":1}trailing garbage", 7, &cause);
	CHECK_JSON_EQ(v, "{\"a\":1}");
	json_decref(v);
	v = jsonrpc_parse("{\"a\":\"x\0y\"}", 11, &cause);
	CHECK_NULL(v);
	v = jsonrpc_parse("42", 2, &cause);
	CHECK_JSON_EQ(v, "42");
	json_decref(v);
	free(cause);
}

/* Check a request is classified with its method, id and params. */
static void
test_classify_request(void)
{
	struct jsonrpc_msg msg;
	json_t *v, *id = NULL;
	char *cause = NULL;

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"initialize\",\"params\":{\"x\":true}}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_NULL(cause);
	CHECK_INT_EQ(msg.kind, JSONRPC_REQUEST);
	CHECK_STR_EQ(msg.method, "initialize");
	CHECK_JSON_EQ(msg.id, "1");
	CHECK_JSON_EQ(msg.params, "{\"x\":true}");
	CHECK_NULL(msg.result);
	CHECK_NULL(msg.error);
	json_decref(v);

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":"
	    "\"shutdown\"}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_REQUEST);
	CHECK_JSON_EQ(msg.id, "\"abc\"");
	CHECK_NULL(msg.params);
	json_decref(v);

	/* jsonrpc.el's (eglot's) null params: as if absent. */
	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
	    "\"shutdown\",\"params\":null}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_REQUEST);
	CHECK_NULL(msg.params);
	json_decref(v);

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
	    "\"x\",\"params\":[1,2]}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_REQUEST);
	CHECK_JSON_EQ(msg.params, "[1,2]");
	json_decref(v);
	free(cause);
}

/* Check a notification has a method and no id. */
static void
test_classify_notification(void)
{
	struct jsonrpc_msg msg;
	json_t *v, *id = NULL;
	char *cause = NULL;

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"method\":\"initialized\","
	    "\"params\":{}}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_NOTIFICATION);
	CHECK_STR_EQ(msg.method, "initialized");
	CHECK_NULL(msg.id);
	CHECK_JSON_EQ(msg.params, "{}");
	json_decref(v);

	v = jsonrpc_test_load("{\"method\":\"exit\",\"jsonrpc\":\"2.0\"}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_NOTIFICATION);
	CHECK_STR_EQ(msg.method, "exit");
	CHECK_NULL(msg.params);
	json_decref(v);
	CHECK_NULL(cause);
}

/* Check responses: result (even null), error, and a null id on an error. */
static void
test_classify_response(void)
{
	struct jsonrpc_msg msg;
	json_t *v, *id = NULL;
	char *cause = NULL;

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_RESPONSE);
	CHECK_JSON_EQ(msg.id, "3");
	CHECK_JSON_EQ(msg.result, "null");
	CHECK_NULL(msg.error);
	CHECK_NULL(msg.method);
	json_decref(v);

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":\"r1\",\"error\":"
	    "{\"code\":-32601,\"message\":\"no\"}}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_RESPONSE);
	CHECK_JSON_EQ(msg.id, "\"r1\"");
	CHECK_NULL(msg.result);
	CHECK_JSON_EQ(msg.error, "{\"code\":-32601,\"message\":\"no\"}");
	json_decref(v);

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
	    "{\"code\":-32700,\"message\":\"parse error\"}}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_RESPONSE);
	CHECK_JSON_EQ(msg.id, "null");
	json_decref(v);
	CHECK_NULL(cause);
}

/* Check values that are not objects are refused. */
static void
test_invalid_not_object(void)
{
	jsonrpc_refuse("42", "message is not a JSON object", NULL);
	jsonrpc_refuse("\"initialize\"", "message is not a JSON object", NULL);
	jsonrpc_refuse("null", "message is not a JSON object", NULL);
	jsonrpc_refuse("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}]",
	    "batch messages are not part of the language server protocol",
	    NULL);
	jsonrpc_refuse("[]", "batch messages are not part of the language "
	    "server protocol", NULL);
}

/* Check a missing or wrong "jsonrpc" member is refused, keeping the id. */
static void
test_invalid_version(void)
{
	jsonrpc_refuse("{\"id\":7,\"method\":\"x\"}",
	    "\"jsonrpc\" must be \"2.0\"", "7");
	jsonrpc_refuse("{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"x\"}",
	    "\"jsonrpc\" must be \"2.0\"", "\"a\"");
	jsonrpc_refuse("{\"jsonrpc\":2.0,\"id\":8,\"method\":\"x\"}",
	    "\"jsonrpc\" must be \"2.0\"", "8");
	jsonrpc_refuse("{\"jsonrpc\":\"2.0 \",\"method\":\"x\"}",
	    "\"jsonrpc\" must be \"2.0\"", NULL);
}

/* Check ids that are neither integers nor strings are refused. */
static void
test_invalid_id(void)
{
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"x\"}",
	    "\"id\" must be an integer or a string", NULL);
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":{\"n\":1},"
	    "\"method\":\"x\"}", "\"id\" must be an integer or a string", NULL);
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":[1],\"result\":1}",
	    "\"id\" must be an integer or a string", NULL);
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"x\"}",
	    "\"id\" must be an integer or a string", NULL);
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"x\"}",
	    "a request \"id\" cannot be null", NULL);
}

/* Check bad methods and params are refused, keeping the id. */
static void
test_invalid_method_params(void)
{
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\","
	    "\"params\":\"text\"}", "\"params\" must be an object or an array",
	    "2");
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"x\","
	    "\"params\":3}", "\"params\" must be an object or an array", "2");
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":5}",
	    "\"method\" must be a string", "\"q\"");
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\"}",
	    "message has neither \"method\" nor \"id\"", NULL);
}

/* Check a response needs exactly one of result and error. */
static void
test_invalid_response(void)
{
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":1,\"error\":"
	    "{\"code\":1,\"message\":\"m\"}}", "a response needs exactly one "
	    "of \"result\" and \"error\"", "4");
	jsonrpc_refuse("{\"jsonrpc\":\"2.0\",\"id\":5}", "a response needs "
	    "exactly one of \"result\" and \"error\"", "5");
}

/* Check the id a refused message carries can answer it. */
static void
test_id_recovery_reply(void)
{
	struct jsonrpc_msg msg;
	json_t *v, *id = NULL, *reply;
	char *cause = NULL;

	v = jsonrpc_test_load("{\"jsonrpc\":\"2.0\",\"id\":\"req-9\","
	    "\"method\":\"x\",\"params\":\"bad\"}");
	if (v == NULL)
		return;
	CHECK_INT_EQ(jsonrpc_classify(v, &msg, &id, &cause), -1);
	if (CHECK(id != NULL)) {
		reply = jsonrpc_error(json_incref(id),
		    JSONRPC_INVALID_REQUEST, "%s", cause);
		CHECK_JSON_EQ(reply, "{\"jsonrpc\":\"2.0\",\"id\":\"req-9\","
		    "\"error\":{\"code\":-32600,\"message\":\"\\\"params\\\" "
		    "must be an object or an array\"}}");
		json_decref(reply);
	}
	free(cause);
	json_decref(v);
}

/* Check the response builders produce the exact messages. */
static void
test_build_response(void)
{
	json_t *m;

	m = jsonrpc_response(json_integer(1), json_pack("{s:i}", "a", 1));
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}}");
	json_decref(m);
	m = jsonrpc_response(json_string("s"), NULL);
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"result\":null}");
	json_decref(m);
}

/* Check the error builders produce the exact messages. */
static void
test_build_error(void)
{
	json_t *m;

	m = jsonrpc_error(json_integer(2), JSONRPC_METHOD_NOT_FOUND,
	    "unknown method %s", "foo/bar");
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":"
	    "-32601,\"message\":\"unknown method foo/bar\"}}");
	json_decref(m);
	m = jsonrpc_error(NULL, JSONRPC_PARSE_ERROR, "bad");
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
	    "-32700,\"message\":\"bad\"}}");
	json_decref(m);
	m = jsonrpc_error_object(JSONRPC_REQUEST_FAILED, "%d files", 3);
	CHECK_JSON_EQ(m, "{\"code\":-32803,\"message\":\"3 files\"}");
	json_decref(m);
	m = jsonrpc_error_response(json_string("x"),
	    jsonrpc_error_object(JSONRPC_REQUEST_CANCELLED, "cancelled"));
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"error\":"
	    "{\"code\":-32800,\"message\":\"cancelled\"}}");
	json_decref(m);
	m = jsonrpc_error_object(JSONRPC_INTERNAL_ERROR, "bad byte \xff here");
	CHECK_JSON_EQ(m, "{\"code\":-32603,\"message\":\"bad byte \\ufffd "
	    "here\"}");
	json_decref(m);
}

/* Check the request and notification builders. */
static void
test_build_request_notification(void)
{
	json_t *m;

	m = jsonrpc_notification("textDocument/publishDiagnostics",
	    json_pack("{s:s,s:[]}", "uri", "file:///a", "diagnostics"));
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
	    "publishDiagnostics\",\"params\":{\"uri\":\"file:///a\","
	    "\"diagnostics\":[]}}");
	json_decref(m);
	m = jsonrpc_notification("exit", NULL);
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
	json_decref(m);
	m = jsonrpc_request(json_integer(5), "workspace/configuration",
	    json_pack("{s:[]}", "items"));
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"workspace/"
	    "configuration\",\"params\":{\"items\":[]}}");
	json_decref(m);
	m = jsonrpc_request(json_string("r"), "shutdown", NULL);
	CHECK_JSON_EQ(m, "{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"method\":"
	    "\"shutdown\"}");
	json_decref(m);
}

/* Check what the builders make classifies as what it is. */
static void
test_build_classify(void)
{
	struct jsonrpc_msg msg;
	json_t *m, *id;
	char *cause = NULL;

	m = jsonrpc_request(json_integer(9), "m", json_object());
	CHECK_INT_EQ(jsonrpc_classify(m, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_REQUEST);
	json_decref(m);
	m = jsonrpc_notification("n", NULL);
	CHECK_INT_EQ(jsonrpc_classify(m, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_NOTIFICATION);
	json_decref(m);
	m = jsonrpc_response(json_integer(9), NULL);
	CHECK_INT_EQ(jsonrpc_classify(m, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_RESPONSE);
	json_decref(m);
	m = jsonrpc_error(NULL, JSONRPC_UNKNOWN_ERROR, "e");
	CHECK_INT_EQ(jsonrpc_classify(m, &msg, &id, &cause), 0);
	CHECK_INT_EQ(msg.kind, JSONRPC_RESPONSE);
	json_decref(m);
	CHECK_NULL(cause);
}

/* Check the builders steal their json_t arguments: one reference each. */
static void
test_build_steals(void)
{
	json_t *id = json_integer(1), *params = json_object();
	json_t *result = json_array(), *err, *m;

	json_incref(id);
	json_incref(params);
	m = jsonrpc_request(id, "m", params);
	CHECK_UINT_EQ(id->refcount, 2);
	CHECK_UINT_EQ(params->refcount, 2);
	json_decref(m);
	CHECK_UINT_EQ(id->refcount, 1);
	CHECK_UINT_EQ(params->refcount, 1);

	json_incref(result);
	m = jsonrpc_response(id, result);
	CHECK_UINT_EQ(id->refcount, 1);
	CHECK_UINT_EQ(result->refcount, 2);
	json_decref(m);
	CHECK_UINT_EQ(result->refcount, 1);
	json_decref(result);

	id = json_string("e");
	err = jsonrpc_error_object(1, "x");
	json_incref(id);
	json_incref(err);
	m = jsonrpc_error_response(id, err);
	CHECK_UINT_EQ(err->refcount, 2);
	json_decref(m);
	CHECK_UINT_EQ(id->refcount, 1);
	CHECK_UINT_EQ(err->refcount, 1);
	json_decref(id);
	json_decref(err);

	m = jsonrpc_notification("n", params);
	CHECK_UINT_EQ(params->refcount, 1);
	json_decref(m);
}

/* Check id comparison: same type and value only, never NULL. */
static void
test_id_equal(void)
{
	json_t *one = json_integer(1), *one_b = json_integer(1);
	json_t *s = json_string("1"), *s_b = json_string("1");
	json_t *two = json_integer(2);

	CHECK(jsonrpc_id_equal(one, one_b));
	CHECK(jsonrpc_id_equal(s, s_b));
	CHECK(!jsonrpc_id_equal(one, s));
	CHECK(!jsonrpc_id_equal(one, two));
	CHECK(!jsonrpc_id_equal(NULL, one));
	CHECK(!jsonrpc_id_equal(one, NULL));
	CHECK(!jsonrpc_id_equal(NULL, NULL));
	json_decref(one);
	json_decref(one_b);
	json_decref(s);
	json_decref(s_b);
	json_decref(two);
}

const struct unit_test jsonrpc_tests[] = {
	{ "parse errors carry line and column", test_parse_errors },
	{ "parse honours the length", test_parse_length },
	{ "classify requests", test_classify_request },
	{ "classify notifications", test_classify_notification },
	{ "classify responses", test_classify_response },
	{ "invalid: not an object, batches", test_invalid_not_object },
	{ "invalid: jsonrpc member", test_invalid_version },
	{ "invalid: id types", test_invalid_id },
	{ "invalid: method and params", test_invalid_method_params },
	{ "invalid: response members", test_invalid_response },
	{ "recovered id answers the error", test_id_recovery_reply },
	{ "build responses", test_build_response },
	{ "build errors", test_build_error },
	{ "build requests and notifications",
	    test_build_request_notification },
	{ "built messages classify", test_build_classify },
	{ "builders steal their arguments", test_build_steals },
	{ "id comparison", test_id_equal },
	{ NULL, NULL }
};
