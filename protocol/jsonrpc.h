/*
 * jsonrpc.h - JSON-RPC 2.0 messages: parse and classify what arrives, build
 * what leaves. Knows nothing of LSP methods or of how bytes travel.
 *
 * Invariants:
 * - A struct jsonrpc_msg borrows from the json_t it was classified from; it is
 *   valid while that value lives.
 * - Every builder returns a new reference and steals the json_t arguments it
 *   is given (id, params, result), so `send(jsonrpc_response(id, r))` leaks
 *   nothing; pass json_incref(x) to keep your own reference.
 */
#ifndef HEAPLENS_JSONRPC_H
#define HEAPLENS_JSONRPC_H

#include <stdarg.h>

#include <jansson.h>

#include "util.h"

/* JSON-RPC 2.0 and LSP error codes. */
enum {
	JSONRPC_PARSE_ERROR = -32700,
	JSONRPC_INVALID_REQUEST = -32600,
	JSONRPC_METHOD_NOT_FOUND = -32601,
	JSONRPC_INVALID_PARAMS = -32602,
	JSONRPC_INTERNAL_ERROR = -32603,
	JSONRPC_SERVER_NOT_INITIALIZED = -32002,
	JSONRPC_UNKNOWN_ERROR = -32001,
	JSONRPC_REQUEST_FAILED = -32803,
	JSONRPC_REQUEST_CANCELLED = -32800
};

enum jsonrpc_kind {
	JSONRPC_REQUEST,	/* method and id */
	JSONRPC_NOTIFICATION,	/* method, no id */
	JSONRPC_RESPONSE	/* id and result or error, no method */
};

struct jsonrpc_msg {
	enum jsonrpc_kind kind;
	const char *method;	/* requests and notifications */
	json_t *id;		/* borrowed; requests and responses */
	json_t *params;		/* borrowed; may be NULL */
	json_t *result;		/* borrowed; responses that succeeded */
	json_t *error;		/* borrowed; responses that failed */
};

/*
 * Parse one message body. Returns the value (new reference), or NULL with
 * *cause set ("invalid JSON at line 1, column 7: ...").
 */
json_t *jsonrpc_parse(const char *body, size_t len, char **cause);

/*
 * Classify a parsed message. Returns 0, or -1 with *cause set when it is not
 * a valid JSON-RPC 2.0 message; *id_out then holds the request id if one
 * could be recovered (borrowed), else NULL, so the error can name it.
 */
int jsonrpc_classify(json_t *value, struct jsonrpc_msg *msg, json_t **id_out,
    char **cause);

/* Build a success response (new reference; steals id and result). */
json_t *jsonrpc_response(json_t *id, json_t *result);

/* Build an error response (new reference; steals id, which may be NULL). */
json_t *jsonrpc_error(json_t *id, int code, const char *fmt, ...)
    PRINTFLIKE(3, 4);

/* Build an error response from an error object (steals id and error). */
json_t *jsonrpc_error_response(json_t *id, json_t *error);

/* Build an error object {code, message} (new reference). */
json_t *jsonrpc_error_object(int code, const char *fmt, ...) PRINTFLIKE(2, 3);
json_t *jsonrpc_error_objectv(int code, const char *fmt, va_list ap)
    PRINTFLIKE(2, 0);

/* Build a notification (new reference; steals params, which may be NULL). */
json_t *jsonrpc_notification(const char *method, json_t *params);

/* Build a request (new reference; steals id and params). */
json_t *jsonrpc_request(json_t *id, const char *method, json_t *params);

/* Compare two ids (integers or strings). */
int jsonrpc_id_equal(json_t *a, json_t *b);

#endif
