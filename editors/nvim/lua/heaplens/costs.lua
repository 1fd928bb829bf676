-- heaplens.costs: each line's cost of the active sample type as virtual
-- text at the end of the line (extmarks), from heaplens/lineCosts.
local M = {}

M.namespace = vim.api.nvim_create_namespace('heaplens_costs')

-- The last lineCosts result per buffer: { sampleIndex, unit, total, lines }.
local results = {}

-- Return the highlight group for a cost of pct percent of the total.
function M.group(pct)
  local cfg = require('heaplens').config.costs
  local a = math.abs(pct or 0)
  if a >= cfg.hot then
    return 'HeaplensCostHot'
  elseif a >= cfg.warm then
    return 'HeaplensCostWarm'
  end
  return 'HeaplensCostCold'
end

-- Remove the cost labels of bufnr.
function M.clear(bufnr)
  results[bufnr] = nil
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, M.namespace, 0, -1)
  end
end

-- Draw a lineCosts result into bufnr: one label per line with a flat cost
-- (cum-only lines, the callers, are left to the hover and the lenses).
function M.draw(bufnr, result)
  local heaplens = require('heaplens')
  local cfg = heaplens.config.costs
  local units = require('heaplens.units')
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  vim.api.nvim_buf_clear_namespace(bufnr, M.namespace, 0, -1)
  results[bufnr] = result
  local count = vim.api.nvim_buf_line_count(bufnr)
  for _, l in ipairs(result and result.lines or {}) do
    local flat = tonumber(l.flat) or 0
    local pct = units.percent(flat, result.total) or 0
    if flat ~= 0 and math.abs(pct) >= cfg.min_percent and l.line >= 0
        and l.line < count then
      vim.api.nvim_buf_set_extmark(bufnr, M.namespace, l.line, 0, {
        virt_text = { { cfg.prefix .. l.label, M.group(pct) } },
        virt_text_pos = 'eol',
        hl_mode = 'combine',
      })
    end
  end
end

-- Ask client for bufnr's line costs and draw them when they come.
function M.refresh(client, bufnr)
  local heaplens = require('heaplens')
  if not heaplens.config.costs.enabled
      or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
  heaplens.request(client, 'heaplens/lineCosts', params, function(err, result)
    if err then
      -- A buffer closed meanwhile is "not open": nothing to draw.
      return
    end
    M.draw(bufnr, result)
  end, bufnr)
end

-- Return the last lineCosts result drawn in bufnr, or nil.
function M.result(bufnr)
  return results[bufnr]
end

return M
