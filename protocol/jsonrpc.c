/*
 * jsonrpc.c - JSON-RPC 2.0 message validation and construction.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonrpc.h"

/* Parse a message body as JSON. */
json_t *
jsonrpc_parse(const char *body, size_t len, char **cause)
{
	json_error_t err;
	json_t *v;

	v = json_loadb(body, len, JSON_DECODE_ANY, &err);
	if (v == NULL)
		set_cause(cause, "invalid JSON at line %d, column %d: %s",
		    err.line, err.column, err.text);
	return v;
}

/* Return whether v can be a request id. */
static int
jsonrpc_valid_id(json_t *v)
{
	return json_is_integer(v) || json_is_string(v);
}

/* Classify a parsed message. */
int
jsonrpc_classify(json_t *value, struct jsonrpc_msg *msg, json_t **id_out,
    char **cause)
{
	json_t *version, *method, *id, *params;

	*id_out = NULL;
	memset(msg, 0, sizeof *msg);
	if (json_is_array(value))
		return set_cause(cause, "batch messages are not part of the "
		    "language server protocol");
	if (!json_is_object(value))
		return set_cause(cause, "message is not a JSON object");
	id = json_object_get(value, "id");
	if (id != NULL && jsonrpc_valid_id(id))
		*id_out = id;
	version = json_object_get(value, "jsonrpc");
	if (!json_is_string(version) ||
	    strcmp(json_string_value(version), "2.0") != 0)
		return set_cause(cause, "\"jsonrpc\" must be \"2.0\"");
	if (id != NULL && !json_is_null(id) && !jsonrpc_valid_id(id))
		return set_cause(cause, "\"id\" must be an integer or a string");
	method = json_object_get(value, "method");
	if (method != NULL) {
		if (!json_is_string(method))
			return set_cause(cause, "\"method\" must be a string");
		params = json_object_get(value, "params");
		/*
		 * JSON-RPC wants params absent, an object or an array;
		 * jsonrpc.el (eglot) sends null for none: taken as absent.
		 */
		if (json_is_null(params))
			params = NULL;
		if (params != NULL && !json_is_object(params) &&
		    !json_is_array(params))
			return set_cause(cause,
			    "\"params\" must be an object or an array");
		msg->method = json_string_value(method);
		msg->params = params;
		if (id == NULL) {
			msg->kind = JSONRPC_NOTIFICATION;
			return 0;
		}
		if (json_is_null(id))
			return set_cause(cause, "a request \"id\" cannot be null");
		msg->kind = JSONRPC_REQUEST;
		msg->id = id;
		return 0;
	}
	if (id == NULL)
		return set_cause(cause, "message has neither \"method\" nor "
		    "\"id\"");
	msg->kind = JSONRPC_RESPONSE;
	msg->id = id;
	msg->result = json_object_get(value, "result");
	msg->error = json_object_get(value, "error");
	if ((msg->result == NULL) == (msg->error == NULL))
		return set_cause(cause, "a response needs exactly one of "
		    "\"result\" and \"error\"");
	return 0;
}

/* Start a message object with the version member. */
static json_t *
jsonrpc_new(void)
{
	json_t *m = json_object();

	if (m == NULL)
		fatal("out of memory building a message");
	json_object_set_new(m, "jsonrpc", json_string("2.0"));
	return m;
}

/* Build a success response. */
json_t *
jsonrpc_response(json_t *id, json_t *result)
{
	json_t *m = jsonrpc_new();

	json_object_set_new(m, "id", id != NULL ? id : json_null());
	json_object_set_new(m, "result", result != NULL ? result : json_null());
	return m;
}

/* Build an error object. */
json_t *
jsonrpc_error_objectv(int code, const char *fmt, va_list ap)
{
	json_t *e = json_object();
	char *text = xvasprintf(fmt, ap);

	json_object_set_new(e, "code", json_integer(code));
	json_object_set_new(e, "message", json_string_lossy(text));
	free(text);
	return e;
}

/* Build an error object. */
json_t *
jsonrpc_error_object(int code, const char *fmt, ...)
{
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	e = jsonrpc_error_objectv(code, fmt, ap);
	va_end(ap);
	return e;
}

/* Build an error response from an error object. */
json_t *
jsonrpc_error_response(json_t *id, json_t *error)
{
	json_t *m = jsonrpc_new();

	json_object_set_new(m, "id", id != NULL ? id : json_null());
	json_object_set_new(m, "error", error);
	return m;
}

/* Build an error response. */
json_t *
jsonrpc_error(json_t *id, int code, const char *fmt, ...)
{
	va_list ap;
	json_t *e;

	va_start(ap, fmt);
	e = jsonrpc_error_objectv(code, fmt, ap);
	va_end(ap);
	return jsonrpc_error_response(id, e);
}

/* Build a notification. */
json_t *
jsonrpc_notification(const char *method, json_t *params)
{
	json_t *m = jsonrpc_new();

	json_object_set_new(m, "method", json_string(method));
	if (params != NULL)
		json_object_set_new(m, "params", params);
	return m;
}

/* Build a request. */
json_t *
jsonrpc_request(json_t *id, const char *method, json_t *params)
{
	json_t *m = jsonrpc_notification(method, params);

	json_object_set_new(m, "id", id);
	return m;
}

/* Compare two ids. */
int
jsonrpc_id_equal(json_t *a, json_t *b)
{
	if (a == NULL || b == NULL)
		return 0;
	return json_equal(a, b);
}
