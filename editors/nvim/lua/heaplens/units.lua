-- heaplens.units: profile values for people, formatted as the server's
-- analyzers/units.c does (so the flame view and the inline labels agree).
local M = {}

-- Format v with a suffix: one decimal below 100, none above or when whole.
local function scaled(v, suffix, space)
  local a = math.abs(v)
  local fmt = (a >= 100 or a == math.floor(a)) and '%.0f%s%s' or '%.1f%s%s'
  return string.format(fmt, v, space and ' ' or '', suffix)
end

-- Format a raw sample value in its unit (bytes, nanoseconds, or a count).
function M.format(value, unit)
  local v = tonumber(value) or 0
  local a = math.abs(v)
  if unit == 'bytes' then
    local names = { 'B', 'kB', 'MB', 'GB', 'TB' }
    local i = 1
    while a >= 1024 and i < #names do
      a = a / 1024
      v = v / 1024
      i = i + 1
    end
    return scaled(v, names[i], true)
  elseif unit == 'nanoseconds' then
    if a >= 1e9 then
      return scaled(v / 1e9, 's', true)
    elseif a >= 1e6 then
      return scaled(v / 1e6, 'ms', true)
    elseif a >= 1e3 then
      return scaled(v / 1e3, 'us', true)
    end
    return scaled(v, 'ns', true)
  end
  if a >= 1e9 then
    return scaled(v / 1e9, 'G', false)
  elseif a >= 1e6 then
    return scaled(v / 1e6, 'M', false)
  elseif a >= 1e4 then
    return scaled(v / 1e3, 'k', false)
  end
  return string.format('%d', v)
end

-- Return v as a percentage of total (nil when the total is zero).
function M.percent(v, total)
  total = tonumber(total) or 0
  if total == 0 then
    return nil
  end
  return 100 * (tonumber(v) or 0) / math.abs(total)
end

return M
