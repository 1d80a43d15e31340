-- Argo CD health check for sparkmesos.io/SparkDriver (spark-mesos-dispatcher).
-- Install it under resource.customizations.health.sparkmesos.io_SparkDriver in argocd-cm
-- (deploy/argocd/argocd-cm.yaml); docs/gitops.md explains each verdict.
--
--   Healthy      Finished with outcome Succeeded; Launched and running (Ready=True)
--   Suspended    Finished with outcome Killed after a kill the user asked for (spec.kill: true)
--   Degraded     Finished with any other outcome (Failed, Lost, Error, Rejected, or Killed
--                without spec.kill); Stalled=True
--   Progressing  no status yet; a status older than the spec (observedGeneration < generation)
--                of a driver that has not finished; Queued; Launched but not running yet (or
--                being killed); Retrying
--   Unknown      a phase this script does not know (a newer dispatcher)
--
-- Finished is terminal: only spec.kill and spec.ttlSecondsAfterFinished can change, and neither
-- changes how a driver ended, so a finished driver is judged by its outcome whatever generation
-- its status was written for.
-- Plain Lua 5.1 (Argo CD runs gopher-lua); tested with Lua 5.4 by test/gitops/.

local function condition(status, conditionType)
  if type(status.conditions) ~= "table" then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if type(c) == "table" and c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(status, conditionType)
  local c = condition(status, conditionType)
  return c ~= nil and c.status == "True"
end

local function messageOf(status, fallback)
  if type(status.message) == "string" and status.message ~= "" then
    return status.message
  end
  return fallback
end

local hs = {}
local status = obj.status
if type(status) ~= "table" or status.phase == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the dispatcher to admit the driver"
  return hs
end

local phase = status.phase
local outcome = status.outcome
local killRequested = obj.spec ~= nil and obj.spec.kill == true

if phase == "Finished" then
  if outcome == "Succeeded" then
    hs.status = "Healthy"
    hs.message = messageOf(status, "Finished: Succeeded")
  elseif outcome == "Killed" and killRequested and not isTrue(status, "Stalled") then
    hs.status = "Suspended"
    hs.message = messageOf(status, "Killed on request (spec.kill)")
  else
    hs.status = "Degraded"
    hs.message = "Finished: " .. tostring(outcome or "no outcome") .. ": " .. messageOf(status, "no message")
  end
  return hs
end

local generation = obj.metadata and obj.metadata.generation
local observed = status.observedGeneration
if type(generation) == "number" and type(observed) == "number" and observed < generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the dispatcher to observe generation " .. string.format("%d", generation)
    .. " (the status is for generation " .. string.format("%d", observed) .. ")"
  return hs
end

if isTrue(status, "Stalled") then
  hs.status = "Degraded"
  hs.message = messageOf(status, "Stalled")
  return hs
end

if phase == "Launched" then
  if isTrue(status, "Ready") then
    hs.status = "Healthy"
  else
    hs.status = "Progressing"
  end
  hs.message = messageOf(status, "Launched")
  return hs
end

if phase == "Queued" or phase == "Retrying" then
  hs.status = "Progressing"
  hs.message = messageOf(status, phase)
  return hs
end

hs.status = "Unknown"
hs.message = "Unknown phase " .. tostring(phase)
return hs
