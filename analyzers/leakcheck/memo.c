/*
 * memo.c - findings kept per top-level function between runs on one
 * document: a function whose text (with the comments just above it) has
 * not changed keeps its findings, moved to where it now is, and is not
 * checked again. Lines a message names ("at line 42") move with it.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analyzers/leakcheck/internal.h"
#include "protocol/util.h"

/* One top-level function of the last run, and what the checks found. */
struct leak_memo_unit {
	uint64_t hash;			/* of its text from its comments on */
	size_t len;
	struct leak_findings found;	/* lines and bytes relative to it */
};

struct leak_memo {
	uint64_t context;		/* what every function's checks see */
	int valid;
	struct leak_memo_unit *units;
	size_t n;
};


/* Return whether the memo holds the last run's findings of this context. */
int
leak_memo_valid(const struct leak_memo *memo, uint64_t context)
{
	return memo->valid && memo->context == context;
}

/* Start an empty memo. */
struct leak_memo *
leak_memo_new(void)
{
	return xcalloc(1, sizeof(struct leak_memo));
}

/* Free a memo's units. */
void
leak_memo_clear(struct leak_memo *memo)
{
	size_t i;

	for (i = 0; i < memo->n; i++)
		leak_findings_release(&memo->units[i].found);
	free(memo->units);
	memo->units = NULL;
	memo->n = 0;
	memo->valid = 0;
}

/* Free a memo. */
void
leak_memo_free(struct leak_memo *memo)
{
	if (memo == NULL)
		return;
	leak_memo_clear(memo);
	free(memo);
}

/* Fold bytes into an FNV-1a hash. */
static uint64_t
leak_hash(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;

	while (n-- > 0)
		h = (h ^ *p++) * 0x100000001b3u;
	return h;
}

/*
 * Return a hash of the other Go files of path's directory as they are on
 * disk (name, size, modification time), in no particular order: checks
 * read them (a client field declared in another file, a map deleted from
 * there), so a change to any of them invalidates the memo.
 */
static uint64_t
leak_package_stamp(const char *path)
{
	const char *slash = strrchr(path, '/'), *self;
	uint64_t sum = 0, h;
	struct dirent *d;
	struct stat st;
	char *dir, *file;
	size_t n;
	DIR *dp;

	dir = slash == NULL ? xstrdup(".") : slash == path ? xstrdup("/") :
	    xstrndup(path, (size_t)(slash - path));
	self = slash != NULL ? slash + 1 : path;
	dp = opendir(dir);
	if (dp == NULL) {
		free(dir);
		return 0;
	}
	while ((d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n < 4 || strcmp(d->d_name + n - 3, ".go") != 0 ||
		    strcmp(d->d_name, self) == 0)
			continue;
		file = xasprintf("%s/%s", dir, d->d_name);
		if (stat(file, &st) == 0) {
			h = leak_hash(0xcbf29ce484222325u, d->d_name, n);
			h = leak_hash(h, &st.st_size, sizeof st.st_size);
			h = leak_hash(h, &st.st_mtim, sizeof st.st_mtim);
			sum += h;
		}
		free(file);
	}
	closedir(dp);
	free(dir);
	return sum;
}

/* Return whether a top-level node is a function or method declaration. */
static int
leak_is_unit(TSNode n)
{
	return leak_is(n, "function_declaration") ||
	    leak_is(n, "method_declaration");
}

/* How leak_finding_copy treats the lines a message names. */
enum leak_copy {
	LEAK_COPY_AS_IS,	/* memo to memo: marks stay */
	LEAK_COPY_RELATIVE,	/* into the memo: lines in the function marked */
	LEAK_COPY_ABSOLUTE	/* out of the memo: marked lines made absolute */
};

/*
 * Move the line numbers a message names ("at line 42") by delta: with
 * LEAK_COPY_RELATIVE those within [lo, hi], marked so that only they move
 * back; with LEAK_COPY_ABSOLUTE the marked ones, unmarked.
 */
static char *
leak_message_move(const char *m, enum leak_copy how, long delta, size_t lo,
    size_t hi)
{
	static const char word[] = "line ";
	struct buf b = BUF_INIT;
	const char *p;
	char *end;
	unsigned long v;
	int marked;

	while ((p = strstr(m, word)) != NULL) {
		p += sizeof word - 1;
		buf_add(&b, m, (size_t)(p - m));
		marked = *p == '\x01';
		v = strtoul(p + marked, &end, 10);
		if (end == p + marked || (marked && *end != '\x01') ||
		    (marked && how != LEAK_COPY_ABSOLUTE) ||
		    (!marked && (how != LEAK_COPY_RELATIVE || v < lo ||
		    v > hi))) {
			m = p;
			continue;
		}
		if (marked)
			buf_addf(&b, "%ld", (long)v + delta);
		else
			buf_addf(&b, "\x01%ld\x01", (long)v + delta);
		m = end + marked;
	}
	buf_adds(&b, m);
	return buf_detach(&b, NULL);
}

/*
 * Copy a finding into to, moved by delta lines and shift bytes, the lines
 * its message names treated as how says (lo and hi: the function's lines).
 */
static void
leak_finding_copy(struct leak_findings *to, const struct leak_finding *f,
    enum leak_copy how, long delta, long shift, size_t lo, size_t hi)
{
	struct leak_finding *c;
	size_t i;

	if (to->n == to->alloc) {
		to->alloc = to->alloc ? to->alloc * 2 : 16;
		to->items = xrealloc(to->items, to->alloc * sizeof *to->items);
	}
	c = &to->items[to->n++];
	*c = *f;
	c->line = (size_t)((long)f->line + delta);
	c->start = (size_t)((long)f->start + shift);
	c->end = (size_t)((long)f->end + shift);
	c->message = how == LEAK_COPY_AS_IS ? xstrdup(f->message) :
	    leak_message_move(f->message, how, delta, lo, hi);
	c->fix = f->fix != NULL ? xstrdup(f->fix) : NULL;
	c->edits = f->nedits > 0 ? xcalloc(f->nedits, sizeof *c->edits) : NULL;
	for (i = 0; i < f->nedits; i++) {
		c->edits[i].start = (size_t)((long)f->edits[i].start + shift);
		c->edits[i].end = (size_t)((long)f->edits[i].end + shift);
		c->edits[i].text = xstrdup(f->edits[i].text);
	}
}

/* List the top-level functions and hash what they all see. */
size_t
leak_units(const struct leak_input *in, TSNode root, int is_main,
    struct leak_unit **units, uint64_t *context)
{
	TSTreeCursor c = ts_tree_cursor_new(root);
	size_t n = 0, alloc = 0, comments = SIZE_MAX, comments_row = 0, start;
	size_t i;
	uint64_t h = 0xcbf29ce484222325u, stamp;
	struct leak_unit *u;
	TSNode node;

	stamp = leak_package_stamp(in->path);
	h = leak_hash(h, &stamp, sizeof stamp);
	h = leak_hash(h, &in->go_minor, sizeof in->go_minor);
	h = leak_hash(h, &is_main, sizeof is_main);
	for (i = 0; i < leak_nchecks; i++) {
		int on = in->enabled == NULL || in->enabled[i];

		h = leak_hash(h, &on, sizeof on);
	}
	*units = NULL;
	if (ts_tree_cursor_goto_first_child(&c)) do {
		node = ts_tree_cursor_current_node(&c);
		if (leak_is(node, "comment")) {
			if (comments == SIZE_MAX) {
				comments = ts_node_start_byte(node);
				comments_row = ts_node_start_point(node).row;
			}
			continue;
		}
		start = ts_node_start_byte(node);
		if (!leak_is_unit(node)) {
			h = leak_hash(h, in->text + start,
			    ts_node_end_byte(node) - start);
			comments = SIZE_MAX;
			continue;
		}
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			*units = xrealloc(*units, alloc * sizeof **units);
		}
		u = &(*units)[n++];
		u->decl = node;
		u->start = comments != SIZE_MAX ? comments : start;
		u->row = comments != SIZE_MAX ? comments_row :
		    ts_node_start_point(node).row;
		u->hash = leak_hash(0xcbf29ce484222325u, in->text + u->start,
		    ts_node_end_byte(node) - u->start);
		u->from = -1;
		comments = SIZE_MAX;
	} while (ts_tree_cursor_goto_next_sibling(&c));
	ts_tree_cursor_delete(&c);
	*context = h;
	return n;
}

/* Match this run's functions with the memo's, in order where they are. */
void
leak_units_match(struct leak_unit *units, size_t n, const struct leak_memo *m)
{
	char *used = xcalloc(m->n + 1, 1);
	size_t i, j, k, next = 0, len;

	for (i = 0; i < n; i++) {
		len = ts_node_end_byte(units[i].decl) - units[i].start;
		for (k = 0; k < m->n; k++) {
			j = (next + k) % m->n;
			if (!used[j] && m->units[j].hash == units[i].hash &&
			    m->units[j].len == len) {
				units[i].from = (long)j;
				used[j] = 1;
				next = j + 1;
				break;
			}
		}
	}
	free(used);
}


/* Leave out the functions the memo answers for. */
int
leak_skip_matched(TSNode child, void *arg)
{
	struct leak_skip *k = arg;

	while (k->at < k->n &&
	    ts_node_start_byte(k->units[k->at].decl) < ts_node_start_byte(child))
		k->at++;
	return k->at < k->n && k->units[k->at].decl.id == child.id &&
	    k->units[k->at].from >= 0;
}

/* Return the index of the check a finding comes from. */
static size_t
leak_check_of(const struct leak_finding *f)
{
	size_t i;

	for (i = 0; i < leak_nchecks; i++)
		if (leak_checks[i]->id == f->check)
			return i;
	return 0;
}

/* Bring the memo up to date with this run. */
void
leak_memo_update(struct leak_memo *memo, const struct leak_unit *units,
    size_t n, uint64_t context, const int *wanted, struct leak_findings *out,
    size_t first)
{
	struct leak_memo_unit *next = xcalloc(n + 1, sizeof *next), *old;
	const struct leak_finding *f;
	size_t i, k, found = out->n, end;

	for (i = 0; i < n; i++) {
		next[i].hash = units[i].hash;
		end = ts_node_end_byte(units[i].decl);
		next[i].len = end - units[i].start;
		if (units[i].from >= 0) {
			/* Unchanged: what it had, where it is now. */
			old = &memo->units[units[i].from];
			for (k = 0; k < old->found.n; k++) {
				f = &old->found.items[k];
				if (!wanted[leak_check_of(f)])
					continue;
				leak_finding_copy(&next[i].found, f,
				    LEAK_COPY_AS_IS, 0, 0, 0, 0);
				leak_finding_copy(out, f, LEAK_COPY_ABSOLUTE,
				    (long)units[i].row, (long)units[i].start,
				    0, 0);
			}
			continue;
		}
		for (k = first; k < found; k++) {
			f = &out->items[k];
			if (f->start >= units[i].start && f->start < end &&
			    !leak_checks[leak_check_of(f)]->whole_file)
				leak_finding_copy(&next[i].found, f,
				    LEAK_COPY_RELATIVE, -(long)units[i].row,
				    -(long)units[i].start, units[i].row + 1,
				    ts_node_end_point(units[i].decl).row + 1);
		}
	}
	leak_memo_clear(memo);
	memo->units = next;
	memo->n = n;
	memo->context = context;
	memo->valid = 1;
}
