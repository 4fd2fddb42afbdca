'use strict'
// The local runtime's DynamoDB: dynalite 4 (Apache-2.0, LevelDB) behind a thin front that adds
//  - Time to Live, which dynalite lacks (UpdateTimeToLive is unknown to it, DescribeTimeToLive always says
//    DISABLED): the setting is kept beside the data, and a sweeper deletes expired items;
//  - the local runtime's request rules: no request from a web page (a foreign Origin header, or a CORS
//    preflight) reaches the data; dynalite itself refuses requests without a SigV4-shaped Authorization;
//  - a port of its own: it listens on 127.0.0.1:0 and prints {"port":N} as its first stdout line (dynalite's
//    CLI takes --port 0 as 4567), or {"error":"..."} and exits 1;
//  - a lifetime tied to its parent: it closes the database and exits when its stdin closes, so no node
//    process outlives the JVM that started it, even one killed with kill -9;
//  - its options on the first line of stdin, not on its command line: the parent can start it (Node, then
//    dynalite's modules: most of its start-up) before it knows the work dir, as `vidmeta local up` does while
//    it parses its own command line.
//
// Usage: node server.js, then one JSON line on stdin: {"path": DIR, "ttlSweepMs": N}
//   path        LevelDB data under DIR/data and the TTL settings in DIR/ttl.json; in memory without it
//   ttlSweepMs  how often expired items are looked for (default 1000)

let closing = false // set as it shuts down; first, since fail() reads it from the very first check
const MIN_NODE = 20 // dynalite 4's engines field
const major = Number(process.versions.node.split('.')[0])
if (major < MIN_NODE) fail(`node ${process.versions.node} is too old for dynalite 4: it needs node >= ${MIN_NODE}`)

const http = require('http')
const fs = require('fs')
const path = require('path')
let dynalite
try {
  dynalite = require('dynalite')
} catch (e) {
  fail(`dynalite is not installed beside ${__filename}: run 'npm ci' in ${__dirname} (./vidmeta does this) (${e.message})`)
}

if (process.argv.length > 2) fail(`no arguments expected, options come on stdin: ${process.argv.slice(2).join(' ')}`)
let options, dataDir, ttlFile, sweepMs
// TableName -> { AttributeName, CreationDateTime }: CreationDateTime tells a recreated table from the one
// whose TTL was enabled (a new table starts with TTL disabled).
let ttl
let server, dynaliteHandler, port

let stdinText = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', chunk => {
  if (options) return
  stdinText += chunk
  const newline = stdinText.indexOf('\n')
  if (newline < 0) return
  try {
    options = JSON.parse(stdinText.slice(0, newline))
  } catch (e) {
    fail(`the options line is not JSON: ${e.message}`)
  }
  dataDir = options.path ? path.join(options.path, 'data') : undefined
  ttlFile = options.path ? path.join(options.path, 'ttl.json') : undefined
  sweepMs = Number(options.ttlSweepMs || 1000)
  ttl = loadTtl()
  start()
})

async function start () {
  await ensureUnlocked()
  // Tables stay CREATING/DELETING a short while, as on AWS, so callers wait for ACTIVE, and for a deleted
  // table to be gone (DeleteTable is asynchronous: DynamoDB API reference, DeleteTable).
  server = dynalite({ path: dataDir, createTableMs: 20, deleteTableMs: 20, updateTableMs: 20 })
  dynaliteHandler = server.listeners('request')[0]
  server.removeAllListeners('request')
  server.on('request', route)
  server.on('error', e => fail(`cannot listen on 127.0.0.1: ${e.message}`))
  server.listen(0, '127.0.0.1', async () => {
    port = server.address().port
    // dynalite opens LevelDB at its first request: make it now, so that the lock is held from here on and a
    // database that cannot open fails here, with a message, rather than on a caller's first request.
    const ready = await call('ListTables', { Limit: 1 })
    if (ready.error) fail(`dynalite is not ready: ${JSON.stringify(ready.error)}`)
    process.stdout.write(JSON.stringify({ port }) + '\n')
    setTimeout(sweep, sweepMs).unref()
  })
}

process.stdin.on('end', shutdown)
process.stdin.on('error', shutdown)
process.stdin.resume()
process.on('SIGTERM', shutdown)
process.on('uncaughtException', e => {
  if (!closing) process.stderr.write(`${e.stack || e}\n`)
  fail(e.code === 'LEVEL_DATABASE_NOT_OPEN' ? `the DynamoDB data in ${dataDir} is not open (${e.message})` : String(e.message || e))
})

// LevelDB lets one process hold a database. dynalite opens it lazily and then fails every request with
// LEVEL_DATABASE_NOT_OPEN, so find out first, while the message can still say why.
async function ensureUnlocked () {
  if (!dataDir) return
  fs.mkdirSync(dataDir, { recursive: true })
  const { Level } = require('level')
  const probe = new Level(dataDir)
  try {
    await probe.open()
  } catch (e) {
    const locked = (e.cause && e.cause.code === 'LEVEL_LOCKED') || /lock/i.test(String(e.cause && e.cause.message))
    fail(locked ? `work dir in use by another local runtime: ${options.path} is locked by another process`
      : `cannot open the DynamoDB data in ${dataDir}: ${(e.cause && e.cause.message) || e.message}`)
  }
  await probe.close()
}

function shutdown () {
  closing = true
  const timer = setTimeout(() => process.exit(0), 2000)
  timer.unref()
  if (!server) process.exit(0) // never started: no options came
  try {
    server.close(() => process.exit(0))
  } catch {
    process.exit(0)
  }
}

function route (req, res) {
  // A page in the user's browser sends an Origin header (and a preflight for JSON posts), and fetch metadata
  // (Sec-Fetch-Site) naming another site. No AWS SDK or CLI does: refuse, so that no web page can read or write
  // the local tables. The same rule as the Java stand-ins' (dev.vidmeta.local.http.LocalRequestGuard). Requests
  // without a SigV4-shaped Authorization are dynalite's to refuse, with live DynamoDB's own error
  // (MissingAuthenticationTokenException / IncompleteSignatureException, 400).
  const site = String(req.headers['sec-fetch-site'] || 'none').toLowerCase()
  if (req.headers.origin !== undefined || req.method === 'OPTIONS' || (site !== 'none' && site !== 'same-origin')) {
    return send(res, 403, 'AccessDeniedException',
      'The local DynamoDB refuses cross-origin requests (Origin: ' + (req.headers.origin || 'none') + ')')
  }
  const target = String(req.headers['x-amz-target'] || '')
  if (target === 'DynamoDB_20120810.UpdateTimeToLive' || target === 'DynamoDB_20120810.DescribeTimeToLive') {
    if (!signed(req)) return send(res, 400, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token')
    return readJson(req, res, body => target.endsWith('UpdateTimeToLive') ? updateTtl(body, res) : describeTtl(body, res))
  }
  dynaliteHandler(req, res)
}

// The shape dynalite checks for every other operation (it never verifies signatures).
function signed (req) {
  const auth = String(req.headers.authorization || '')
  return auth.startsWith('AWS4-') && /Credential=/.test(auth) && /Signature=/.test(auth) &&
    /SignedHeaders=/.test(auth) && (req.headers['x-amz-date'] || req.headers.date)
}

// UpdateTimeToLive (DynamoDB API reference): returns the TimeToLiveSpecification it was given.
// AWS takes up to an hour to apply a change and refuses another UpdateTimeToLive meanwhile; the twin applies
// it at once, so that refusal never happens here.
async function updateTtl (body, res) {
  const spec = body.TimeToLiveSpecification
  if (!body.TableName || !spec || typeof spec.Enabled !== 'boolean' || !spec.AttributeName) {
    return send(res, 400, 'ValidationException',
      'One or more parameter values were invalid: TableName, TimeToLiveSpecification.Enabled and ' +
      'TimeToLiveSpecification.AttributeName are required')
  }
  const table = await call('DescribeTable', { TableName: body.TableName })
  if (table.error) return send(res, table.status, table.error.__type.split('#').pop(), table.error.message)
  if (spec.Enabled) {
    ttl[body.TableName] = { AttributeName: spec.AttributeName, CreationDateTime: table.body.Table.CreationDateTime }
  } else {
    delete ttl[body.TableName]
  }
  saveTtl()
  send(res, 200, null, { TimeToLiveSpecification: spec })
}

async function describeTtl (body, res) {
  if (!body.TableName) return send(res, 400, 'ValidationException', 'TableName is required')
  const table = await call('DescribeTable', { TableName: body.TableName })
  if (table.error) return send(res, table.status, table.error.__type.split('#').pop(), table.error.message)
  const setting = current(body.TableName, table.body.Table)
  send(res, 200, null, {
    TimeToLiveDescription: setting
      ? { TimeToLiveStatus: 'ENABLED', AttributeName: setting.AttributeName }
      : { TimeToLiveStatus: 'DISABLED' },
  })
}

/** The table's TTL setting, or undefined; forgets one left by a deleted table of the same name. */
function current (name, table) {
  const setting = ttl[name]
  if (setting && table && setting.CreationDateTime !== table.CreationDateTime) {
    delete ttl[name]
    saveTtl()
    return undefined
  }
  return setting
}

// Which items TTL deletes ("Using DynamoDB Time to Live (TTL)", DynamoDB developer guide,
// time-to-live-ttl-before-you-start.html): the attribute is present, a top-level Number, epoch seconds, earlier
// than now, and no more than five years in the past. AWS deletes them within days, and until then they still
// show in reads; the twin deletes them at its next sweep. The DeleteItem is conditional on the item still
// being expired, so an item whose TTL was just extended survives.
async function sweep () {
  try {
    const now = Math.floor(Date.now() / 1000)
    const floor = now - 5 * 365 * 24 * 3600
    for (const name of Object.keys(ttl)) {
      const described = await call('DescribeTable', { TableName: name })
      if (described.error) {
        if (described.error.__type.endsWith('ResourceNotFoundException')) { delete ttl[name]; saveTtl() }
        continue
      }
      const setting = current(name, described.body.Table)
      if (!setting || described.body.Table.TableStatus !== 'ACTIVE') continue
      const keys = described.body.Table.KeySchema.map(k => k.AttributeName)
      const expired = { ExpressionAttributeNames: { '#ttl': setting.AttributeName },
        ExpressionAttributeValues: { ':now': { N: String(now) }, ':floor': { N: String(floor) } } }
      let start
      do {
        const page = await call('Scan', { TableName: name, FilterExpression: '#ttl < :now AND #ttl >= :floor',
          ExclusiveStartKey: start, ...expired })
        if (page.error) break
        for (const item of page.body.Items) {
          const key = Object.fromEntries(keys.map(k => [k, item[k]]))
          await call('DeleteItem', { TableName: name, Key: key, ConditionExpression: '#ttl < :now',
            ExpressionAttributeNames: expired.ExpressionAttributeNames,
            ExpressionAttributeValues: { ':now': { N: String(now) } } })
        }
        start = page.body.LastEvaluatedKey
      } while (start)
    }
  } catch (e) {
    process.stderr.write(`ttl sweep: ${e.stack || e}\n`)
  }
  setTimeout(sweep, sweepMs).unref()
}

/** One DynamoDB call to this very server, through dynalite as any client's. */
function call (operation, body) {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.' + operation,
      'x-amz-date': new Date().toISOString().replace(/[-:]|\.\d{3}/g, ''),
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, ' +
        'SignedHeaders=host;x-amz-date, Signature=local',
      'content-length': Buffer.byteLength(payload),
    } }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { text += chunk })
      res.on('end', () => {
        const parsed = text ? JSON.parse(text) : {}
        resolve(res.statusCode === 200 ? { body: parsed } : { status: res.statusCode, error: parsed })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

function readJson (req, res, handle) {
  let text = ''
  req.setEncoding('utf8')
  req.on('data', chunk => { text += chunk })
  req.on('end', () => {
    let body
    try {
      body = JSON.parse(text || '{}')
    } catch {
      return send(res, 400, 'SerializationException', 'Start of structure or map found where not expected')
    }
    Promise.resolve(handle(body)).catch(e => send(res, 500, 'InternalServerError', String(e.message || e)))
  })
}

function send (res, status, type, messageOrBody) {
  const body = JSON.stringify(type
    ? { __type: 'com.amazonaws.dynamodb.v20120810#' + type, message: messageOrBody }
    : messageOrBody)
  res.statusCode = status
  res.setHeader('Content-Type', 'application/x-amz-json-1.0')
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

function loadTtl () {
  if (!ttlFile || !fs.existsSync(ttlFile)) return {}
  return JSON.parse(fs.readFileSync(ttlFile, 'utf8'))
}

function saveTtl () {
  if (!ttlFile) return
  // Write then rename, so that a crash leaves the old file or the new one, never half of one.
  fs.writeFileSync(ttlFile + '.tmp', JSON.stringify(ttl, null, 2))
  fs.renameSync(ttlFile + '.tmp', ttlFile)
}

function fail (message) {
  if (closing) process.exit(0) // the parent went away: nobody is left to read why
  process.stdout.write(JSON.stringify({ error: message }) + '\n')
  process.exit(1)
}
