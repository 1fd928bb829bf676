-- heaplens commands and highlight groups. Nothing starts until
-- require('heaplens').setup{} is called (see :help heaplens).
if vim.g.loaded_heaplens then
  return
end
vim.g.loaded_heaplens = 1

if vim.fn.has('nvim-0.7') == 0 then
  vim.api.nvim_echo({ { 'heaplens needs Neovim 0.7 or later',
    'WarningMsg' } }, true, {})
  return
end

-- Return the sample types starting with lead, for completion.
local function complete_sample_index(lead)
  local out = {}
  for _, name in ipairs(require('heaplens').sample_types()) do
    if name:sub(1, #lead) == lead then
      table.insert(out, name)
    end
  end
  return out
end

local command = vim.api.nvim_create_user_command

command('HeaplensFlame', function(opts)
  require('heaplens').flame(opts.args)
end, { nargs = '?', desc = 'heaplens: open the flame tree' })

command('HeaplensSampleIndex', function(opts)
  require('heaplens').select_sample_index(opts.args)
end, { nargs = '?', complete = complete_sample_index,
  desc = 'heaplens: show a sample type (or the next one)' })

command('HeaplensBase', function(opts)
  if opts.bang then
    require('heaplens').clear_base()
  else
    require('heaplens').set_base(opts.args)
  end
end, { nargs = '?', bang = true, complete = 'file',
  desc = 'heaplens: compare against a base profile (! to stop)' })

command('HeaplensStatus', function()
  require('heaplens').status()
end, { desc = 'heaplens: what is loaded and what failed' })

command('HeaplensGC', function()
  require('heaplens').gc()
end, { desc = 'heaplens: the GC traces (pauses, live heap, its trend)' })

command('HeaplensGoroutines', function()
  require('heaplens').goroutines()
end, { desc = 'heaplens: the goroutine groups, suspects first' })

command('HeaplensLoadProfile', function(opts)
  require('heaplens').load_profile(opts.args)
end, { nargs = 1, complete = 'file',
  desc = 'heaplens: load or reload a profile' })

command('HeaplensRefresh', function()
  require('heaplens').rescan()
end, { desc = 'heaplens: re-read settings and look for profiles again' })

require('heaplens').highlights()
