-- heaplens.health: :checkhealth heaplens (Neovim version, the server
-- binary, the running clients, gopls beside them).
local M = {}

-- Return the report functions of this Neovim: vim.health (0.8+) or the
-- health module of 0.7.
local function reporter()
  local h = vim.health or require('health')
  return {
    start = h.start or h.report_start,
    ok = h.ok or h.report_ok,
    info = h.info or h.report_info,
    warn = h.warn or h.report_warn,
    error = h.error or h.report_error,
  }
end

-- Run the checks.
function M.check()
  local r = reporter()
  local heaplens = require('heaplens')
  r.start('heaplens')
  if vim.fn.has('nvim-0.7') == 1 then
    r.ok('Neovim ' .. tostring(vim.version().major) .. '.'
      .. tostring(vim.version().minor) .. ' (0.7 or later)')
  else
    r.error('Neovim 0.7 or later is needed')
  end
  if heaplens.did_setup then
    r.ok("require('heaplens').setup{} was called")
  else
    r.warn("require('heaplens').setup{} was not called: "
      .. 'Go buffers get no heaplens client')
  end
  local cmd = heaplens.cmd()
  if vim.fn.executable(cmd[1]) == 1 then
    local version = vim.fn.system({ cmd[1], '--version' })
    r.ok(string.format('%s: %s', vim.fn.exepath(cmd[1]),
      vim.trim(version)))
  else
    r.error(string.format("'%s' is not executable", cmd[1]), {
      'Install heaplens (make && make install) or put it on PATH',
      "or pass cmd = {'/path/to/heaplens'} to setup{}",
    })
  end
  local any = false
  for root, client in pairs(heaplens.clients()) do
    any = true
    r.ok(string.format('client %d for %s, attached to %d buffer(s)',
      client.id, root, #heaplens.buffers(client.id)))
  end
  if not any then
    r.info('no heaplens client is running (open a Go file)')
  end
  if vim.fn.executable('gopls') == 1 then
    r.info('gopls is on PATH: it runs as its own client beside heaplens')
  else
    r.info('gopls is not on PATH: heaplens works without it')
  end
end

return M
