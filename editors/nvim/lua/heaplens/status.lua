-- heaplens.status: heaplens/status (what is loaded, from where, what
-- failed) as text in a floating window.
local M = {}

-- Return path relative to root when it lies under it.
local function short(path, root)
  if type(path) ~= 'string' then
    return tostring(path)
  end
  if root and path:sub(1, #root + 1) == root .. '/' then
    return path:sub(#root + 2)
  end
  return path
end

-- Return the lines describing one loaded or failed input.
local function input_line(input, root)
  local path = short(input.path, root)
  if input.state ~= 'loaded' then
    return string.format('  %-7s %s: %s', tostring(input.state), path,
      tostring(input.error or '?'))
  end
  local role = input.role == 'base' and ' (base)' or ''
  return string.format('  loaded  %s%s  %s samples  [%s]', path, role,
    tostring(input.samples or '?'),
    table.concat(input.sampleTypes or {}, ' '))
end

-- Turn a status result into lines of text.
function M.lines(status, root)
  local out = {}
  local server = status.server or {}
  table.insert(out, string.format('heaplens %s (pid %s, %s)  %s',
    tostring(server.version or '?'), tostring(server.pid or '?'),
    tostring(server.transport or '?'), root or ''))
  table.insert(out, string.format('state %s  sample index %s',
    tostring(status.state or '?'), tostring(status.sampleIndex or 'none')))
  local inputs = status.inputs or {}
  table.insert(out, string.format('profiles: %d', #inputs))
  for _, input in ipairs(inputs) do
    table.insert(out, input_line(input, root))
  end
  local docs = status.documents or {}
  table.insert(out, string.format('open documents: %d', #docs))
  for _, d in ipairs(docs) do
    table.insert(out, '  ' .. short(vim.uri_to_fname(d.uri), root))
  end
  for _, w in ipairs(status.settingsWarnings or {}) do
    table.insert(out, 'settings: ' .. (type(w) == 'string' and w
      or vim.inspect(w)))
  end
  for _, f in ipairs(type(status.failures) == 'table'
      and status.failures or {}) do
    table.insert(out, 'failed: ' .. (type(f) == 'string' and f
      or vim.fn.json_encode(f)))
  end
  return out
end

-- Show client's status result in a float by the cursor.
function M.show(client, status)
  local root = client.config and client.config.root_dir
  local lines = M.lines(status or {}, root)
  M.last = lines
  local _, win = vim.lsp.util.open_floating_preview(lines, '', {
    focus_id = 'heaplens-status',
    border = 'single',
  })
  return win
end

return M
