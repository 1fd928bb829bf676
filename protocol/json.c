/*
 * json.c - path lookups and serialisation helpers over jansson.
 */
#include <string.h>

#include "json.h"
#include "position.h"
#include "util.h"

/* Follow a dotted path of keys. */
json_t *
json_path(json_t *obj, const char *path)
{
	const char *dot;
	char key[128];
	size_t n;

	while (obj != NULL && *path != '\0') {
		if (!json_is_object(obj))
			return NULL;
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof key)
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		obj = json_object_get(obj, key);
		path += n + (dot != NULL);
	}
	return obj;
}

/* Return the string at path, if it is one. */
const char *
json_path_string(json_t *obj, const char *path)
{
	return json_string_value(json_path(obj, path));
}

/* Return the integer at path, if it is one. */
int
json_path_int(json_t *obj, const char *path, long long *out)
{
	json_t *v = json_path(obj, path);

	if (!json_is_integer(v))
		return -1;
	*out = json_integer_value(v);
	return 0;
}

/* Return the boolean at path, or def. */
int
json_path_bool(json_t *obj, const char *path, int def)
{
	json_t *v = json_path(obj, path);

	return json_is_boolean(v) ? json_is_true(v) : def;
}

/* Serialise a value compactly. */
char *
json_compact(const json_t *value)
{
	char *s = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);

	if (s == NULL)
		fatal("cannot serialise a JSON value");
	return s;
}

/* Build a JSON string, repairing invalid UTF-8. */
json_t *
json_string_lossy(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;
	struct buf b = BUF_INIT;
	unsigned cp;
	json_t *v;

	v = json_string(s);
	if (v != NULL)
		return v;
	while (i < n) {
		k = utf8_decode(p + i, n - i, &cp);
		if (cp == 0xfffd && k == 1)
			buf_adds(&b, "\xef\xbf\xbd");
		else
			buf_add(&b, s + i, k);
		i += k;
	}
	v = json_string(buf_str(&b));
	buf_release(&b);
	return v != NULL ? v : json_string("");
}
