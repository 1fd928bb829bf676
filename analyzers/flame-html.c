/*
 * flame-html.c - the flame tree as one HTML page that needs nothing else:
 * inline style sheet, inline renderer, the tree as JSON data between them.
 *
 * The renderer draws an icicle graph (the root on top) of positioned divs,
 * each as wide as its value; clicking a node zooms into it, a search box
 * highlights the nodes whose name contains the text and totals their share.
 * In a diff (negative values) widths are magnitudes, coloured red for growth
 * and blue for shrinkage. The templates below are the page's text, one
 * string per line, in the order they are written.
 *
 * Self-test: "#selftest=search:TEXT,click:NAME,hover:NAME,key:Escape" (each
 * argument percent-encoded where needed) makes the page run those actions
 * after drawing, as a user would (dispatched DOM events), and write
 * {nodes, drawn, diff, steps: [{action, drawn, highlighted, matched, zoomed,
 * zoomedWidth, detail, crumbs}], errors, violations} into <pre id=selftest>,
 * so that `chromium --headless --dump-dom` prints it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "analyzers/flame-html.h"
#include "protocol/util.h"

/* The page up to its title. The policy forbids loading anything. */
static const char *const flame_html_head[] = {
	"<!DOCTYPE html>",
	"<html lang=\"en\">",
	"<head>",
	"<meta charset=\"utf-8\">",
	"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
	"<meta http-equiv=\"Content-Security-Policy\"",
	"  content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
	NULL
};

/* The style sheet, up to the heading. */
static const char *const flame_html_style[] = {
	"<style>",
	"body { margin: 0; font: 13px system-ui, sans-serif; color: #222; }",
	"header { position: sticky; top: 0; z-index: 1; padding: 8px 10px 6px;",
	"  background: #f6f6f6; border-bottom: 1px solid #ddd; }",
	"h1 { margin: 0 0 6px; font-size: 15px; }",
	"#controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }",
	"#search { width: 22em; padding: 3px 6px; font: inherit; }",
	"#match { color: #7b1fa2; }",
	"#info, #crumbs, #detail { margin-top: 5px; }",
	"#info { color: #666; }",
	"#crumbs span { cursor: pointer; color: #0b57d0; }",
	"#crumbs span:hover { text-decoration: underline; }",
	"#crumbs span + span::before { content: ' \\203A  '; color: #999; }",
	"#detail { font-family: ui-monospace, monospace; white-space: pre-wrap;",
	"  word-break: break-all; min-height: 1.3em; }",
	"main { padding: 8px 10px; }",
	"#chart { position: relative; width: 100%; }",
	"/* No padding: a node of 0.1% must stay as narrow as its value. */",
	".node { position: absolute; height: 17px; box-sizing: border-box;",
	"  border-right: 1px solid #fff; overflow: hidden; white-space: nowrap;",
	"  text-overflow: ellipsis; text-indent: 3px; cursor: pointer;",
	"  font: 11px/17px ui-monospace, monospace; }",
	".node:hover { filter: brightness(0.85); }",
	".node.above { opacity: 0.55; }",
	".node.match { background: #e040fb !important; color: #fff; }",
	".node.view { font-weight: bold; }",
	"#help { margin: 0 10px 10px; color: #666; }",
	"</style>",
	"</head>",
	"<body>",
	"<header>",
	NULL
};

/* The controls, the empty chart and the self-test's output. */
static const char *const flame_html_body[] = {
	"<div id=\"controls\">",
	"<input id=\"search\" type=\"search\" placeholder=\"Search function names\"",
	"  autocomplete=\"off\" spellcheck=\"false\">",
	"<button id=\"reset\" type=\"button\">Reset zoom</button>",
	"<span id=\"match\"></span>",
	"</div>",
	"<div id=\"info\"></div>",
	"<nav id=\"crumbs\"></nav>",
	"<div id=\"detail\"></div>",
	"</header>",
	"<main><div id=\"chart\"></div></main>",
	"<p id=\"help\">Click a node to zoom into it; click the root, a breadcrumb or",
	"press Escape to zoom out. The search matches names case-insensitively.",
	"Nodes under 0.1% of the view are not drawn.</p>",
	"<pre id=\"selftest\" hidden></pre>",
	NULL
};

/* The renderer, after the data. */
static const char *const flame_html_script[] = {
	"<script>",
	"(function () {",
	"  'use strict';",
	"  var ROW = 18;         // pixels per level",
	"  var PRUNE = 0.001;    // draw no node under 0.1% of the view",
	"  var el = function (id) { return document.getElementById(id); };",
	"  var chart = el('chart'), detail = el('detail'), crumbs = el('crumbs');",
	"  var search = el('search'), matchLine = el('match'), info = el('info');",
	"  var violations = [];",
	"  document.addEventListener('securitypolicyviolation', function (e) {",
	"    violations.push(e.blockedURI || e.violatedDirective);",
	"  });",
	"",
	"  var doc = JSON.parse(el('flame-data').textContent);",
	"  var unit = String(doc.unit || 'count');",
	"  var nodes = [];       // every node, root first",
	"  var diff = false;     // any negative value: a diff against a base",
	"  var drawn = [];       // what is on screen: {node, div}",
	"  var term = '';        // the search, lower case",
	"  var root, view, denom;",
	"",
	"  // Copy a JSON node (and its subtree) into the model. A node's weight is",
	"  // the width it needs: |value|, or its children's if they need more (in a",
	"  // diff, growth and shrinkage below a node can exceed its net value).",
	"  function build(j, parent, depth) {",
	"    var n = {",
	"      name: j.name == null ? '' : String(j.name),",
	"      value: Number(j.value) || 0, self: Number(j.self) || 0,",
	"      file: j.file, line: j.line, resolved: j.resolved,",
	"      parent: parent, depth: depth, children: [], weight: 0",
	"    };",
	"    var kids = Array.isArray(j.children) ? j.children : [];",
	"    var sum = 0, i, c;",
	"    nodes.push(n);",
	"    if (n.value < 0 || n.self < 0)",
	"      diff = true;",
	"    for (i = 0; i < kids.length; i++) {",
	"      c = build(kids[i] || {}, n, depth + 1);",
	"      n.children.push(c);",
	"      sum += c.weight;",
	"    }",
	"    n.weight = Math.max(Math.abs(n.value), sum);",
	"    return n;",
	"  }",
	"",
	"  // Format v with one decimal below 100 (none when whole), as heaplens does.",
	"  function scaled(v, suffix, space) {",
	"    var a = Math.abs(v);",
	"    return v.toFixed(a >= 100 || a === Math.floor(a) ? 0 : 1) +",
	"      (space ? ' ' : '') + suffix;",
	"  }",
	"",
	"  // Format a value in the profile's unit: bytes as kB/MB (powers of 1024),",
	"  // nanoseconds as us/ms/s, counts as k/M/G.",
	"  function fmt(v) {",
	"    var a = Math.abs(v), units = ['B', 'kB', 'MB', 'GB', 'TB'], i = 0;",
	"    if (unit === 'bytes') {",
	"      for (; a >= 1024 && i + 1 < units.length; i++) {",
	"        a /= 1024;",
	"        v /= 1024;",
	"      }",
	"      return scaled(v, units[i], true);",
	"    }",
	"    if (unit === 'nanoseconds') {",
	"      if (a >= 1e9) return scaled(v / 1e9, 's', true);",
	"      if (a >= 1e6) return scaled(v / 1e6, 'ms', true);",
	"      if (a >= 1e3) return scaled(v / 1e3, 'us', true);",
	"      return scaled(v, 'ns', true);",
	"    }",
	"    var s = a >= 1e9 ? scaled(v / 1e9, 'G') :",
	"      a >= 1e6 ? scaled(v / 1e6, 'M') :",
	"      a >= 1e4 ? scaled(v / 1e3, 'k') : String(v);",
	"    return unit === 'count' ? s : s + ' ' + unit;",
	"  }",
	"",
	"  // Return v as a percentage of the profile's total.",
	"  function pct(v) {",
	"    var p = 100 * v / denom;",
	"    return p.toFixed(Math.abs(p) >= 10 || p === 0 ? 1 : 2) + '%';",
	"  }",
	"",
	"  // Return where a node's cost is: file:line, marked when unresolved.",
	"  function where(n) {",
	"    if (!n.file)",
	"      return '';",
	"    return n.file + (n.line ? ':' + n.line : '') +",
	"      (n.resolved === false ? ' (unresolved)' : '');",
	"  }",
	"",
	"  // Describe a node in one line: name, value, share, self, file:line.",
	"  function describe(n) {",
	"    var s = n.name + ': ' + fmt(n.value) + ' (' + pct(n.value) + ' of total)';",
	"    if (n.parent && n.children.length)",
	"      s += ', self ' + fmt(n.self);",
	"    if (where(n))",
	"      s += ' at ' + where(n);",
	"    return s;",
	"  }",
	"",
	"  // Hash a name to spread colours.",
	"  function hash(s) {",
	"    var h = 0, i;",
	"    for (i = 0; i < s.length; i++)",
	"      h = (h * 31 + s.charCodeAt(i)) | 0;",
	"    return h >>> 0;",
	"  }",
	"",
	"  // Colour a node: warm hues by name; in a diff red for growth and blue for",
	"  // shrinkage, stronger for larger changes.",
	"  function colour(n) {",
	"    var f, l, h;",
	"    if (!n.parent)",
	"      return 'hsl(0, 0%, 82%)';",
	"    if (diff) {",
	"      if (n.value === 0)",
	"        return 'hsl(0, 0%, 88%)';",
	"      f = Math.min(1, Math.abs(n.value) / (root.weight || 1));",
	"      l = 90 - Math.round(40 * Math.sqrt(f));",
	"      return (n.value > 0 ? 'hsl(0, 75%, ' : 'hsl(212, 75%, ') + l + '%)';",
	"    }",
	"    h = hash(n.name);",
	"    return 'hsl(' + (h % 50) + ', ' + (70 + (h >> 8) % 25) + '%, ' +",
	"      (58 + (h >> 16) % 14) + '%)';",
	"  }",
	"",
	"  // Return whether a node matches the search.",
	"  function matches(n) {",
	"    return term !== '' && n.name.toLowerCase().indexOf(term) >= 0;",
	"  }",
	"",
	"  // Add the div of one node at x (fraction of the width) with width w.",
	"  function place(frag, n, x, w, above) {",
	"    var d = document.createElement('div');",
	"    d.className = 'node' + (above ? ' above' : '') +",
	"      (n === view ? ' view' : '') + (matches(n) ? ' match' : '');",
	"    d.style.left = (100 * x) + '%';",
	"    d.style.width = (100 * w) + '%';",
	"    d.style.top = (n.depth * ROW) + 'px';",
	"    d.style.background = colour(n);",
	"    d.textContent = n.name;",
	"    d.title = describe(n);",
	"    d.flameNode = n;",
	"    frag.appendChild(d);",
	"    drawn.push({ node: n, div: d });",
	"  }",
	"",
	"  // Draw the view: its ancestors dimmed at full width above it, then it and",
	"  // its descendants scaled to the width, skipping those under PRUNE.",
	"  function draw() {",
	"    var frag = document.createDocumentFragment();",
	"    var scale = view.weight || 1, min = PRUNE * view.weight, deepest = 0;",
	"    var a;",
	"    function walk(n, x) {",
	"      var i, c, cx = x;",
	"      place(frag, n, x, view.weight ? n.weight / scale : 1, false);",
	"      deepest = Math.max(deepest, n.depth);",
	"      for (i = 0; i < n.children.length; i++) {",
	"        c = n.children[i];",
	"        if (c.weight > 0 && c.weight >= min)",
	"          walk(c, cx);",
	"        cx += c.weight / scale;",
	"      }",
	"    }",
	"    drawn = [];",
	"    for (a = view.parent; a; a = a.parent)",
	"      place(frag, a, 0, 1, true);",
	"    walk(view, 0);",
	"    chart.textContent = '';",
	"    chart.style.height = ((deepest + 1) * ROW) + 'px';",
	"    chart.appendChild(frag);",
	"    info.textContent = (doc.sample_index ? doc.sample_index + ', ' : '') +",
	"      'total ' + fmt(Number(doc.total) || 0) +",
	"      (diff ? ' (a diff: red grew, blue shrank)' : '') +",
	"      ', ' + nodes.length + ' nodes, ' + drawn.length + ' drawn';",
	"  }",
	"",
	"  // Show the path from the root to the view, each step a way back.",
	"  function drawCrumbs() {",
	"    var path = [], n, s, i;",
	"    for (n = view; n; n = n.parent)",
	"      path.unshift(n);",
	"    crumbs.textContent = '';",
	"    for (i = 0; i < path.length; i++) {",
	"      s = document.createElement('span');",
	"      s.textContent = path[i].name;",
	"      s.flameNode = path[i];",
	"      crumbs.appendChild(s);",
	"    }",
	"  }",
	"",
	"  // Zoom into n: it fills the width and its subtree is drawn below it.",
	"  function zoom(n) {",
	"    view = n;",
	"    draw();",
	"    drawCrumbs();",
	"    detail.textContent = describe(n);",
	"  }",
	"",
	"  // Highlight the matches of the search box and total their share; a match",
	"  // under another match is not counted twice.",
	"  function runSearch() {",
	"    var sum = 0, count = 0, i;",
	"    function walk(n, under) {",
	"      var m = matches(n), j;",
	"      if (m) {",
	"        count++;",
	"        if (!under)",
	"          sum += n.value;",
	"      }",
	"      for (j = 0; j < n.children.length; j++)",
	"        walk(n.children[j], under || m);",
	"    }",
	"    term = search.value.trim().toLowerCase();",
	"    for (i = 0; i < drawn.length; i++)",
	"      drawn[i].div.classList.toggle('match', matches(drawn[i].node));",
	"    if (term === '') {",
	"      matchLine.textContent = '';",
	"      return;",
	"    }",
	"    walk(root, false);",
	"    matchLine.textContent = count === 0 ? 'no match' : 'matched ' + count +",
	"      (count === 1 ? ' node: ' : ' nodes: ') + fmt(sum) +",
	"      ' (' + pct(sum) + ' of total)';",
	"  }",
	"",
	"  // Return the node of the element an event happened on, if any.",
	"  function target(e) {",
	"    var t = e.target;",
	"    while (t && !t.flameNode)",
	"      t = t.parentNode;",
	"    return t ? t.flameNode : null;",
	"  }",
	"",
	"  chart.addEventListener('click', function (e) {",
	"    var n = target(e);",
	"    if (n)",
	"      zoom(n);",
	"  });",
	"  crumbs.addEventListener('click', function (e) {",
	"    var n = target(e);",
	"    if (n)",
	"      zoom(n);",
	"  });",
	"  chart.addEventListener('mouseover', function (e) {",
	"    var n = target(e);",
	"    if (n)",
	"      detail.textContent = describe(n);",
	"  });",
	"  chart.addEventListener('mouseleave', function () {",
	"    detail.textContent = describe(view);",
	"  });",
	"  el('reset').addEventListener('click', function () {",
	"    zoom(root);",
	"  });",
	"  search.addEventListener('input', runSearch);",
	"  document.addEventListener('keydown', function (e) {",
	"    if (e.key !== 'Escape')",
	"      return;",
	"    if (document.activeElement === search && search.value !== '') {",
	"      search.value = '';",
	"      runSearch();",
	"    } else {",
	"      zoom(root);",
	"    }",
	"  });",
	"",
	"  // Return the drawn node named name (else the first containing it), the",
	"  // widest if several.",
	"  function find(name) {",
	"    var best = null, i, d;",
	"    function better(d) {",
	"      return !best || d.node.weight > best.node.weight;",
	"    }",
	"    for (i = 0; i < drawn.length; i++) {",
	"      d = drawn[i];",
	"      if (d.node.name === name && better(d))",
	"        best = d;",
	"    }",
	"    for (i = 0; !best && i < drawn.length; i++) {",
	"      d = drawn[i];",
	"      if (d.node.name.indexOf(name) >= 0)",
	"        best = d;",
	"    }",
	"    return best;",
	"  }",
	"",
	"  // Return what the page shows now, for the self-test.",
	"  function state(action) {",
	"    var cw = chart.getBoundingClientRect().width;",
	"    var seen = {}, lit = [], i, d, v = null;",
	"    for (i = 0; i < drawn.length; i++) {",
	"      d = drawn[i];",
	"      if (d.div.classList.contains('match') && !seen[d.node.name]) {",
	"        seen[d.node.name] = true;",
	"        lit.push(d.node.name);",
	"      }",
	"      if (d.node === view && cw > 0)",
	"        v = Math.round(1000 * d.div.getBoundingClientRect().width / cw) / 10;",
	"    }",
	"    return {",
	"      action: action, drawn: drawn.length, highlighted: lit,",
	"      matched: matchLine.textContent, zoomed: view.name, zoomedWidth: v,",
	"      detail: detail.textContent,",
	"      crumbs: Array.prototype.map.call(crumbs.children, function (s) {",
	"        return s.textContent;",
	"      })",
	"    };",
	"  }",
	"",
	"  // Run the actions of a \"#selftest=search:TEXT,click:NAME,hover:NAME,",
	"  // key:Escape\" fragment (arguments percent-encoded as needed) as a user",
	"  // would, and write the page's state after each into #selftest as JSON.",
	"  function selftest(spec) {",
	"    var out = {",
	"      nodes: nodes.length, drawn: drawn.length, diff: diff,",
	"      steps: [], errors: []",
	"    };",
	"    var actions = spec.split(','), i, verb, arg, d, k;",
	"    for (i = 0; i < actions.length; i++) {",
	"      k = actions[i].indexOf(':');",
	"      verb = k < 0 ? actions[i] : actions[i].slice(0, k);",
	"      try {",
	"        arg = k < 0 ? '' : decodeURIComponent(actions[i].slice(k + 1));",
	"        if (verb === 'search') {",
	"          search.value = arg;",
	"          search.dispatchEvent(new Event('input'));",
	"        } else if (verb === 'click' || verb === 'hover') {",
	"          d = find(arg);",
	"          if (!d)",
	"            throw new Error('no drawn node named ' + arg);",
	"          d.div.dispatchEvent(new MouseEvent(",
	"            verb === 'click' ? 'click' : 'mouseover', { bubbles: true }));",
	"        } else if (verb === 'key') {",
	"          document.dispatchEvent(new KeyboardEvent('keydown',",
	"            { key: arg, bubbles: true }));",
	"        } else {",
	"          throw new Error('unknown action ' + verb);",
	"        }",
	"      } catch (e) {",
	"        out.errors.push(actions[i] + ': ' + e.message);",
	"      }",
	"      out.steps.push(state(actions[i]));",
	"    }",
	"    out.violations = violations;",
	"    // The policy reports violations in tasks of their own: write the",
	"    // outcome once the page has loaded and they had their turn.",
	"    function report() {",
	"      setTimeout(function () {",
	"        el('selftest').textContent = JSON.stringify(out);",
	"      }, 0);",
	"    }",
	"    if (document.readyState === 'complete')",
	"      report();",
	"    else",
	"      window.addEventListener('load', report);",
	"  }",
	"",
	"  try {",
	"    root = build(doc.root || { name: 'root' }, null, 0);",
	"    denom = Math.abs(Number(doc.total) || 0) || root.weight || 1;",
	"    zoom(root);",
	"    if (location.hash.indexOf('#selftest=') === 0)",
	"      selftest(location.hash.slice('#selftest='.length));",
	"  } catch (e) {",
	"    detail.textContent = 'cannot draw the flame graph: ' + e.message;",
	"    el('selftest').textContent =",
	"      JSON.stringify({ errors: [String(e.message)] });",
	"  }",
	"})();",
	"</script>",
	"</body>",
	"</html>",
	NULL
};

/* Write lines, each followed by a newline. */
static void
flame_html_lines(FILE *out, const char *const *lines)
{
	for (; *lines != NULL; lines++) {
		fputs(*lines, out);
		fputc('\n', out);
	}
}

/* Write s as HTML text (escaped so that it is never markup). */
static void
flame_html_text(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		default:
			fputc(*s, out);
			break;
		}
	}
}

/*
 * Write a chunk of JSON text for a <script> element (json_dump_callback's
 * callback). jansson writes '<', '>' and '&' only as themselves inside
 * strings, never within an escape, so replacing them with their \u escapes
 * keeps the JSON equal and leaves no "</script" or "<!--" in the element.
 */
static int
flame_html_json_chunk(const char *buf, size_t size, void *data)
{
	FILE *out = data;
	size_t i;

	for (i = 0; i < size; i++) {
		switch (buf[i]) {
		case '<':
			fputs("\\u003c", out);
			break;
		case '>':
			fputs("\\u003e", out);
			break;
		case '&':
			fputs("\\u0026", out);
			break;
		default:
			fputc(buf[i], out);
			break;
		}
	}
	return ferror(out) ? -1 : 0;
}

/* Write the page for doc to out; see flame-html.h. */
int
flame_html_write(FILE *out, const char *title, json_t *doc, char **cause)
{
	if (title == NULL)
		title = "heaplens flame graph";
	if (!json_is_object(doc))
		return set_cause(cause, "the flame tree is not a JSON object");
	flame_html_lines(out, flame_html_head);
	fputs("<title>", out);
	flame_html_text(out, title);
	fputs("</title>\n", out);
	flame_html_lines(out, flame_html_style);
	fputs("<h1>", out);
	flame_html_text(out, title);
	fputs("</h1>\n", out);
	flame_html_lines(out, flame_html_body);
	fputs("<script id=\"flame-data\" type=\"application/json\">", out);
	if (json_dump_callback(doc, flame_html_json_chunk, out,
	    JSON_COMPACT | JSON_ESCAPE_SLASH) != 0 && !ferror(out))
		return set_cause(cause, "cannot encode the flame tree as JSON");
	fputs("</script>\n", out);
	flame_html_lines(out, flame_html_script);
	if (fflush(out) != 0 || ferror(out))
		return set_cause(cause, "cannot write the HTML page: %s",
		    strerror(errno));
	return 0;
}
