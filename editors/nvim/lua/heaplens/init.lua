-- heaplens: the Neovim client. setup{} attaches one heaplens language server
-- per Go module root to Go buffers, beside any other client (gopls), with
-- vim.lsp.start_client (Neovim 0.7 and later); the commands and views of
-- the other modules reach the server through the helpers here.
local M = {}

local defaults = {
  -- The server command; nil finds `heaplens` on PATH (stdio is its default).
  cmd = nil,
  -- Settings sent as initializationOptions and didChangeConfiguration under
  -- "heaplens" (see `man heaplens`, SETTINGS): profiles, sampleIndex, ...
  settings = {},
  filetypes = { 'go' },
  -- function(bufnr) -> directory; nil uses the go.mod directory, else cwd.
  root_dir = nil,
  -- Called as on_attach(client, bufnr) after heaplens attached to a buffer.
  on_attach = nil,
  capabilities = nil,
  costs = {
    enabled = true,
    -- Heat of a line, in percent of the profile's total: at or above hot,
    -- HeaplensCostHot; at or above warm, HeaplensCostWarm; else Cold.
    hot = 5,
    warm = 1,
    -- Lines whose flat cost is below this percent get no label.
    min_percent = 0,
    prefix = '  ',
  },
  flame = {
    -- Nodes under this percent of the total are left out of the view.
    min_percent = 0.5,
    bar_width = 20,
    -- How the flame window opens when it is not shown yet.
    split = 'botright',
    height = 15,
  },
}

M.config = vim.deepcopy(defaults)

-- Module roots to client ids: one heaplens client per root, reused.
local clients = {}
-- Client id to the set of buffers it was attached to (for on_exit).
local attached = {}
-- Client id to how its server ended: { code, signal }.
local exits = {}
local warned_cmd = {}

-- Return the dot-or-colon call of a client method the Neovim at hand wants.
local function call(client, method, ...)
  if vim.fn.has('nvim-0.11') == 1 then
    return client[method](client, ...)
  end
  return client[method](...)
end

-- Send a request to a client; handler(err, result, ctx) as Neovim calls it.
function M.request(client, method, params, handler, bufnr)
  return call(client, 'request', method, params or vim.empty_dict(),
    handler, bufnr)
end

-- Send a request and wait up to timeout_ms: returns result, err.
function M.request_sync(client, method, params, timeout_ms, bufnr)
  local reply, why = call(client, 'request_sync', method,
    params or vim.empty_dict(), timeout_ms or 2000, bufnr)
  if reply == nil then
    return nil, { message = tostring(why) }
  end
  return reply.result, reply.err
end

-- Send a notification to a client.
function M.notify(client, method, params)
  return call(client, 'notify', method, params or vim.empty_dict())
end

-- Tell the user something went wrong, prefixed with the plugin's name.
function M.error(msg)
  vim.notify('heaplens: ' .. msg, vim.log.levels.ERROR)
end

-- Tell the user something, prefixed with the plugin's name.
function M.info(msg)
  vim.notify('heaplens: ' .. msg, vim.log.levels.INFO)
end

-- Return the server command: the configured one, else heaplens on PATH.
function M.cmd()
  return M.config.cmd or { 'heaplens' }
end

-- Return settings as a JSON object (an empty Lua table would be an array).
local function settings_object()
  local s = M.config.settings
  if s == nil or vim.tbl_isempty(s) then
    return vim.empty_dict()
  end
  return s
end

-- Return the directory of bufnr's go.mod, walking up; else the cwd.
function M.root_dir(bufnr)
  if M.config.root_dir then
    return M.config.root_dir(bufnr)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return vim.loop.cwd()
  end
  local dir = vim.fn.fnamemodify(name, ':p:h')
  while true do
    if vim.loop.fs_stat(dir .. '/go.mod') then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return vim.loop.cwd()
end

-- Return whether heaplens should attach to bufnr: a loaded file of a
-- configured filetype, not a scratch buffer or a URL (fugitive://, ...).
local function wanted(bufnr)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    return false
  end
  if vim.bo[bufnr].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return false
  end
  return vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype)
end

-- Return the running client of a root, or nil.
local function live(id)
  local client = id and vim.lsp.get_client_by_id(id)
  if client == nil or call(client, 'is_stopped') then
    return nil
  end
  return client
end

-- Return the buffers heaplens client id was attached to.
function M.buffers(id)
  local out = {}
  for bufnr in pairs(attached[id] or {}) do
    if vim.api.nvim_buf_is_valid(bufnr) then
      table.insert(out, bufnr)
    end
  end
  table.sort(out)
  return out
end

-- Refresh what the plugin shows from client: line costs and flame views.
function M.refresh_views(client)
  local costs = require('heaplens.costs')
  for _, bufnr in ipairs(M.buffers(client.id)) do
    costs.refresh(client, bufnr)
  end
  require('heaplens.flame').refresh_client(client.id)
end

-- LSP MessageType (1 Error .. 4 Log) to vim.log.levels.
local message_levels = {
  vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO,
  vim.log.levels.DEBUG,
}

-- The server's notifications and requests the plugin answers itself.
local handlers = {
  -- Through vim.notify at the message's level: Neovim before 0.10 writes
  -- a Warning (the live heap is growing) as a plain line, not highlighted
  -- and past notification plugins. The server's messages name heaplens.
  ['window/showMessage'] = function(_, result)
    local msg = tostring(result and result.message or '')
    if msg:sub(1, 10) ~= 'heaplens: ' then
      msg = 'heaplens: ' .. msg
    end
    vim.notify(msg, message_levels[result and result.type]
      or vim.log.levels.INFO)
  end,
  ['heaplens/evidenceChanged'] = function(_, _, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if client then
      M.refresh_views(client)
    end
  end,
}

-- Start a heaplens client for root; returns its id or nil.
local function start(root)
  local cmd = M.cmd()
  if vim.fn.executable(cmd[1]) ~= 1 then
    if not warned_cmd[cmd[1]] then
      warned_cmd[cmd[1]] = true
      M.error(string.format("'%s' is not executable (not on PATH?): "
        .. 'install heaplens or pass cmd to setup{}', cmd[1]))
    end
    return nil
  end
  local id
  id = vim.lsp.start_client({
    name = 'heaplens',
    cmd = cmd,
    cmd_cwd = root,
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root },
    },
    init_options = { heaplens = settings_object() },
    settings = { heaplens = settings_object() },
    capabilities = M.config.capabilities
      or vim.lsp.protocol.make_client_capabilities(),
    handlers = handlers,
    flags = { debounce_text_changes = 150 },
    on_attach = function(client, bufnr)
      attached[client.id] = attached[client.id] or {}
      attached[client.id][bufnr] = true
      require('heaplens.costs').refresh(client, bufnr)
      if M.config.on_attach then
        M.config.on_attach(client, bufnr)
      end
    end,
    on_exit = function(code, signal)
      exits[id] = { code = code, signal = signal }
      vim.schedule(function()
        for _, bufnr in ipairs(M.buffers(id)) do
          require('heaplens.costs').clear(bufnr)
        end
        attached[id] = nil
        if clients[root] == id then
          clients[root] = nil
        end
      end)
    end,
  })
  return id
end

-- Attach heaplens to bufnr, starting its root's client if none runs.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf()
    or bufnr
  if not wanted(bufnr) then
    return nil
  end
  local root = M.root_dir(bufnr)
  local id = clients[root]
  if live(id) == nil then
    id = start(root)
    if id == nil then
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- Return how client id's server ended, { code, signal }, or nil while it
-- runs.
function M.exit_status(id)
  return exits[id]
end

-- Return the heaplens clients by root: { [root] = client }.
function M.clients()
  local out = {}
  for root, id in pairs(clients) do
    out[root] = live(id)
  end
  return out
end

-- Return the heaplens client for bufnr (the current buffer by default):
-- the one a heaplens view belongs to, the one attached to the buffer,
-- the one of its root, else the only (or first) one running.
function M.client(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf()
    or bufnr
  local ok, id = pcall(vim.api.nvim_buf_get_var, bufnr, 'heaplens_client')
  if ok and live(id) then
    return live(id)
  end
  for _, cid in pairs(clients) do
    if attached[cid] and attached[cid][bufnr] and live(cid) then
      return live(cid)
    end
  end
  local own = live(clients[M.root_dir(bufnr)])
  if own then
    return own
  end
  local ids = {}
  for _, cid in pairs(clients) do
    if live(cid) then
      table.insert(ids, cid)
    end
  end
  table.sort(ids)
  return ids[1] and live(ids[1]) or nil
end

-- Return the client for a command, or nil after telling the user why not.
local function need_client()
  local client = M.client()
  if client == nil then
    M.error('no heaplens server is running: call '
      .. "require('heaplens').setup{} and open a Go file")
  end
  return client
end

-- Run workspace/executeCommand COMMAND with ARGS on client.
function M.execute(client, command, args, handler)
  return M.request(client, 'workspace/executeCommand',
    { command = command, arguments = args or {} }, handler)
end

-- :HeaplensSampleIndex [NAME]: show NAME, or the next sample type.
function M.select_sample_index(name)
  local client = need_client()
  if client == nil then
    return
  end
  local args = (name and name ~= '') and { name } or {}
  M.execute(client, 'heaplens.selectSampleIndex', args, function(err, result)
    if err then
      M.error(err.message)
      return
    end
    M.info('showing ' .. tostring(result and result.sampleIndex))
    M.refresh_views(client)
  end)
end

-- Return the sample types of the loaded profiles (for completion).
function M.sample_types()
  local client = M.client()
  if client == nil then
    return {}
  end
  local status = M.request_sync(client, 'heaplens/status', nil, 1000)
  local seen, out = {}, {}
  for _, input in ipairs(status and status.inputs or {}) do
    for _, t in ipairs(input.sampleTypes or {}) do
      if not seen[t] then
        seen[t] = true
        table.insert(out, t)
      end
    end
  end
  table.sort(out)
  return out
end

-- Run a command that loads a file (setBase, loadProfile) with its path.
local function path_command(command, path, done)
  local client = need_client()
  if client == nil then
    return
  end
  if path == nil or path == '' then
    M.error(command .. ' needs a file')
    return
  end
  local abs = vim.fn.fnamemodify(vim.fn.expand(path), ':p')
  M.execute(client, command, { abs }, function(err)
    if err then
      M.error(err.message)
      return
    end
    M.info(done .. ' ' .. abs)
    M.refresh_views(client)
  end)
end

-- :HeaplensBase FILE: compare the newest profile of its kind against FILE.
function M.set_base(path)
  path_command('heaplens.setBase', path, 'comparing against')
end

-- :HeaplensBase!: stop comparing.
function M.clear_base()
  local client = need_client()
  if client == nil then
    return
  end
  M.execute(client, 'heaplens.clearBase', {}, function(err)
    if err then
      M.error(err.message)
      return
    end
    M.info('no base profile')
    M.refresh_views(client)
  end)
end

-- :HeaplensLoadProfile FILE: load or reload one profile.
function M.load_profile(path)
  path_command('heaplens.loadProfile', path, 'loaded')
end

-- :HeaplensRefresh: re-read settings and look for profiles again.
function M.rescan()
  local client = need_client()
  if client == nil then
    return
  end
  M.execute(client, 'heaplens.refresh', {}, function(err)
    if err then
      M.error(err.message)
      return
    end
    M.refresh_views(client)
  end)
end

-- :HeaplensStatus: what the server loaded, from where, what failed.
function M.status()
  local client = need_client()
  if client == nil then
    return
  end
  M.request(client, 'heaplens/status', nil, function(err, result)
    if err then
      M.error(err.message)
      return
    end
    require('heaplens.status').show(client, result)
  end)
end

-- :HeaplensFlame [FOCUS]: open the flame tree of the active sample type.
function M.flame(focus)
  local client = need_client()
  if client == nil then
    return
  end
  require('heaplens.flame').open(client, {
    focus = (focus and focus ~= '') and focus or nil,
  })
end

-- :HeaplensGC: the GC traces' summary (pauses, live heap, its trend).
function M.gc()
  local client = need_client()
  if client == nil then
    return
  end
  require('heaplens.runtime').gc(client)
end

-- :HeaplensGoroutines: the goroutine dumps' groups, suspects first.
function M.goroutines()
  local client = need_client()
  if client == nil then
    return
  end
  require('heaplens.runtime').goroutines(client)
end

-- Define the highlight groups, linked to default groups (colorschemes and
-- users may override them).
function M.highlights()
  local links = {
    HeaplensCostHot = 'DiagnosticError',
    HeaplensCostWarm = 'DiagnosticWarn',
    HeaplensCostCold = 'Comment',
    HeaplensFlameNegative = 'DiagnosticHint',
    HeaplensFlameName = 'Function',
    HeaplensFlameUnresolved = 'Comment',
    HeaplensFlameLocation = 'Directory',
    HeaplensFlameHeader = 'Title',
    HeaplensFlameHelp = 'Comment',
  }
  for group, target in pairs(links) do
    vim.cmd(string.format('highlight default link %s %s', group, target))
  end
end

-- Configure the plugin and attach to Go buffers, open and to come.
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts)
  if opts.settings ~= nil then
    M.config.settings = opts.settings
  end
  M.did_setup = true
  M.highlights()
  local group = vim.api.nvim_create_augroup('heaplens', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_autocmd('ColorScheme', {
    group = group,
    callback = M.highlights,
  })
  -- Running clients take the new settings; open buffers get attached.
  for _, client in pairs(M.clients()) do
    M.notify(client, 'workspace/didChangeConfiguration',
      { settings = { heaplens = settings_object() } })
  end
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    M.attach(bufnr)
  end
end

return M
