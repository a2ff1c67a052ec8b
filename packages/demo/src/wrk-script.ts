export interface WrkScriptOptions {
  method: 'GET' | 'POST';
  body?: string;
  /** A random canary cookie on every request, so a weighted split shows in the counts. */
  randomCanaryCookie?: string;
}

const luaString = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;

/**
 * wrk's Lua: counts responses per X-App-Color in each thread and prints one JSON line at the end
 * with those counts and wrk's own totals (requests, non-2xx, connect/read/write/timeout errors).
 */
export function wrkScript(options: WrkScriptOptions): string {
  const headers = options.method === 'POST' ? '{ ["Content-Type"] = "application/json" }' : '{}';
  const body = options.body === undefined ? 'nil' : luaString(options.body);
  const cookie = options.randomCanaryCookie
    ? `headers["Cookie"] = ${luaString(`${options.randomCanaryCookie}=`)} .. math.random(1, 1000000000)`
    : '';
  return `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) colors = {} math.randomseed(os.time() + math.floor(os.clock() * 1000000)) end
function request()
  local headers = ${headers}
  ${cookie}
  return wrk.format(${luaString(options.method)}, nil, headers, ${body})
end
function response(status, headers, body)
  local color = headers["X-App-Color"] or headers["x-app-color"] or "none"
  colors[color] = (colors[color] or 0) + 1
end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    for color, count in pairs(thread:get("colors")) do merged[color] = (merged[color] or 0) + count end
  end
  local parts = {}
  for color, count in pairs(merged) do table.insert(parts, string.format('"%s":%d', color, count)) end
  local e = summary.errors
  io.write(string.format('SWITCHYARD_WRK {"requests":%d,"durationUs":%d,"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Us":%d,"p99Us":%d,"maxUs":%d,"colors":{%s}}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, table.concat(parts, ",")))
end
`;
}
