-- Runs an Argo CD health script the way Argo CD does: the resource is the global `obj` and the
-- script's return value is the health ({status, message}).
--   lua5.4 argocd-harness.lua SCRIPT CASES
-- CASES is a Lua file returning a list of {name = ..., obj = ...}. Prints one line per case:
-- name, status and message separated by tabs (tabs and line breaks in a message become spaces).
-- Each case runs in a fresh environment holding only the libraries Argo CD's Lua VM offers
-- scripts, so a script that reaches for io/os fails; one that sets a global (state that would
-- outlive the call in Argo CD's VM) is reported as GLOBAL-WRITE.

local scriptPath, casesPath = arg[1], arg[2]
local cases = dofile(casesPath)

local function flat(text)
  return (tostring(text):gsub("[\t\r\n]", " "))
end

for _, case in ipairs(cases) do
  local env = {
    obj = case.obj,
    assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
    select = select, tonumber = tonumber, tostring = tostring, type = type,
    math = math, string = string, table = table,
  }
  local given = {}
  for key in pairs(env) do given[key] = true end
  local line
  local chunk, loadError = loadfile(scriptPath, "t", env)
  if chunk == nil then
    line = "LOAD-ERROR\t" .. flat(loadError)
  else
    local ok, hs = pcall(chunk)
    if not ok then
      line = "ERROR\t" .. flat(hs)
    elseif type(hs) ~= "table" then
      line = "ERROR\tthe script returned a " .. type(hs)
    else
      line = flat(hs.status) .. "\t" .. flat(hs.message)
    end
    for key in pairs(env) do
      if not given[key] then line = "GLOBAL-WRITE\t" .. flat(key) end
    end
  end
  io.write(flat(case.name), "\t", line, "\n")
end
