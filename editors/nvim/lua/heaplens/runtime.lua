-- heaplens.runtime: what the program said while it ran. heaplens/gcSummary
-- (the GC traces: cycles, pauses, GC CPU, live heap and its trend) in a
-- floating window, and heaplens/goroutineGroups (the goroutine dumps'
-- groups, suspects first) in a scratch buffer whose rows jump, with <CR>,
-- to the line the goroutines are blocked on.
local M = {}

M.namespace = vim.api.nvim_create_namespace('heaplens_goroutines')

-- Per goroutines buffer: { client_id, origin_win, rows }, rows mapping a
-- line number (1-based) to a group.
local views = {}

local HEADER = 2

-- Return v, or nil when it is JSON null (vim.NIL) or missing.
local function val(v)
  if v == vim.NIL then
    return nil
  end
  return v
end

-- Return path relative to root when it lies under it.
local function short(path, root)
  if type(path) ~= 'string' then
    return '?'
  end
  if root and path:sub(1, #root + 1) == root .. '/' then
    return path:sub(#root + 2)
  end
  return path
end

-- Return a number with at most digits decimals, trailing zeros cut.
local function num(v, digits)
  v = tonumber(val(v))
  if v == nil then
    return '?'
  end
  local s = string.format('%.' .. (digits or 2) .. 'f', v)
  s = s:gsub('(%..-)0+$', '%1'):gsub('%.$', '')
  return s
end

-- Turn a heaplens/gcSummary result into lines of text, a block per trace.
function M.gc_lines(result, root)
  local traces = result and val(result.traces) or {}
  local out = { string.format('heaplens GC traces  %s', root or '') }
  if #traces == 0 then
    table.insert(out, 'no GC trace loaded (the gcTraces setting: '
      .. 'GODEBUG=gctrace=1 output, **/gctrace*.log by default)')
    return out
  end
  for _, t in ipairs(traces) do
    local pause = val(t.pause_ms) or {}
    local live = val(t.live_mb) or {}
    local trend = val(t.trend) or {}
    table.insert(out, '')
    table.insert(out, short(t.path, root))
    table.insert(out, string.format('  %s cycles over %s s, GC CPU %s%%',
      tostring(val(t.cycles) or '?'), num(t.span_s), num(t.gc_cpu_percent, 1)))
    table.insert(out, string.format('  pauses %s ms in all: p50 %s, p95 %s, '
      .. 'p99 %s, max %s ms', num(pause.total, 3), num(pause.p50, 3),
      num(pause.p95, 3), num(pause.p99, 3), num(pause.max, 3)))
    if #live > 0 then
      table.insert(out, string.format('  live heap %s -> %s MB',
        num(live[1], 1), num(live[#live], 1)))
    end
    local reason = val(trend.reason)
    table.insert(out, string.format('  %s%s', tostring(val(trend.verdict)
      or 'no verdict'), reason and (': ' .. reason) or ''))
  end
  return out
end

-- Show client's gcSummary result in a float by the cursor.
function M.gc_show(client, result)
  local root = client.config and client.config.root_dir
  local lines = M.gc_lines(result, root)
  M.last_gc = lines
  local _, win = vim.lsp.util.open_floating_preview(lines, '', {
    focus_id = 'heaplens-gc',
    border = 'single',
  })
  return win
end

-- :HeaplensGC: ask client for the GC summary and show it.
function M.gc(client)
  local heaplens = require('heaplens')
  heaplens.request(client, 'heaplens/gcSummary', nil, function(err, result)
    if err then
      heaplens.error(err.message or vim.inspect(err))
      return
    end
    M.gc_show(client, result)
  end)
end

-- Return the file name and 1-based line of a location, or nil.
local function place(loc)
  loc = val(loc)
  if type(loc) ~= 'table' then
    return nil
  end
  local uri = val(loc.uri)
  local file = uri and vim.uri_to_fname(uri) or val(loc.file)
  return file, tonumber(val(loc.line))
end

-- Return "main.go:45" for a location, or nil.
local function where(loc)
  local file, line = place(loc)
  if file == nil then
    return nil
  end
  return vim.fn.fnamemodify(file, ':t') .. ':' .. tostring(line or '?')
end

-- Turn a goroutineGroups result into lines and the row map.
function M.goroutine_lines(result, root)
  local dumps = result and val(result.dumps) or {}
  local groups = result and val(result.groups) or {}
  local lines, rows = {}, {}
  local head = 'heaplens goroutines'
  for _, d in ipairs(dumps) do
    head = head .. '  ' .. short(d.path, root)
    if val(d.base) then
      head = head .. ' (vs ' .. vim.fn.fnamemodify(d.base, ':t') .. ')'
    end
  end
  table.insert(lines, head)
  table.insert(lines, '<CR> jump to where they block  r refresh  q close')
  if #groups == 0 then
    table.insert(lines, #dumps == 0 and 'no goroutine dump loaded (the '
      .. 'goroutineDumps setting: **/goroutine*.txt by default)'
      or 'no goroutine groups')
    return lines, rows
  end
  for _, g in ipairs(groups) do
    local growth = tonumber(val(g.growth))
    local text = string.format('%s %6d  %-12s %s', g.suspect and '!' or ' ',
      tonumber(g.count) or 0, tostring(val(g.state) or '-'),
      tostring(val(g['function']) or '?'))
    text = text .. '  ' .. (where(g.blockedAt) or '(no source line)')
    if growth and growth ~= 0 then
      text = text .. string.format('  %+d', growth)
    end
    local wait = tonumber(val(g.maxWaitMinutes))
    if wait and wait > 0 then
      text = text .. string.format('  %d min', wait)
    end
    local created = where(g.createdAt)
    if created then
      text = text .. '  created at ' .. created
    end
    table.insert(lines, text)
    rows[#lines] = g
  end
  return lines, rows
end

-- Return a window of the current tab showing buf, or nil.
local function window_of(buf)
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == buf then
      return win
    end
  end
  return nil
end

-- Return the buffer that shows client_id's goroutine groups, creating it.
local function buffer_for(client_id, root)
  for buf, view in pairs(views) do
    if vim.api.nvim_buf_is_valid(buf) and view.client_id == client_id then
      return buf
    end
  end
  local buf = vim.api.nvim_create_buf(false, true)
  pcall(vim.api.nvim_buf_set_name, buf, 'heaplens://goroutines'
    .. (root or ''))
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  vim.api.nvim_buf_set_var(buf, 'heaplens_client', client_id)
  local maps = {
    ['<CR>'] = function() M.jump() end,
    ['<2-LeftMouse>'] = function() M.jump() end,
    ['r'] = function() M.refresh(buf) end,
    ['q'] = function()
      local win = window_of(buf)
      if win and #vim.api.nvim_tabpage_list_wins(0) > 1 then
        vim.api.nvim_win_close(win, false)
      end
    end,
  }
  for lhs, fn in pairs(maps) do
    vim.keymap.set('n', lhs, fn, { buffer = buf, nowait = true,
      silent = true })
  end
  vim.api.nvim_create_autocmd('BufWipeout', {
    buffer = buf,
    callback = function()
      views[buf] = nil
    end,
  })
  views[buf] = { client_id = client_id }
  vim.bo[buf].filetype = 'heaplens-goroutines'
  return buf
end

-- Draw result into buf.
local function draw(buf, result)
  local client = vim.lsp.get_client_by_id(views[buf].client_id)
  local root = client and client.config and client.config.root_dir
  local lines, rows = M.goroutine_lines(result, root)
  views[buf].rows = rows
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  vim.api.nvim_buf_clear_namespace(buf, M.namespace, 0, -1)
  vim.api.nvim_buf_add_highlight(buf, M.namespace, 'HeaplensFlameHeader', 0,
    0, -1)
  vim.api.nvim_buf_add_highlight(buf, M.namespace, 'HeaplensFlameHelp', 1, 0,
    -1)
  for lnum, g in pairs(rows) do
    if g.suspect then
      vim.api.nvim_buf_add_highlight(buf, M.namespace, 'DiagnosticWarn',
        lnum - 1, 0, 1)
    end
  end
  local win = window_of(buf)
  if win and vim.api.nvim_win_get_cursor(win)[1] <= HEADER then
    vim.api.nvim_win_set_cursor(win, { math.min(HEADER + 1,
      #lines), 0 })
  end
end

-- Show client_id's goroutineGroups result in its window, opening one below
-- the current window when it is not shown; returns the buffer.
function M.goroutines_show(client_id, result, origin_win)
  local heaplens = require('heaplens')
  local client = vim.lsp.get_client_by_id(client_id)
  local root = client and client.config and client.config.root_dir
  local buf = buffer_for(client_id, root)
  views[buf].origin_win = origin_win or views[buf].origin_win
  local win = window_of(buf)
  if win == nil then
    local cfg = heaplens.config.flame
    vim.cmd(string.format('%s %dsplit', cfg.split, cfg.height))
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, buf)
  else
    vim.api.nvim_set_current_win(win)
  end
  vim.wo[win].wrap = false
  vim.wo[win].cursorline = true
  draw(buf, result)
  return buf
end

-- :HeaplensGoroutines: ask client for the goroutine groups and list them.
-- on_done(err) is called after the list was drawn or the request failed.
function M.goroutines(client, on_done)
  local heaplens = require('heaplens')
  local origin = vim.api.nvim_get_current_win()
  heaplens.request(client, 'heaplens/goroutineGroups', nil,
    function(err, result)
      if err then
        heaplens.error(err.message or vim.inspect(err))
      else
        M.goroutines_show(client.id, result, origin)
      end
      if on_done then
        on_done(err)
      end
    end)
end

-- r: ask again and redraw in place.
function M.refresh(buf)
  local heaplens = require('heaplens')
  local view = views[buf]
  local client = view and vim.lsp.get_client_by_id(view.client_id)
  if client == nil then
    return
  end
  heaplens.request(client, 'heaplens/goroutineGroups', nil,
    function(err, result)
      if err then
        heaplens.error(err.message or vim.inspect(err))
      elseif vim.api.nvim_buf_is_valid(buf) then
        draw(buf, result)
      end
    end)
end

-- Return the group on line lnum (1-based) of goroutines buffer buf, or nil.
function M.row(buf, lnum)
  local view = views[buf]
  return view and view.rows and view.rows[lnum] or nil
end

-- <CR>: open the line the group under the cursor is blocked on.
function M.jump()
  local buf = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  local g = M.row(buf, vim.api.nvim_win_get_cursor(win)[1])
  if g == nil then
    return
  end
  local file, line = place(g.blockedAt)
  if file == nil or vim.fn.filereadable(file) == 0 then
    require('heaplens').info(tostring(val(g['function']) or 'the group')
      .. ' is not blocked in a file of the workspace')
    return
  end
  require('heaplens.flame').visit(file, line or 1, win, views[buf].origin_win)
end

return M
