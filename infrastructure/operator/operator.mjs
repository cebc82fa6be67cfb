// Sends an operator's console event (a JSON file, as in events/) to a running local suite and prints the answer:
//   ./operator events/consent-admin/register-site.json
//   ./operator --port 3001 events/retention/admin-place-subject-hold.json
//   ./operator --function RequestsOperatorFunction my-event.json
// The local suite answers Lambda's Invoke API on its HTTP port. Exit 0: answered; 1: the answer is an error
// (the console's {"error":…} or a failed function); 2: bad usage, unreadable event, no suite running.
import { readFileSync } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'

// Which console function reads an event, by its folder under events/ (and, for retention, its name).
const FUNCTIONS = [
  [/^consent-admin\//, 'ConsentAdminFunction'],
  [/^requests-operator\//, 'RequestsOperatorFunction'],
  [/^retention\/admin-/, 'RetentionAdminFunction']
]
const USAGE = 'usage: ./operator [--port N] [--function NAME] EVENT.json\n' +
  '  NAME: ConsentAdminFunction, RequestsOperatorFunction, RetentionAdminFunction (guessed from events/<folder>/)'

function fail(message) {
  process.stderr.write(message + '\n')
  process.exit(2)
}

const args = process.argv.slice(2)
let port = process.env.PORT || '3000'
let fn = null
let file = null
while (args.length) {
  const a = args.shift()
  if (a === '--port' || a === '-p') port = args.shift()
  else if (a === '--function' || a === '-f') fn = args.shift()
  else if (a === '--help' || a === '-h') fail(USAGE)
  else if (a.startsWith('-') || file) fail(`unexpected argument ${a}\n${USAGE}`)
  else file = a
}
if (!file) fail(USAGE)
if (!/^[0-9]{1,5}$/.test(port || '') || +port < 1 || +port > 65535) fail(`--port must be a port number, not ${port}`)
if (fn !== null && !/^[A-Za-z0-9_-]{1,64}$/.test(fn || '')) fail(`--function must be a function's logical id`)

const path = resolve(file)
if (!fn) {
  const folderAndName = basename(dirname(path)) + '/' + basename(path)
  fn = (FUNCTIONS.find(([pattern]) => pattern.test(folderAndName)) || [])[1]
  if (!fn) fail(`${file}: not an operator event of events/consent-admin, events/requests-operator or ` +
    `events/retention/admin-*; name the function with --function\n${USAGE}`)
}
let event
try {
  event = readFileSync(path, 'utf8')
} catch (e) {
  fail(`cannot read ${file}: ${e.code || e.message}`)
}
try {
  const parsed = JSON.parse(event)
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`${file}: the event must be a JSON object`)
} catch (e) {
  fail(`${file}: not JSON (${e.message})`)
}

const url = `http://127.0.0.1:${port}/2015-03-31/functions/${fn}/invocations`
let response
try {
  response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: event })
} catch (e) {
  fail(`no local suite answers on port ${port} (start it with ./run-local): ${e.cause?.code || e.message}`)
}
const text = await response.text()
let answer
try {
  answer = JSON.parse(text)
} catch {
  answer = text
}
process.stdout.write((typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2)) + '\n')
const failed = response.status !== 200 || response.headers.get('x-amz-function-error') ||
  (answer && typeof answer === 'object' && 'error' in answer)
if (response.status === 404) process.stderr.write(`no function ${fn} in this suite\n`)
process.exit(failed ? 1 : 0)
