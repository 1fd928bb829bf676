-- heaplens.flame: the flame tree of heaplens/flameGraph as text in a scratch
-- buffer, one row per node (a function in one call context): a bar in
-- proportion to its total, the total, its percent of the profile's total,
-- the name indented by depth and file:line. <CR> opens the node's hottest
-- line in the previous window.
local M = {}

M.namespace = vim.api.nvim_create_namespace('heaplens_flame')

-- Per flame buffer: { client_id, params, result, rows, origin_win }, rows
-- mapping a line number (1-based) to { node, depth, key }.
local views = {}

local HEADER = 3
local EIGHTHS = { '▏', '▎', '▍', '▌', '▋', '▊', '▉' }

-- Return a bar of width cells for fraction (0..1) of the scale.
local function bar(fraction, width)
  local cells = math.min(math.max(fraction, 0), 1) * width
  local full = math.floor(cells)
  local eighths = math.floor((cells - full) * 8)
  local s = string.rep('█', full)
  local used = full
  if eighths > 0 then
    s = s .. EIGHTHS[eighths]
    used = used + 1
  elseif full == 0 and fraction > 0 then
    s = EIGHTHS[1]
    used = 1
  end
  return s .. string.rep(' ', width - used)
end

-- Return the base name and line of a node's location, or nil.
local function where(node)
  local loc = node.location
  if type(loc) ~= 'table' or type(loc.uri) ~= 'string' then
    return nil
  end
  local line = loc.range and loc.range.start and loc.range.start.line or 0
  return vim.fn.fnamemodify(vim.uri_to_fname(loc.uri), ':t'), line + 1
end

-- Return a node's children worth a row: at or above min_percent.
local function visible(node, total, min_percent)
  local out = {}
  local units = require('heaplens.units')
  for _, child in ipairs(node.children or {}) do
    local pct = units.percent(child.value, total)
    if min_percent <= 0 or pct == nil or math.abs(pct) >= min_percent then
      table.insert(out, child)
    end
  end
  return out
end

-- Build the lines, row map, fold levels and highlights of a result.
local function layout(result, params)
  local heaplens = require('heaplens')
  local units = require('heaplens.units')
  local costs = require('heaplens.costs')
  local cfg = heaplens.config.flame
  local unit = result.unit or ''
  local total = tonumber(result.total) or 0
  local root = result.root or { name = 'root', value = 0, children = {} }
  local lines, rows, folds, hls = {}, {}, {}, {}

  local head = string.format('heaplens flame  %s  total %s',
    tostring(result.sampleIndex or '?'), units.format(total, unit))
  if type(result.profile) == 'string' then
    head = head .. '  ' .. vim.fn.fnamemodify(
      vim.uri_to_fname(result.profile), ':t')
  end
  if params and params.focus then
    head = head .. '  focus ' .. params.focus
  end
  table.insert(lines, head)
  table.insert(lines, '<CR> jump  <Tab> fold  f focus  F unfocus'
    .. '  s next sample type  r refresh  q close')
  table.insert(lines, '')
  table.insert(hls, { 'HeaplensFlameHeader', 0, 0, -1 })
  table.insert(hls, { 'HeaplensFlameHelp', 1, 0, -1 })
  for _ = 1, HEADER do
    table.insert(folds, '0')
  end

  local scale = math.max(math.abs(total), math.abs(tonumber(root.value) or 0))
  if scale == 0 then
    scale = 1
  end

  local function walk(node, depth, key)
    local value = tonumber(node.value) or 0
    local pct = units.percent(value, total)
    local b = bar(math.abs(value) / scale, cfg.bar_width)
    local text = string.format('%s %10s %7s  ', b, units.format(value, unit),
      pct and string.format('%.1f%%', pct) or '-')
    local name_col = #text + 2 * depth
    local name = tostring(node.name or '?')
    text = text .. string.rep('  ', depth) .. name
    local file, line = where(node)
    local loc_col = #text + 2
    if file then
      text = text .. '  ' .. file .. ':' .. line
    end
    table.insert(lines, text)
    local lnum = #lines
    rows[lnum] = { node = node, depth = depth, key = key }
    local lnum0 = lnum - 1
    table.insert(hls, { value < 0 and 'HeaplensFlameNegative'
      or costs.group(pct), lnum0, 0, #b })
    table.insert(hls, { file and 'HeaplensFlameName'
      or (depth > 0 and 'HeaplensFlameUnresolved' or 'HeaplensFlameName'),
      lnum0, name_col, name_col + #name })
    if file then
      table.insert(hls, { 'HeaplensFlameLocation', lnum0, loc_col, -1 })
    end
    local kids = visible(node, total, cfg.min_percent)
    folds[lnum] = #kids > 0 and ('>' .. (depth + 1)) or tostring(depth)
    for _, child in ipairs(kids) do
      walk(child, depth + 1, key .. '\0' .. tostring(child.name))
    end
  end
  walk(root, 0, tostring(root.name))
  if total == 0 and #(root.children or {}) == 0 then
    table.insert(lines, 'no samples: no loaded profile has this sample type'
      .. ' (see :HeaplensStatus)')
    table.insert(folds, '0')
    table.insert(hls, { 'HeaplensFlameHelp', #lines - 1, 0, -1 })
  end
  return lines, rows, folds, hls
end

-- Return the buffer that shows client_id's flame tree, creating it.
local function buffer_for(client_id, root)
  for buf, view in pairs(views) do
    if vim.api.nvim_buf_is_valid(buf) and view.client_id == client_id then
      return buf
    end
  end
  local buf = vim.api.nvim_create_buf(false, true)
  local name = 'heaplens://flame' .. (root or '')
  pcall(vim.api.nvim_buf_set_name, buf, name)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'hide'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  vim.api.nvim_buf_set_var(buf, 'heaplens_client', client_id)
  vim.api.nvim_buf_set_var(buf, 'heaplens_flame_folds', {})
  local maps = {
    ['<CR>'] = function() M.jump() end,
    ['<2-LeftMouse>'] = function() M.jump() end,
    ['<Tab>'] = function() pcall(vim.cmd, 'normal! za') end,
    ['f'] = function() M.focus_prompt() end,
    ['F'] = function() M.set_focus(buf, nil) end,
    ['s'] = function() require('heaplens').select_sample_index(nil) end,
    ['r'] = function() M.refresh(buf) end,
    ['q'] = function() M.close(buf) end,
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
  vim.bo[buf].filetype = 'heaplens-flame'
  return buf
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

-- Set the window options the flame view needs (folds by depth, no wrap).
local function dress(win)
  local wo = vim.wo[win]
  wo.wrap = false
  wo.number = false
  wo.relativenumber = false
  wo.list = false
  wo.spell = false
  wo.cursorline = true
  wo.foldmethod = 'expr'
  wo.foldexpr = 'get(b:heaplens_flame_folds, v:lnum - 1, 0)'
  wo.foldlevel = 99
  wo.foldenable = true
end

-- Draw view into buf, keeping the cursor on the same node when it is
-- still there.
local function draw(buf, view)
  local win = window_of(buf)
  local key
  if win then
    local row = views[buf] and views[buf].rows
      and views[buf].rows[vim.api.nvim_win_get_cursor(win)[1]]
    key = row and row.key
  end
  local lines, rows, folds, hls = layout(view.result, view.params)
  view.rows = rows
  views[buf] = view
  vim.api.nvim_buf_set_var(buf, 'heaplens_flame_folds', folds)
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].modified = false
  vim.api.nvim_buf_clear_namespace(buf, M.namespace, 0, -1)
  for _, h in ipairs(hls) do
    vim.api.nvim_buf_add_highlight(buf, M.namespace, h[1], h[2], h[3], h[4])
  end
  if win then
    local target = HEADER + 1
    for lnum, row in pairs(rows) do
      if key and row.key == key then
        target = lnum
      end
    end
    vim.api.nvim_win_set_cursor(win, { target, 0 })
  end
end

-- Show a flameGraph result of client_id in its flame window, opening one
-- below the current window when it is not shown. params are the request's
-- (kept for refreshes); origin_win is where the view was asked for.
function M.show(client_id, params, result, origin_win)
  local heaplens = require('heaplens')
  local client = vim.lsp.get_client_by_id(client_id)
  local root = client and client.config and client.config.root_dir
  local buf = buffer_for(client_id, root)
  local view = views[buf] or {}
  view.client_id = client_id
  view.params = params or {}
  view.result = result
  view.origin_win = origin_win or view.origin_win
  local win = window_of(buf)
  if win == nil then
    local cfg = heaplens.config.flame
    vim.cmd(string.format('%s %dsplit', cfg.split, cfg.height))
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, buf)
  else
    vim.api.nvim_set_current_win(win)
  end
  dress(win)
  draw(buf, view)
  return buf
end

-- Return the request parameters of a view: focus and sample index if set.
local function request_params(params)
  local p = {}
  if params.focus then
    p.focus = params.focus
  end
  if params.sampleIndex then
    p.sampleIndex = params.sampleIndex
  end
  if vim.tbl_isempty(p) then
    return vim.empty_dict()
  end
  return p
end

-- Explain a failed flameGraph request.
local function complain(err)
  local heaplens = require('heaplens')
  if err.code == -32601 then
    heaplens.error('this heaplens server has no heaplens/flameGraph '
      .. '(it needs a newer heaplens)')
  else
    heaplens.error(err.message or vim.inspect(err))
  end
end

-- :HeaplensFlame: ask client for the tree and show it. on_done(err) is
-- called after the view was drawn or the request failed.
function M.open(client, params, on_done)
  local heaplens = require('heaplens')
  local origin = vim.api.nvim_get_current_win()
  params = params or {}
  heaplens.request(client, 'heaplens/flameGraph', request_params(params),
    function(err, result)
      if err then
        complain(err)
      else
        M.show(client.id, params, result, origin)
      end
      if on_done then
        on_done(err)
      end
    end)
end

-- Ask again for buf's tree with its parameters and redraw it in place.
function M.refresh(buf)
  local heaplens = require('heaplens')
  local view = views[buf]
  local client = view and vim.lsp.get_client_by_id(view.client_id)
  if client == nil then
    return
  end
  heaplens.request(client, 'heaplens/flameGraph', request_params(view.params),
    function(err, result)
      if err then
        complain(err)
        return
      end
      if vim.api.nvim_buf_is_valid(buf) then
        view.result = result
        draw(buf, view)
      end
    end)
end

-- Redraw every flame view of client_id (the evidence changed).
function M.refresh_client(client_id)
  for buf, view in pairs(views) do
    if view.client_id == client_id and vim.api.nvim_buf_is_valid(buf) then
      M.refresh(buf)
    end
  end
end

-- Focus buf's tree on stacks through functions named like name (nil: all).
function M.set_focus(buf, name)
  local view = views[buf]
  if view == nil then
    return
  end
  view.params.focus = (name and name ~= '') and name or nil
  M.refresh(buf)
end

-- f: ask for the function to focus on, the node under the cursor first.
function M.focus_prompt()
  local buf = vim.api.nvim_get_current_buf()
  local row = M.row(buf, vim.api.nvim_win_get_cursor(0)[1])
  local default = row and row.depth > 0 and row.node.name or ''
  vim.ui.input({ prompt = 'heaplens focus: ', default = default },
    function(name)
      if name ~= nil then
        M.set_focus(buf, name)
      end
    end)
end

-- Return the row at lnum (1-based) of flame buffer buf: { node, depth }.
function M.row(buf, lnum)
  local view = views[buf]
  return view and view.rows and view.rows[lnum] or nil
end

-- Return the window to jump from the flame window into: the previous
-- window, else the one the view was opened from, else any other window
-- with a normal buffer; nil when there is none.
local function target_window(flame_win, view)
  local function usable(win)
    return win and win ~= flame_win and vim.api.nvim_win_is_valid(win)
      and vim.api.nvim_win_get_tabpage(win)
        == vim.api.nvim_get_current_tabpage()
      and vim.api.nvim_win_get_config(win).relative == ''
  end
  local prev = vim.fn.win_getid(vim.fn.winnr('#'))
  if usable(prev) then
    return prev
  end
  if usable(view.origin_win) then
    return view.origin_win
  end
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if usable(win) and vim.bo[vim.api.nvim_win_get_buf(win)].buftype == ''
    then
      return win
    end
  end
  return nil
end

-- Return whether two paths name the same file.
local function same_file(a, b)
  if a == '' or b == '' then
    return false
  end
  return a == b or (vim.loop.fs_realpath(a) or a)
    == (vim.loop.fs_realpath(b) or b)
end

-- Open fname at line (1-based) from view_win, a heaplens view: in the
-- previous window, else origin_win (where the view was asked for), else
-- any window with a normal buffer, else a new split above.
function M.visit(fname, line, view_win, origin_win)
  local win = target_window(view_win, { origin_win = origin_win })
  if win then
    vim.api.nvim_set_current_win(win)
  else
    vim.cmd('aboveleft split')
  end
  if not same_file(vim.api.nvim_buf_get_name(0), fname) then
    local ok = pcall(vim.cmd, 'edit ' .. vim.fn.fnameescape(fname))
    if not ok then
      -- The window's buffer has unsaved changes: keep it, split.
      vim.cmd('split ' .. vim.fn.fnameescape(fname))
    end
  else
    vim.cmd("normal! m'")
  end
  local count = vim.api.nvim_buf_line_count(0)
  vim.api.nvim_win_set_cursor(0, { math.min(line, count), 0 })
  vim.cmd('normal! zv')
end

-- <CR>: open the node under the cursor at its line in the previous window.
function M.jump()
  local heaplens = require('heaplens')
  local buf = vim.api.nvim_get_current_buf()
  local flame_win = vim.api.nvim_get_current_win()
  local row = M.row(buf, vim.api.nvim_win_get_cursor(flame_win)[1])
  if row == nil then
    return
  end
  local loc = row.node.location
  if type(loc) ~= 'table' or type(loc.uri) ~= 'string' then
    heaplens.info(tostring(row.node.name)
      .. ' has no source location in the workspace')
    return
  end
  local line = (loc.range and loc.range.start
    and loc.range.start.line or 0) + 1
  M.visit(vim.uri_to_fname(loc.uri), line, flame_win, views[buf].origin_win)
end

-- q: close the flame window (the buffer stays for :HeaplensFlame).
function M.close(buf)
  local win = window_of(buf)
  if win and #vim.api.nvim_tabpage_list_wins(0) > 1 then
    vim.api.nvim_win_close(win, false)
  elseif win then
    vim.cmd('enew')
  end
end

return M
