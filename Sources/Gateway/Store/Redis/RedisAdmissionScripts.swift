/// `Admission`'s three steps as Lua, so that each runs as one atomic step inside Redis — shared by every
/// gateway instance, with no check-then-set across round trips. The rules are the Swift ones
/// (`Admission.swift`, `RateLimitMath.swift`), with one refinement: a refund removes the claim's own
/// entry from the contact's window (its token), where the Swift store removes the first equal time
/// stamp. `AdmissionTests` runs every scenario against both.
///
/// Layout (every key under `store.key_prefix`, every key with an expiry):
/// - a claim (`i:<identity>`, `k:<key digest>`) is a hash: `p` phase (c claimed, s sent, d completed,
///   u unknown), `x` expiry, `t` holder's token, `id` identity, `sd` sent deadline, `cs` set when a contact slot was
///   taken, `o` the stored outcome (opaque bytes, `RecordCodec`), `we` when its replay window ends;
/// - a GCRA limit is a string holding the theoretical arrival time;
/// - a rolling window is a sorted set of the claims' tokens scored by admission time, so that a refund
///   removes exactly the slot its claim took.
/// Times are milliseconds on Redis's clock (`TIME`), one clock for every instance, unless the caller
/// passes one (tests with an injected clock). A claim also carries `x`, when it expires on that clock,
/// and is absent past it; Redis's relative expiry (`PEXPIRE`) only collects dead keys.
///
/// Arguments, the same for the three scripts:
/// KEYS: identity claim, one key per limit, then the idempotency-key claim when there is a key.
/// ARGV: 1 now ("" = Redis's clock), 2 token, 3 identity, 4 claim TTL, 5 sent TTL, 6 dedupe window,
/// 7 key TTL, 8 block unknown ("1"/"0"), 9 number of limits, 10 outcome action (for `admit`: "send"
/// marks a claim sent as it is taken, as `markSent` right after it would), 11 outcome bytes,
/// 12 channel to publish the identity on when an outcome lands; from 13, four per limit: policy, limit,
/// window, kind ("g" GCRA, "r" rolling).
enum RedisAdmissionScripts {
    static let admit = RedisScript(prelude + """
        local function settled(r)
          if r.p == 'd' or r.p == 'u' then
            if r.o == nil then return nil end
            return {'replay', r.o, r.we or '0'}
          elseif r.p == 'c' then
            return {'inflight'}
          end
          local deadline = tonumber(r.sd or '')
          if deadline == nil or deadline > now then return {'inflight'} end
          if not block_unknown then return nil end
          return {'expired', r.sd}
        end

        local function with_remaining(reply)
          for i = 1, nlimits do
            local l = limit(i)
            if l.kind == 'g' then
              local tat = tonumber(redis.call('GET', l.key) or '')
              local current = math.max(tat or now, now)
              local left = math.floor((now + l.window - current) / (l.window / l.limit))
              reply[#reply + 1] = l.policy
              reply[#reply + 1] = tostring(math.max(0, math.min(l.limit, left)))
            end
          end
          return reply
        end

        -- The answer an existing claim gives, or nil when it no longer blocks this attempt.
        local function answer(r)
          local s = settled(r)
          if s == nil or s[1] == 'inflight' then return s end
          return with_remaining(s)
        end

        if keyrec then
          local r = load(keyrec)
          if r then
            if r.id ~= identity then return {'mismatch'} end
            local a = answer(r)
            if a then return a end
          end
        end
        local r = load(KEYS[1])
        if r then
          local a = answer(r)
          if a then return a end
        end

        -- Every violated policy is found and the most restrictive one answers; nothing is written.
        local remaining = {}
        local refusal_policy, refusal_wait = nil, -1
        local gcra_writes, rolling_writes = {}, {}
        for i = 1, nlimits do
          local l = limit(i)
          if l.kind == 'g' then
            local interval = l.window / l.limit
            local tolerance = l.window - interval
            local tat = tonumber(redis.call('GET', l.key) or '')
            local current = math.max(tat or now, now)
            if current - now > tolerance then
              remaining[#remaining + 1] = {l.policy, 0}
              local wait = current - tolerance - now
              if wait > refusal_wait then refusal_policy, refusal_wait = l.policy, wait end
            else
              local nxt = current + interval
              remaining[#remaining + 1] = {l.policy, math.max(0, math.floor((now + l.window - nxt) / interval))}
              gcra_writes[#gcra_writes + 1] = {l.key, nxt, l.window}
            end
          else
            local floor = '(' .. ms(now - l.window)
            local live = redis.call('ZCOUNT', l.key, floor, '+inf')
            if live >= l.limit then
              remaining[#remaining + 1] = {l.policy, 0}
              local oldest = redis.call('ZRANGEBYSCORE', l.key, floor, '+inf', 'WITHSCORES', 'LIMIT', live - l.limit, 1)
              local wait = math.max(0, tonumber(oldest[2]) + l.window - now)
              if wait > refusal_wait then refusal_policy, refusal_wait = l.policy, wait end
            else
              remaining[#remaining + 1] = {l.policy, l.limit - live - 1}
              rolling_writes[#rolling_writes + 1] = {l.key, l.window}
            end
          end
        end
        local flat = {}
        for _, pair in ipairs(remaining) do
          flat[#flat + 1] = pair[1]
          flat[#flat + 1] = tostring(pair[2])
        end
        if refusal_policy then
          local reply = {'throttled', refusal_policy, tostring(math.ceil(refusal_wait / 1000))}
          for _, v in ipairs(flat) do reply[#reply + 1] = v end
          return reply
        end
        for _, w in ipairs(gcra_writes) do
          redis.call('SET', w[1], ms(w[2]), 'PX', math.ceil(w[2] + w[3] - now))
        end
        local claim = {p = 'c', t = token, id = identity}
        for _, w in ipairs(rolling_writes) do
          redis.call('ZREMRANGEBYSCORE', w[1], '-inf', ms(now - w[2]))
          redis.call('ZADD', w[1], ms(now), token)
          redis.call('PEXPIRE', w[1], math.ceil(w[2]))
          claim.cs = '1'
        end
        if ARGV[10] == 'send' then
          claim.p, claim.sd = 's', ms(now + sent_ttl)
          save(KEYS[1], claim, now + sent_ttl + dedupe)
          if keyrec then save(keyrec, claim, now + sent_ttl + key_ttl) end
        else
          save(KEYS[1], claim, now + claim_ttl)
          if keyrec then save(keyrec, claim, now + claim_ttl) end
        end
        local reply = {'claimed'}
        for _, v in ipairs(flat) do reply[#reply + 1] = v end
        return reply
        """)

    static let markSent = RedisScript(prelude + """
        local r = load(KEYS[1])
        if r == nil or r.t ~= token or r.p ~= 'c' then return 0 end
        r.p = 's'
        r.sd = ms(now + sent_ttl)
        save(KEYS[1], r, now + sent_ttl + dedupe)
        if keyrec then save(keyrec, r, now + sent_ttl + key_ttl) end
        return 1
        """)

    static let complete = RedisScript(prelude + """
        local r = load(KEYS[1])
        if r == nil or r.t ~= token then return 0 end
        local action, outcome = ARGV[10], ARGV[11]

        local function settle(key, phase, expires)
          local copy = {}
          for k, v in pairs(r) do copy[k] = v end
          copy.p, copy.o, copy.we = phase, outcome, ms(expires)
          save(key, copy, expires)
        end

        if action == 'store' or (action == 'unknown' and block_unknown) then
          local phase = action == 'store' and 'd' or 'u'
          settle(KEYS[1], phase, now + dedupe)
          if keyrec then settle(keyrec, phase, now + key_ttl) end
        elseif action == 'keyonly' then
          redis.call('DEL', KEYS[1])
          if keyrec then settle(keyrec, 'd', now + key_ttl) end
        elseif action == 'release' or action == 'refund' or action == 'unknown' then
          -- nothing done upstream, or an unknown outcome that may be retried
          redis.call('DEL', KEYS[1])
          if keyrec then redis.call('DEL', keyrec) end
          if action == 'refund' and r.cs then
            for i = 1, nlimits do
              local l = limit(i)
              if l.kind == 'r' then redis.call('ZREM', l.key, token) end
            end
          end
        else
          return redis.error_reply('unknown outcome action ' .. tostring(action))
        end
        redis.call('PUBLISH', ARGV[12], identity)
        return 1
        """)

    /// Shared by the three scripts: arguments, time, and claim hashes. The shebang (Redis 7) makes Redis
    /// refuse a script outright while it is out of memory, instead of letting it write past `maxmemory`.
    private static let prelude = """
        #!lua
        local now
        if ARGV[1] ~= '' then
          now = tonumber(ARGV[1])
        else
          local t = redis.call('TIME')
          now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end
        local token, identity = ARGV[2], ARGV[3]
        local claim_ttl, sent_ttl = tonumber(ARGV[4]), tonumber(ARGV[5])
        local dedupe, key_ttl = tonumber(ARGV[6]), tonumber(ARGV[7])
        local block_unknown = ARGV[8] == '1'
        local nlimits = tonumber(ARGV[9])
        local keyrec = KEYS[nlimits + 2]

        local function ms(x) return string.format('%.3f', x) end

        local function limit(i)
          local base = 13 + (i - 1) * 4
          return {key = KEYS[i + 1], policy = ARGV[base], limit = tonumber(ARGV[base + 1]),
                  window = tonumber(ARGV[base + 2]), kind = ARGV[base + 3]}
        end

        -- A claim past its `x` is absent, whatever Redis's own expiry (which only collects it) says.
        local function load(key)
          local flat = redis.call('HGETALL', key)
          if #flat == 0 then return nil end
          local r = {}
          for i = 1, #flat, 2 do r[flat[i]] = flat[i + 1] end
          if (tonumber(r.x or '') or 0) <= now then return nil end
          return r
        end

        -- Replaces the whole hash, so no field of an earlier phase survives.
        local function save(key, r, expires)
          redis.call('DEL', key)
          if expires <= now then return end
          r.x = ms(expires)
          local flat = {}
          for k, v in pairs(r) do
            flat[#flat + 1] = k
            flat[#flat + 1] = v
          end
          redis.call('HSET', key, unpack(flat))
          redis.call('PEXPIRE', key, math.ceil(expires - now))
        end

        """
}
