-- Prints, for each line of the file named by arg[1] (a Lua expression list), what Lua gives:
-- the values separated by " ", or "error: <message without position>".
local function num(v)
  if math.type(v) == 'integer' then return tostring(v) end
  if v ~= v then return 'nan' end
  if v == math.huge then return 'inf' elseif v == -math.huge then return '-inf' end
  for p = 14, 17 do
    local s = string.format('%.' .. p .. 'g', v)
    if tonumber(s) == v then
      if not s:find('[%.e]') then s = s .. '.0' end
      return s
    end
  end
end
local function str(s)
  if s:find('^[ -~]*$') and not s:find('"') then return '"' .. s .. '"' end
  return 'bytes:' .. s:gsub('.', function(c) return string.format('%02x', c:byte()) end)
end
local function render(...)
  local out = {}
  for i = 1, select('#', ...) do
    local v = select(i, ...)
    if type(v) == 'number' then out[#out + 1] = num(v)
    elseif type(v) == 'string' then out[#out + 1] = str(v)
    else out[#out + 1] = tostring(v) end
  end
  return #out == 0 and '(nothing)' or table.concat(out, ' ')
end
for line in io.lines(arg[1]) do
  if line ~= '' then
    local f, err = load('return ' .. line, '=expr')
    local result
    if not f then result = 'syntax: ' .. err
    else
      local r = table.pack(pcall(f))
      if r[1] then result = render(table.unpack(r, 2, r.n))
      else result = 'error: ' .. tostring(r[2]):gsub('^expr:%d+: ', '') end
    end
    print(line .. ' ==> ' .. result)
  end
end
