-- nvim-test.lua - the Neovim plugin against a real heaplens, run by
-- tests/editors/nvim.sh as `nvim --headless -u NONE` with editors/nvim on
-- the runtimepath. Every expectation comes from the heaplens CLI on the same
-- files (lines --json, check --json, flame --json, escape --json, gctrace
-- --json, goroutines --json), never from guesses.
--
-- Environment: HEAPLENS (the command, maybe a valgrind wrapper), HEAPLENS_WS
-- (a private workspace: go.mod, escapes/, bodyleak/, internal/, prof/ with
-- allocs.pb.gz, art/escape-json: the compiler's escape analysis of escapes/,
-- base.heap: a heap profile no glob matches, goroutineleak/ with
-- art/goroutines/goroutine.txt and its older goroutine-base.txt,
-- art/cache/gctrace.log: cacheleak's growing trace), HEAPLENS_CPU (a
-- CPU profile to add to prof/ on the way), HEAPLENS_OUT (where results go: "ok\tNAME",
-- "not ok\tNAME\tDETAIL..." or "skip\tNAME\tREASON" per line, then "done"),
-- HEAPLENS_WAIT (milliseconds to wait for the server, default 20000),
-- HEAPLENS_GOPLS (gopls to run beside heaplens, as users do; empty: none).
local ws = assert(os.getenv('HEAPLENS_WS'), 'HEAPLENS_WS')
local out = assert(io.open(assert(os.getenv('HEAPLENS_OUT')), 'w'))
local hl = vim.split(assert(os.getenv('HEAPLENS'), 'HEAPLENS'), '%s+',
  { trimempty = true })
local WAIT = tonumber(os.getenv('HEAPLENS_WAIT') or '') or 20000
local PROFILE = ws .. '/prof/allocs.pb.gz'
local ESCAPES = ws .. '/art/escape-json'
local HOT = 10 -- the test's hotThreshold: not the default, so settings count

-- Write one result line.
local function report(status, name, detail)
  local line = status .. '\t' .. name
  if detail then
    line = line .. '\t' .. tostring(detail):gsub('[\t\n]', ' ')
  end
  out:write(line .. '\n')
  out:flush()
end

-- Report NAME as passed when cond holds, else failed with detail.
local function check(name, cond, detail)
  if cond then
    report('ok', name)
  else
    report('not ok', name, detail or 'condition false')
  end
  return cond
end

-- Wait up to WAIT ms for cond() to hold; returns whether it did.
local function wait(cond, ms)
  return vim.wait(ms or WAIT, function()
    local ok, v = pcall(cond)
    return ok and v
  end, 50)
end

-- Run the heaplens CLI in the workspace and return its standard output.
local function cli_text(args)
  local argv = vim.list_extend(vim.deepcopy(hl), args)
  local quoted = vim.tbl_map(vim.fn.shellescape, argv)
  local pipe = io.popen('cd ' .. vim.fn.shellescape(ws) .. ' && '
    .. table.concat(quoted, ' ') .. ' 2>/dev/null')
  local text = pipe:read('*a')
  pipe:close()
  return text
end

-- Run the heaplens CLI in the workspace and decode its JSON output.
local function cli(args)
  local text = cli_text(args)
  local ok, value = pcall(vim.fn.json_decode, text)
  if not ok or type(value) ~= 'table' then
    return nil, text
  end
  return value
end

-- Return a percentage formatted as the server's labels are.
local function pct_text(v, total)
  return string.format('%.1f%%', 100 * v / total)
end

-- Return the sorted keys of a set, as a string for messages.
local function show(set)
  local keys = vim.tbl_keys(set)
  table.sort(keys)
  return '{' .. table.concat(keys, ',') .. '}'
end

-- Return whether two sets have the same keys.
local function same_keys(a, b)
  for k in pairs(a) do
    if b[k] == nil then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end

-- Return the expected labels of file's lines from `heaplens lines --json`:
-- { [0-based line] = { pct = text, value = pct } } for lines with flat
-- cost, and the decoded output.
local function expected_costs(file, sample_index)
  local args = { 'lines', '--json', PROFILE }
  if sample_index then
    table.insert(args, 2, sample_index)
    table.insert(args, 2, '--sample-index')
  end
  local lines = assert(cli(args), 'heaplens lines --json failed')
  local want = {}
  for _, l in ipairs(lines.lines) do
    if l.file:sub(-#file - 1) == '/' .. file and l.flat ~= 0 then
      want[l.line - 1] = { text = pct_text(l.flat, lines.total),
        pct = 100 * l.flat / lines.total }
    end
  end
  return want, lines
end

-- Return bufnr's cost labels: { [0-based line] = { text, group } }.
local function drawn_costs(bufnr)
  local costs = require('heaplens.costs')
  local got = {}
  local marks = vim.api.nvim_buf_get_extmarks(bufnr, costs.namespace, 0, -1,
    { details = true })
  for _, m in ipairs(marks) do
    local chunk = m[4].virt_text and m[4].virt_text[1]
    if chunk then
      got[m[2]] = { text = chunk[1], group = chunk[2] }
    end
  end
  return got
end

-- Return whether bufnr's labels are on exactly the wanted lines, each with
-- the wanted percentage.
local function costs_match(bufnr, want)
  local got = drawn_costs(bufnr)
  if not same_keys(got, want) then
    return false
  end
  for line, w in pairs(want) do
    if not got[line].text:find('(' .. w.text .. ')', 1, true) then
      return false
    end
  end
  return true
end

-- Return heaplens's escape-site diagnostics of bufnr (code escape), a list.
local function escape_diagnostics(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'heaplens' and d.code == 'escape' then
      table.insert(got, d)
    end
  end
  return got
end

-- Return heaplens's other diagnostics of bufnr (hot-alloc, growth, leak
-- checks): { [0-based line] = diagnostic }.
local function heaplens_diagnostics(bufnr)
  local got = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'heaplens' and d.code ~= 'escape' then
      got[d.lnum] = d
    end
  end
  return got
end

-- Return the escape sites `heaplens escape --json --profile` lists for
-- file (a path ending in /FILE): { line, col, kind, message } with line and
-- col 0-based, col in bytes (the compiler's column less one); and the CLI's
-- text output, which carries the costs as the server words them.
local function expected_sites(file)
  local args = { 'escape', '--json', '--profile', PROFILE, ESCAPES }
  local json = assert(cli(args), 'heaplens escape --json failed')
  local want = {}
  for _, s in ipairs(json.sites) do
    if s.source and s.source:sub(-#file - 1) == '/' .. file then
      table.insert(want, { line = s.line - 1, col = s.col - 1,
        kind = s.kind, message = s.message })
    end
  end
  table.remove(args, 2)
  return want, cli_text(args)
end

-- Return the kind (escape, moved, leak) the server put in a diagnostic's
-- data.
local function site_kind(d)
  local lsp = d.user_data and d.user_data.lsp or {}
  return lsp.data and lsp.data.kind
end

-- Return whether diagnostic d is the escape site w: the same line, byte
-- column, kind and message (followed by the cost of the line, if any).
local function is_site(d, w)
  return d.lnum == w.line and d.col == w.col and site_kind(d) == w.kind
    and (d.message == w.message
      or vim.startswith(d.message, w.message .. ' — '))
end

-- Pair the expected sites with the diagnostics one to one: returns the
-- sites no diagnostic matches and the diagnostics left over.
local function match_sites(want, got)
  local used, missing, extra = {}, {}, {}
  for _, w in ipairs(want) do
    local hit
    for i, d in ipairs(got) do
      if not used[i] and is_site(d, w) then
        hit = i
        break
      end
    end
    if hit then
      used[hit] = true
    else
      table.insert(missing, w)
    end
  end
  for i, d in ipairs(got) do
    if not used[i] then
      table.insert(extra, d)
    end
  end
  return missing, extra
end

-- Describe sites or diagnostics for a failure message: "line:col message",
-- 1-based as the compiler prints them.
local function show_sites(list)
  local out = {}
  for _, x in ipairs(list) do
    table.insert(out, string.format('%d:%d %s', (x.line or x.lnum) + 1,
      x.col + 1, x.message))
  end
  return table.concat(out, '; ')
end

-- Find, depth first, the first node named name in a --json flame tree,
-- skipping subtrees under min (the view leaves them out).
local function find_node(node, name, min)
  if math.abs(node.value) < min then
    return nil
  end
  if node.name == name then
    return node
  end
  for _, child in ipairs(node.children or {}) do
    local hit = find_node(child, name, min)
    if hit then
      return hit
    end
  end
  return nil
end

-- Return the line (1-based) of the first flame row naming name, or nil.
local function flame_row(buf, name)
  for i, text in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s, e = text:find(' ' .. name, 1, true)
    if s and (e == #text or text:sub(e + 1, e + 2) == '  ') then
      return i
    end
  end
  return nil
end

-- Press <CR> on line lnum of the current (flame) window.
local function press_enter(lnum)
  vim.api.nvim_win_set_cursor(0, { lnum, 0 })
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<CR>', true, false,
    true), 'x', false)
end

-- Return the real path of the current buffer's file.
local function current_file()
  local name = vim.api.nvim_buf_get_name(0)
  return vim.loop.fs_realpath(name) or name
end

-- Escape sites: every site the CLI lists for escapes/main.go is a
-- diagnostic on its line and byte column as vim.diagnostic holds it (lnum,
-- col: 0-based, bytes), non-ASCII lines included; the moved e carries its
-- cost; the hover of its line explains it.
local function check_escapes(client, bufnr)
  local heaplens = require('heaplens')
  local want, text = expected_sites('escapes/main.go')
  local kinds = {}
  for _, w in ipairs(want) do
    kinds[w.kind] = true
  end
  check('heaplens escape --json lists sites of escapes/main.go (escape, '
    .. 'moved, leak)', kinds.escape and kinds.moved and kinds.leak,
    show(kinds))
  wait(function() return #escape_diagnostics(bufnr) == #want end)
  local got = escape_diagnostics(bufnr)
  local missing, extra = match_sites(want, got)
  check(string.format('each of the %d escape sites is a diagnostic at its '
    .. 'line and byte column', #want), #want > 0 and #missing == 0
      and #extra == 0,
    'missing ' .. show_sites(missing) .. ' / extra ' .. show_sites(extra))
  local info = #got > 0
  for _, d in ipairs(got) do
    info = info and d.severity == vim.diagnostic.severity.INFO
  end
  check('escape sites are Information diagnostics', info)

  -- The sites after non-ASCII text: their byte column is not their UTF-16
  -- column, so a conversion left out (or done twice) moves them.
  local wide, lines, wide_ok = {}, {}, true
  for _, w in ipairs(want) do
    local line = vim.api.nvim_buf_get_lines(bufnr, w.line, w.line + 1,
      false)[1] or ''
    local units = vim.str_utfindex(line, w.col)
    if units ~= w.col then
      table.insert(wide, w)
      lines[w.line + 1] = true
      local ok_here = false
      for _, d in ipairs(got) do
        ok_here = ok_here or is_site(d, w)
      end
      wide_ok = wide_ok and ok_here
    end
  end
  check('the sites after non-ASCII text (lines ' .. show(lines) .. ') sit '
    .. 'at byte columns, not UTF-16 ones', #wide > 0 and lines[82]
      and lines[135] and wide_ok, show_sites(wide) .. ' got '
      .. show_sites(got))

  -- The cost, as `heaplens escape --profile` words it.
  local cost
  for _, l in ipairs(vim.split(text, '\n')) do
    cost = cost or l:match('escapes/main%.go:34:2: moved to heap: e — (.-) '
      .. '%[moved%]$')
  end
  local moved
  for _, d in ipairs(got) do
    if d.lnum == 33 and vim.startswith(d.message, 'moved to heap: e') then
      moved = d
    end
  end
  check('moved to heap: e says what the CLI\'s --profile says: '
    .. tostring(cost), cost ~= nil and moved ~= nil
      and moved.message == 'moved to heap: e — ' .. cost,
    moved and moved.message or 'no diagnostic')

  -- The hover of line 34, through Neovim's own hover handler.
  local result = heaplens.request_sync(client, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = 33, character = 1 } }, WAIT, bufnr)
  local _, win = vim.lsp.handlers['textDocument/hover'](nil, result,
    { method = 'textDocument/hover', client_id = client.id, bufnr = bufnr },
    {})
  local hover = win and table.concat(vim.api.nvim_buf_get_lines(
    vim.api.nvim_win_get_buf(win), 0, -1, false), '\n') or ''
  check('the hover of line 34 explains the site: Escape analysis, '
    .. 'from &e (address-of)', hover:find('Escape analysis', 1, true)
      and hover:find('from &e (address-of)', 1, true), hover)
  if win then
    vim.api.nvim_win_close(win, true)
  end
end

-- What the program said while it ran: the growing GC trace's warning (a
-- window/showMessage through vim.notify) and :HeaplensGC; the goroutine
-- groups of the newer dump against the base as goroutine-leak warnings
-- where they block and where they start, and :HeaplensGoroutines, whose
-- <CR> opens the blocking line. Expectations from heaplens gctrace --json
-- and heaplens goroutines --json --base on the same files.
local function check_runtime(main_win, notes)
  local trace = ws .. '/art/cache/gctrace.log'
  local gc = cli({ 'gctrace', '--json', trace })
  local trend = gc and gc.trend or {}
  check('heaplens gctrace --json finds cacheleak\'s live heap growing',
    trend.verdict == 'growing' and type(trend.reason) == 'string',
    vim.inspect(trend))
  local warning = 'heaplens: ' .. trace .. ': the live heap is growing: '
    .. tostring(trend.reason)
  wait(function()
    for _, n in ipairs(notes) do
      if n.msg == warning then
        return true
      end
    end
  end)
  local level
  for _, n in ipairs(notes) do
    if n.msg == warning then
      level = n.level
    end
  end
  check('the growing trace\'s window/showMessage reaches vim.notify as a '
    .. 'warning', level == vim.log.levels.WARN,
    'want ' .. warning .. ' got ' .. vim.inspect(notes))

  vim.api.nvim_set_current_win(main_win)
  vim.cmd('HeaplensGC')
  local float
  wait(function()
    for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
    return false
  end)
  local text = float and table.concat(vim.api.nvim_buf_get_lines(
    vim.api.nvim_win_get_buf(float), 0, -1, false), '\n') or ''
  check(':HeaplensGC shows the trace\'s cycles, live heap and verdict: '
    .. 'growing', text:find('art/cache/gctrace.log', 1, true)
      and text:find(tostring(gc and gc.cycles) .. ' cycles', 1, true)
      and text:find(string.format('live heap %s -> %s MB',
        gc and gc.live_mb[1], gc and gc.live_mb[#gc.live_mb]), 1, true)
      and text:find('growing: ' .. tostring(trend.reason), 1, true), text)
  if float then
    vim.api.nvim_win_close(float, true)
  end
  vim.api.nvim_set_current_win(main_win)

  -- The goroutine-leak diagnostics, as the server words them from the
  -- CLI's groups: on the blocking line and on the creating one.
  local dir = ws .. '/art/goroutines/'
  local dumps = cli({ 'goroutines', '--json', '--base',
    dir .. 'goroutine-base.txt', dir .. 'goroutine.txt' })
  local want, blocked = {}, nil
  for _, g in ipairs(dumps and dumps.groups or {}) do
    local b, c = g.blocked_at, g.created_at
    if type(b) == 'table' and type(c) == 'table'
        and vim.endswith(b.file, '/goroutineleak/main.go')
        and (g.growth or 0) > 0 then
      blocked = blocked or { group = g, line = b.line }
      local since = string.format(' — +%d since goroutine-base.txt '
        .. '[goroutine.txt]', g.growth)
      want[b.line - 1] = string.format('%d goroutines blocked in %s here '
        .. '(created at main.go:%d)%s', g.count, g.state, c.line, since)
      want[c.line - 1] = string.format('%d goroutines started here are '
        .. 'blocked in %s at main.go:%d%s', g.count, g.state, b.line, since)
    end
  end
  check('heaplens goroutines --json: a group blocked at goroutineleak/'
    .. 'main.go:45 and started at :44, grown since the base',
    want[44] ~= nil and want[43] ~= nil, vim.inspect(dumps))
  local leak_go = ws .. '/goroutineleak/main.go'
  vim.cmd('edit ' .. vim.fn.fnameescape(leak_go))
  local leak_buf = vim.api.nvim_get_current_buf()
  local function leaks()
    local got = {}
    for _, d in ipairs(vim.diagnostic.get(leak_buf)) do
      if d.source == 'heaplens' and d.code == 'goroutine-leak' then
        got[d.lnum] = d
      end
    end
    return got
  end
  wait(function() return same_keys(leaks(), want) end)
  local got = leaks()
  local ok_msgs = vim.tbl_count(want) > 0 and same_keys(got, want)
  for line, msg in pairs(want) do
    ok_msgs = ok_msgs and got[line].message == msg
      and got[line].severity == vim.diagnostic.severity.WARN
  end
  local seen = {}
  for line, d in pairs(got) do
    seen[line + 1] = d.message
  end
  check('goroutine-leak warnings on goroutineleak/main.go:45 and :44 say '
    .. 'what the CLI counts', ok_msgs, 'want ' .. vim.inspect(want)
      .. ' got ' .. vim.inspect(seen))
  vim.cmd('buffer #')

  -- :HeaplensGoroutines: the group's row, and <CR> on it.
  local gbuf
  vim.cmd('HeaplensGoroutines')
  local fn = blocked and blocked.group['function'] or '?'
  local function row_of()
    for i, t in ipairs(vim.api.nvim_buf_get_lines(gbuf, 0, -1, false)) do
      if t:find(fn, 1, true) then
        return i, t
      end
    end
  end
  wait(function()
    gbuf = vim.api.nvim_get_current_buf()
    return vim.bo[gbuf].filetype == 'heaplens-goroutines' and row_of()
  end)
  local row, row_text = nil, ''
  if vim.bo[gbuf].filetype == 'heaplens-goroutines' then
    row, row_text = row_of()
  end
  check(':HeaplensGoroutines lists the suspect group with its count, first',
    blocked and row == 3 and row_text:find('^! +' .. blocked.group.count
      .. ' ') ~= nil, table.concat(vim.api.nvim_buf_get_lines(gbuf, 0, -1,
      false), '\n'))
  if row then
    press_enter(row)
    check('<CR> on the group lands on goroutineleak/main.go:'
      .. blocked.line, current_file() == leak_go
        and vim.api.nvim_win_get_cursor(0)[1] == blocked.line
        and vim.api.nvim_get_current_win() == main_win,
      current_file() .. ':' .. vim.api.nvim_win_get_cursor(0)[1])
    local gwin = vim.fn.bufwinid(gbuf)
    if gwin ~= -1 then
      vim.api.nvim_win_close(gwin, true)
    end
  end
  vim.api.nvim_set_current_win(main_win)
  vim.cmd('buffer ' .. vim.fn.fnameescape(ws .. '/escapes/main.go'))
end

local function run()
  local main_go = ws .. '/escapes/main.go'
  local body_go = ws .. '/bodyleak/main.go'

  -- What the plugin tells the user, window/showMessage included.
  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg, level, opts)
    table.insert(notes, { msg = msg, level = level })
    return notify(msg, level, opts)
  end

  vim.cmd('filetype on')
  vim.cmd('runtime plugin/heaplens.lua')
  check('plugin/heaplens.lua defines the commands',
    vim.fn.exists(':HeaplensFlame') == 2
      and vim.fn.exists(':HeaplensSampleIndex') == 2
      and vim.fn.exists(':HeaplensBase') == 2
      and vim.fn.exists(':HeaplensStatus') == 2
      and vim.fn.exists(':HeaplensGC') == 2
      and vim.fn.exists(':HeaplensGoroutines') == 2)
  check('highlight groups are defined',
    vim.fn.hlexists('HeaplensCostHot') == 1
      and vim.fn.hlexists('HeaplensCostCold') == 1)

  -- gopls first, started on Go buffers the way a user's config does.
  local gopls_cmd = os.getenv('HEAPLENS_GOPLS') or ''
  local gopls
  if gopls_cmd ~= '' then
    vim.api.nvim_create_autocmd('FileType', {
      pattern = 'go',
      callback = function(args)
        gopls = gopls or vim.lsp.start_client({ name = 'gopls',
          cmd = { gopls_cmd }, root_dir = ws })
        vim.lsp.buf_attach_client(args.buf, gopls)
      end,
    })
  end

  -- A wrapper (valgrind) is passed as cmd; a plain binary is found on PATH.
  local heaplens = require('heaplens')
  heaplens.setup({
    cmd = #hl > 1 and hl or nil,
    settings = { hotThreshold = HOT },
  })
  check('heaplens is found as the server command',
    vim.fn.executable(heaplens.cmd()[1]) == 1, vim.inspect(heaplens.cmd()))

  vim.cmd('edit ' .. vim.fn.fnameescape(main_go))
  local main_buf = vim.api.nvim_get_current_buf()
  local main_win = vim.api.nvim_get_current_win()
  local client
  wait(function()
    client = heaplens.client(main_buf)
    return client and vim.lsp.buf_is_attached(main_buf, client.id)
      and #heaplens.buffers(client.id) > 0
  end)
  if not check('a heaplens client attaches to escapes/main.go',
      client ~= nil and vim.lsp.buf_is_attached(main_buf, client.id)) then
    return
  end
  check('the client is named heaplens and rooted at the go.mod directory',
    client.name == 'heaplens' and client.config.root_dir == ws,
    tostring(client.name) .. ' ' .. tostring(client.config.root_dir))
  if gopls_cmd == '' then
    report('skip', 'gopls attaches beside heaplens',
      'gopls not installed (or HEAPLENS_GOPLS empty)')
  else
    -- Active clients are the initialized ones.
    local function running(id)
      for _, c in ipairs(vim.lsp.get_active_clients()) do
        if c.id == id then
          return true
        end
      end
      return false
    end
    wait(function() return gopls and running(gopls) end)
    check('gopls attaches beside heaplens, each its own client',
      gopls ~= nil and gopls ~= client.id and running(gopls)
        and running(client.id)
        and vim.lsp.buf_is_attached(main_buf, gopls)
        and vim.lsp.buf_is_attached(main_buf, client.id)
        and heaplens.client(main_buf).id == client.id)
  end

  -- Line costs: a label at the end of every line with a flat cost.
  local want, lines = expected_costs('escapes/main.go')
  check('heaplens lines --json names lines of escapes/main.go',
    vim.tbl_count(want) > 0, show(want))
  wait(function() return costs_match(main_buf, want) end)
  local got = drawn_costs(main_buf)
  check('line costs are drawn on the lines heaplens lines names',
    same_keys(got, want), 'want ' .. show(want) .. ' got ' .. show(got))
  local labels_ok, why = true, ''
  for line, w in pairs(want) do
    local g = got[line]
    local group = require('heaplens.costs').group(w.pct)
    if g == nil or not g.text:find('(' .. w.text .. ')', 1, true)
        or g.group ~= group then
      labels_ok = false
      why = string.format('line %d: want %s in %s, got %s', line + 1,
        w.text, group, vim.inspect(g))
    end
  end
  check('each label has the line\'s percentage and heat group', labels_ok,
    why)
  local result = require('heaplens.costs').result(main_buf)
  check('the costs are of the CLI\'s default sample type',
    result and result.sampleIndex == lines.sample_index,
    vim.inspect(result and result.sampleIndex))

  -- Diagnostics come through Neovim's own client: hot-alloc at or above
  -- the hotThreshold the plugin passed on.
  local want_diag = {}
  for line, w in pairs(want) do
    if math.abs(w.pct) >= HOT then
      want_diag[line] = true
    end
  end
  wait(function()
    return same_keys(heaplens_diagnostics(main_buf), want_diag)
  end)
  local diags = heaplens_diagnostics(main_buf)
  check('hot-alloc diagnostics on the lines at or above hotThreshold',
    vim.tbl_count(want_diag) > 0 and same_keys(diags, want_diag),
    'want ' .. show(want_diag) .. ' got ' .. show(diags))
  local kinds_ok = true
  for _, d in pairs(diags) do
    kinds_ok = kinds_ok and d.code == 'hot-alloc'
      and d.severity == vim.diagnostic.severity.INFO
  end
  check('they (all but the escape sites) are hot-alloc Information '
    .. 'diagnostics', kinds_ok)

  check_escapes(client, main_buf)

  -- A second file of the module: the same client, and its leak finding.
  vim.cmd('edit ' .. vim.fn.fnameescape(body_go))
  local body_buf = vim.api.nvim_get_current_buf()
  wait(function() return vim.lsp.buf_is_attached(body_buf, client.id) end)
  local count = 0
  for _, c in pairs(vim.lsp.get_active_clients()) do
    if c.name == 'heaplens' then
      count = count + 1
    end
  end
  check('bodyleak/main.go reuses the module\'s heaplens client',
    vim.lsp.buf_is_attached(body_buf, client.id) and count == 1,
    count .. ' heaplens clients')
  local findings = assert(cli({ 'check', '--json', 'bodyleak' }),
    'heaplens check --json failed').findings
  local want_leak = {}
  for _, f in ipairs(findings) do
    want_leak[f.line - 1] = f.check
  end
  wait(function()
    return same_keys(heaplens_diagnostics(body_buf), want_leak)
  end)
  local leak = heaplens_diagnostics(body_buf)
  local leak_ok = vim.tbl_count(want_leak) > 0 and same_keys(leak, want_leak)
  for line, id in pairs(want_leak) do
    leak_ok = leak_ok and leak[line].code == id
      and leak[line].severity == vim.diagnostic.severity.WARN
  end
  check('leak-pattern warnings on the lines heaplens check names', leak_ok,
    'want ' .. vim.inspect(want_leak) .. ' got ' .. show(leak))
  vim.cmd('buffer ' .. main_buf)

  -- Another sample type: the labels follow it.
  local want_obj = expected_costs('escapes/main.go', 'alloc_objects')
  vim.cmd('HeaplensSampleIndex alloc_objects')
  wait(function()
    local r = require('heaplens.costs').result(main_buf)
    return r and r.sampleIndex == 'alloc_objects'
      and costs_match(main_buf, want_obj)
  end)
  check(':HeaplensSampleIndex alloc_objects redraws the labels',
    costs_match(main_buf, want_obj), 'want ' .. show(want_obj) .. ' got '
      .. show(drawn_costs(main_buf)))
  vim.cmd('HeaplensSampleIndex ' .. lines.sample_index)
  wait(function() return costs_match(main_buf, want) end)
  check(':HeaplensSampleIndex ' .. lines.sample_index .. ' goes back',
    costs_match(main_buf, want))

  -- New evidence: a profile the service writes while the editor is open.
  -- The labels are wiped first, so only heaplens/evidenceChanged (the
  -- server's notice of the new profile) can bring them back.
  require('heaplens.costs').clear(main_buf)
  local tmp = ws .. '/prof/.cpu.tmp'
  assert(vim.loop.fs_copyfile(os.getenv('HEAPLENS_CPU'), tmp))
  assert(vim.loop.fs_rename(tmp, ws .. '/prof/cpu.pb.gz'))
  wait(function() return costs_match(main_buf, want) end)
  check('heaplens/evidenceChanged after a new profile redraws the labels',
    costs_match(main_buf, want), show(drawn_costs(main_buf)))

  -- A base profile: the server holds it as the base, then lets it go.
  local function bases()
    local st = heaplens.request_sync(client, 'heaplens/status', nil, WAIT)
    local n = 0
    for _, input in ipairs(st and st.inputs or {}) do
      n = n + (input.role == 'base' and 1 or 0)
    end
    return n
  end
  vim.cmd('HeaplensBase ' .. vim.fn.fnameescape(ws .. '/base.heap'))
  wait(function() return bases() == 1 end)
  check(':HeaplensBase FILE makes FILE the base', bases() == 1)
  vim.cmd('HeaplensBase!')
  wait(function() return bases() == 0 end)
  check(':HeaplensBase! drops it', bases() == 0)

  -- Status in a float.
  vim.cmd('HeaplensStatus')
  local float
  wait(function()
    for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
      if vim.api.nvim_win_get_config(w).relative ~= '' then
        float = w
        return true
      end
    end
    return false
  end)
  local text = float and table.concat(vim.api.nvim_buf_get_lines(
    vim.api.nvim_win_get_buf(float), 0, -1, false), '\n') or ''
  check(':HeaplensStatus shows the loaded profile in a float',
    text:find('prof/allocs.pb.gz', 1, true) ~= nil
      and text:find('sample index ' .. lines.sample_index, 1, true) ~= nil,
    text)
  if float then
    vim.api.nvim_win_close(float, true)
  end
  vim.api.nvim_set_current_win(main_win)

  -- The flame view, drawn from a tree of the contract's shape built from
  -- the CLI's lines: rows, and <CR> on a node into its line.
  local hottest
  for _, l in ipairs(lines.lines) do
    if l.file:sub(-16) == '/escapes/main.go' and (hottest == nil
        or l.flat > hottest.flat) then
      hottest = l
    end
  end
  local flame = require('heaplens.flame')
  local loc = function(line)
    return { uri = vim.uri_from_fname(main_go), range = {
      start = { line = line - 1, character = 0 },
      ['end'] = { line = line - 1, character = 0 } } }
  end
  local given = {
    sampleIndex = lines.sample_index, unit = lines.unit,
    total = lines.total, profile = vim.uri_from_fname(PROFILE),
    root = { name = 'root', value = lines.total, self = 0, children = {
      { name = 'main.main', value = hottest.cum, self = 0,
        location = loc(hottest.line + 1), children = {
          { name = hottest['function'], value = hottest.flat,
            self = hottest.flat, location = loc(hottest.line),
            children = {} },
          { name = 'runtime.unresolved', value = hottest.flat, self = 0,
            children = {} },
        } },
    } },
  }
  local fbuf = flame.show(client.id, {}, given, main_win)
  local row = flame_row(fbuf, hottest['function'])
  check('the flame view has a row for each node', row ~= nil
    and flame_row(fbuf, 'main.main') ~= nil and flame_row(fbuf, 'root'),
    table.concat(vim.api.nvim_buf_get_lines(fbuf, 0, -1, false), '\n'))
  local row_text = row and vim.api.nvim_buf_get_lines(fbuf, row - 1, row,
    false)[1] or ''
  check('a row shows a bar, the value and the percentage',
    row_text:find('█', 1, true) ~= nil and row_text:find(
      pct_text(hottest.flat, lines.total), 1, true) ~= nil, row_text)
  if row then
    press_enter(flame_row(fbuf, 'runtime.unresolved'))
    check('<CR> on a node without a location stays in the view',
      vim.api.nvim_get_current_buf() == fbuf)
    press_enter(row)
    check('<CR> jumps to the node\'s file and line in the previous window',
      vim.api.nvim_get_current_win() == main_win
        and current_file() == main_go
        and vim.api.nvim_win_get_cursor(0)[1] == hottest.line,
      current_file() .. ':' .. vim.api.nvim_win_get_cursor(0)[1])
  end
  -- The contract's empty tree (nothing loaded) says so.
  flame.show(client.id, {}, { sampleIndex = 'cpu', unit = 'nanoseconds',
    total = 0, root = { name = 'root', value = 0, self = 0,
    children = {} } }, main_win)
  local empty = table.concat(vim.api.nvim_buf_get_lines(fbuf, 0, -1, false),
    '\n')
  check('an empty tree says there are no samples',
    empty:find('no samples', 1, true) ~= nil, empty)
  flame.close(fbuf)
  vim.api.nvim_set_current_win(main_win)

  -- The server's own tree, when it answers heaplens/flameGraph.
  local _, err = heaplens.request_sync(client, 'heaplens/flameGraph', nil,
    WAIT, main_buf)
  if err and err.code == -32601 then
    report('skip', 'heaplens/flameGraph from the server',
      'heaplens/flameGraph not available')
    print('skip: heaplens/flameGraph not available')
  else
    local tree = cli({ 'flame', '--json', PROFILE })
    local min = heaplens.config.flame.min_percent / 100
    local node = tree and find_node(tree.root, hottest['function'],
      min * math.abs(tree.total))
    local want_line = node and node.line or hottest.line
    local done = false
    vim.cmd('HeaplensFlame')
    local sbuf
    wait(function()
      sbuf = vim.api.nvim_get_current_buf()
      return vim.bo[sbuf].filetype == 'heaplens-flame'
        and flame_row(sbuf, hottest['function']) ~= nil
    end)
    done = sbuf and vim.bo[sbuf].filetype == 'heaplens-flame'
    check(':HeaplensFlame opens the server\'s flame tree', done,
      vim.inspect(err))
    local srow = done and flame_row(sbuf, hottest['function'])
    check('the tree has a row for ' .. hottest['function'], srow ~= nil)
    if srow then
      if node and tree.total ~= 0 then
        local t = vim.api.nvim_buf_get_lines(sbuf, srow - 1, srow, false)[1]
        check('the row\'s percentage is the CLI\'s',
          t:find(pct_text(node.value, tree.total), 1, true) ~= nil,
          t .. ' vs ' .. pct_text(node.value, tree.total))
      end
      press_enter(srow)
      check('<CR> on ' .. hottest['function'] .. ' lands on main.go:'
        .. want_line, current_file() == main_go
          and vim.api.nvim_win_get_cursor(0)[1] == want_line,
        current_file() .. ':' .. vim.api.nvim_win_get_cursor(0)[1])
    end
  end

  check_runtime(main_win, notes)

  -- :checkhealth heaplens reports the binary and the client.
  vim.cmd('checkhealth heaplens')
  local health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false),
    '\n')
  check(':checkhealth heaplens finds the server and the client',
    health:find('client ' .. client.id, 1, true) ~= nil
      and health:find('ERROR', 1, true) == nil, health)

  -- The server ends with the client, cleanly (shutdown, exit: status 0;
  -- under valgrind an error would make it 99).
  vim.lsp.stop_client(client.id)
  wait(function() return heaplens.exit_status(client.id) ~= nil end)
  local status = heaplens.exit_status(client.id)
  check('the heaplens server exits with status 0 when the client stops',
    status and status.code == 0 and status.signal == 0, vim.inspect(status))
  if gopls then
    check('gopls keeps running', vim.lsp.get_client_by_id(gopls) ~= nil
      and not vim.lsp.get_client_by_id(gopls).is_stopped())
  end
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  report('not ok', 'the test script ran to its end', err)
end
out:write('done\n')
out:close()
vim.cmd('qall!')
