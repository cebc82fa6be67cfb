import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  suite, browser, reply, networkError, consentBody, settle, client, watched, UUID_V4, SITE
} from './fakes.js'

let b
beforeEach(() => {
  b = browser()
})
afterEach(() => b.restore())

const storedConsent = (overrides = {}) => ({
  consentId: randomUUID(),
  version: 1,
  key: 'k1.' + 'B'.repeat(43),
  categories: { preferences: true, statistics: true, marketing: false },
  ...overrides
})
const store = value => b.store.set('privacysuite', typeof value == 'string' ? value : JSON.stringify(value))
const verifyAnswer = (status, s, extra = {}) =>
  reply(200, { status, consentId: s.consentId, latestVersion: s.version, currentBannerVersion: '2026-11', ...extra })

test('record derives the method from the categories and sends what the API asks for', async () => {
  const cases = [
    [{ preferences: true, statistics: true, marketing: true }, 'accept_all'],
    [{ preferences: false, statistics: false, marketing: false }, 'reject_all'],
    [{ statistics: true }, 'custom'],
    [{}, 'reject_all']
  ]
  for (const [categories, method] of cases) {
    b.answers.push(reply(201, consentBody()))
    await client().record(categories)
  }
  const sent = b.bodies('/consents')
  assert.deepEqual(sent.map(s => s.method), cases.map(c => c[1]))
  assert.deepEqual(sent[2].categories, { preferences: false, statistics: true, marketing: false })
  assert.equal(sent[0].bannerVersion, '2026-11')
  assert.equal(sent[0].pageUrl, 'https://shop.example.com/cart', 'no query: it may hold an address or a token')
  assert.ok(b.calls.every(c => c.url == SITE + '/consents' && c.method == 'POST' && c.keepalive === true))
  assert.ok(b.calls.every(c => c.headers['content-type'] == 'application/json' && c.credentials == 'omit'))
})

test('a recorded consent is stored as consentId, version, key and the categories the API answered', async () => {
  const answer = consentBody({ categories: { statistics: true } })
  b.answers.push(reply(201, answer))
  const { client: c, seen } = watched()
  const state = await c.save({ statistics: true, marketing: true })
  const expected = {
    consentId: answer.consentId,
    version: 1,
    key: answer.key,
    categories: { preferences: false, statistics: true, marketing: false }
  }
  assert.deepEqual(b.stored(), expected)
  assert.deepEqual(state, expected)
  assert.deepEqual(c.consent, expected)
  assert.deepEqual(seen.consent, [{ ...expected, source: 'record' }])
})

test('request ids are random UUIDv4, one per action, never reused across actions', async () => {
  const first = consentBody()
  b.answers.push(reply(201, first))
  b.answers.push(reply(200, consentBody({ consentId: first.consentId, version: 2 })))
  b.answers.push(reply(200, consentBody({ consentId: first.consentId, version: 3, method: 'withdrawal' })))
  const c = client()
  await c.save({ statistics: true })
  await c.save({ marketing: true })
  await c.withdraw()
  const ids = b.calls.map(call => JSON.parse(call.body).clientRequestId)
  assert.equal(ids.length, 3)
  assert.ok(ids.every(id => UUID_V4.test(id)), ids.join())
  assert.equal(new Set(ids).size, 3)
})

test('retries of one action repeat its request id and body; the next action gets a new id', async () => {
  b.answers.push(networkError(), reply(503, {}), reply(201, consentBody()))
  const c = client()
  await c.record({ statistics: true })
  b.answers.push(reply(200, consentBody({ version: 2 })))
  await c.change({ statistics: false })
  const bodies = b.calls.map(call => call.body)
  assert.equal(bodies[0], bodies[1])
  assert.equal(bodies[1], bodies[2])
  assert.notEqual(JSON.parse(bodies[3]).clientRequestId, JSON.parse(bodies[0]).clientRequestId)
})

test('without crypto.randomUUID (an http page) request ids are still UUIDv4 from getRandomValues', async () => {
  const real = globalThis.crypto
  Object.defineProperty(globalThis, 'crypto', {
    value: { getRandomValues: a => real.getRandomValues(a) },
    configurable: true
  })
  try {
    const ids = Array.from({ length: 200 }, () => suite.requestId())
    assert.ok(ids.every(id => UUID_V4.test(id)), ids.find(id => !UUID_V4.test(id)))
    assert.equal(new Set(ids).size, 200)
  } finally {
    Object.defineProperty(globalThis, 'crypto', { value: real, configurable: true })
  }
})

test('network errors and 5xx are retried with exponential backoff', async () => {
  b.answers.push(networkError(), reply(500, {}), reply(502, {}), reply(503, {}), reply(201, consentBody()))
  await client({ retryDelay: 100, retries: 4 }).record({ statistics: true })
  assert.equal(b.calls.length, 5)
  const waits = b.delays
  assert.equal(waits.length, 4)
  waits.forEach((ms, n) => assert.ok(ms >= 50 * 2 ** n && ms <= 100 * 2 ** n, `wait ${n} was ${ms} ms`))
})

test('429 waits as long as retry-after says, in seconds or as an HTTP date', async () => {
  b.answers.push(reply(429, { error: { code: 'too_many_requests' } }, { 'retry-after': '7' }), reply(201, consentBody()))
  await client().record({})
  assert.deepEqual(b.delays, [7000])
  const date = new Date(Date.now() + 30_000).toUTCString()
  b.answers.push(reply(429, {}, { 'retry-after': date }), reply(201, consentBody()))
  await client().record({})
  assert.ok(b.delays[1] > 28_000 && b.delays[1] <= 30_000, String(b.delays[1]))
  assert.equal(b.calls.length, 4)
})

for (const status of [400, 403, 404, 409, 410, 413, 415]) {
  test(`a ${status} answer is never retried and rejects with the API's error code`, async () => {
    b.answers.push(reply(status, { error: { code: 'code_' + status, message: 'refused' } }))
    const { client: c, seen } = watched()
    await assert.rejects(c.record({}), e => e instanceof suite.ConsentError && e.status == status && e.code == 'code_' + status)
    assert.equal(b.calls.length, 1)
    assert.equal(seen.error.length, 1)
    assert.equal(b.stored(), undefined, 'a refused write is not kept for a replay')
  })
}

test('after the last retry the write stays in storage and the next page replays it with the same request id', async () => {
  b.answers.push(networkError(), networkError(), networkError())
  await assert.rejects(client({ retries: 2 }).record({ statistics: true }), e => e.code == 'network')
  const kept = b.stored().pending
  assert.equal(kept.m, 'POST')
  assert.equal(kept.p, '/consents')
  const original = JSON.parse(kept.b)

  const answer = consentBody({ categories: { statistics: true } })
  b.answers.push(reply(200, answer, { 'idempotent-replayed': 'true' }))
  const { client: next, seen } = watched()
  assert.equal(await next.start(), 'valid')
  const replayed = b.calls.at(-1)
  assert.equal(replayed.url, SITE + '/consents')
  assert.equal(replayed.body, kept.b)
  assert.equal(JSON.parse(replayed.body).clientRequestId, original.clientRequestId)
  assert.deepEqual(b.stored(), { consentId: answer.consentId, version: 1, key: answer.key,
    categories: { preferences: false, statistics: true, marketing: false } })
  assert.equal(seen.consent[0].source, 'replay')
})

test('change sends the stored key to PUT /consents/{id}; save records anew when the stored key is refused', async () => {
  const s = storedConsent()
  store(s)
  const c = client()
  await c.start().catch(() => {})
  b.calls.length = 0
  b.answers.push(reply(200, consentBody({ consentId: s.consentId, version: 2 })))
  await c.change({ preferences: true })
  assert.equal(b.calls[0].method, 'PUT')
  assert.equal(b.calls[0].url, SITE + '/consents/' + s.consentId)
  assert.equal(JSON.parse(b.calls[0].body).key, s.key)
  assert.equal(b.stored().version, 2)

  b.calls.length = 0
  const fresh = consentBody()
  b.answers.push(reply(403, { error: { code: 'invalid_key', message: 'no' } }), reply(201, fresh))
  await c.save({ marketing: true })
  assert.deepEqual(b.calls.map(call => call.method + ' ' + call.url), [
    'PUT ' + SITE + '/consents/' + s.consentId,
    'POST ' + SITE + '/consents'
  ])
  assert.equal(b.stored().consentId, fresh.consentId)
})

test('save does not start a new consent when the API refuses the origin', async () => {
  store(storedConsent())
  b.answers.push(reply(200, { status: 'valid' }))
  const c = client()
  await c.start()
  b.answers.push(reply(403, { error: { code: 'origin_not_allowed', message: 'no' } }))
  await assert.rejects(c.save({}), e => e.code == 'origin_not_allowed')
  assert.equal(b.calls.length, 2)
  assert.ok(b.stored().consentId, 'the stored consent is kept')
})

test('a second save waits for the first and changes the consent the first recorded', async () => {
  const first = consentBody()
  b.answers.push(reply(201, first), reply(200, consentBody({ consentId: first.consentId, version: 2 })))
  const c = client()
  await Promise.all([c.save({ statistics: true }), c.save({ statistics: false })])
  assert.equal(b.calls[1].method, 'PUT')
  assert.ok(b.calls[1].url.endsWith(first.consentId))
  assert.equal(JSON.parse(b.calls[1].body).key, first.key)
})

test('withdraw stores the new version and key, refuses every category and updates Consent Mode', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(verifyAnswer('valid', s))
  const { client: c, seen } = watched()
  await c.start()
  const withdrawal = consentBody({ consentId: s.consentId, version: 2, method: 'withdrawal' })
  b.answers.push(reply(200, withdrawal))
  await c.withdraw()
  const call = b.calls.at(-1)
  assert.equal(call.url, SITE + '/consents/' + s.consentId + '/withdraw')
  const body = JSON.parse(call.body)
  assert.equal(body.key, s.key)
  assert.equal(body.pageUrl, 'https://shop.example.com/cart')
  assert.match(body.clientRequestId, UUID_V4)
  assert.deepEqual(b.stored(), { consentId: s.consentId, version: 2, key: withdrawal.key,
    categories: { preferences: false, statistics: false, marketing: false } })
  assert.notEqual(withdrawal.key, s.key)
  assert.equal(seen.consent.at(-1).source, 'withdraw')
  assert.deepEqual(b.gtag.at(-1), ['consent', 'update', {
    ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied',
    functionality_storage: 'granted', personalization_storage: 'denied'
  }])
})

test('withdraw and change without a stored consent reject without calling the API', async () => {
  const c = client()
  await assert.rejects(c.withdraw(), e => e.code == 'no_consent')
  await assert.rejects(c.change({}), e => e.code == 'no_consent')
  assert.equal(b.calls.length, 0)
})

test('start verifies the stored consent by POST with the key in the body, never in the URL', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(verifyAnswer('valid', s))
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'valid')
  const call = b.calls[0]
  assert.equal(call.method, 'POST')
  assert.equal(call.url, SITE + '/consents/' + s.consentId + '/verify')
  assert.ok(!call.url.includes(s.key))
  assert.deepEqual(JSON.parse(call.body), { version: 1, key: s.key, categories: s.categories })
  assert.equal(call.keepalive, false)
  assert.deepEqual(seen.show, [])
  assert.equal(seen.consent[0].source, 'storage')
  assert.deepEqual(b.stored(), s)
})

for (const status of ['invalid', 'expired', 'outdated_version', 'superseded']) {
  test(`a stored consent the API calls ${status} is dropped and the banner asked to show`, async () => {
    const s = storedConsent()
    store(s)
    b.answers.push(verifyAnswer(status, s))
    const { client: c, seen } = watched()
    assert.equal(await c.start(), 'asked')
    assert.deepEqual(seen.show, [status])
    assert.equal(b.stored(), undefined)
    assert.equal(c.consent, null)
    assert.equal(b.gtag.at(-1)[2].analytics_storage, 'denied', 'consent mode falls back to denied')
  })
}

test('a verify answer of 404 (consent erased or never recorded) asks again', async () => {
  store(storedConsent())
  b.answers.push(reply(404, { error: { code: 'not_found', message: 'Consent not found.' } }))
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'asked')
  assert.equal(b.calls.length, 1, 'the suite error envelope is not a missing route: no GET')
  assert.deepEqual(seen.show, ['invalid'])
})

const tampered = [
  ['not JSON', '{"consentId":'],
  ['a JSON array', '[1,2]'],
  ['a consent id that is no UUID', { ...storedConsent(), consentId: 'x' }],
  ['a consent id in an array', { ...storedConsent(), consentId: [randomUUID()] }],
  ['a version that is a string', { ...storedConsent(), version: '1' }],
  ['a version of 0', { ...storedConsent(), version: 0 }],
  ['a key without its key id', { ...storedConsent(), key: 'abc' }],
  ['a category that is not a boolean', { ...storedConsent(), categories: { preferences: 'yes', statistics: true, marketing: false } }],
  ['a missing category', { ...storedConsent(), categories: { preferences: true, statistics: true } }],
  ['a pending write to another path', { pending: { m: 'POST', p: '/../../admin', b: '{}' } }],
  ['a pending DELETE', { pending: { m: 'DELETE', p: '/consents', b: '{}' } }]
]
for (const [what, value] of tampered) {
  test(`tampered storage (${what}) is dropped and the banner asked to show, without a call`, async () => {
    store(value)
    const { client: c, seen } = watched()
    assert.equal(await c.start(), 'asked')
    assert.deepEqual(seen.show, ['tampered'])
    assert.deepEqual(seen.consent, [])
    assert.equal(b.store.has('privacysuite'), false)
    assert.equal(b.calls.length, 0)
  })
}

test('altered categories pass the local check and are caught by the key: invalid, asked again', async () => {
  const s = storedConsent({ categories: { preferences: true, statistics: true, marketing: true } })
  store(s)
  b.answers.push(call => verifyAnswer(JSON.parse(call.body).categories.marketing ? 'invalid' : 'valid', s))
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'asked')
  assert.deepEqual(seen.show, ['invalid'])
})

test('POST verify answered 404 by a server without the route falls back to GET once', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(reply(404, { message: 'Not Found' }), verifyAnswer('valid', s))
  assert.equal(await client().start(), 'valid')
  assert.deepEqual(b.calls.map(c => c.method), ['POST', 'GET'])
  const url = new URL(b.calls[1].url)
  assert.equal(url.pathname, '/v1/sites/shop/consents/' + s.consentId + '/verify')
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    version: '1', key: s.key, preferences: 'true', statistics: 'true', marketing: 'false'
  })
})

test('POST verify answered 405 falls back to GET; a GET failure is not retried by POST again', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(reply(405, null), reply(400, { error: { code: 'validation_failed', message: 'x' } }))
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'asked')
  assert.deepEqual(b.calls.map(c => c.method), ['POST', 'GET'])
  assert.deepEqual(seen.show, ['invalid'])
})

test('POST verify failing as a network error (a CORS-less 404) falls back to GET after its retries', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(networkError(), networkError(), verifyAnswer('valid', s))
  assert.equal(await client({ retries: 1 }).start(), 'valid')
  assert.deepEqual(b.calls.map(c => c.method), ['POST', 'POST', 'GET'])
})

test("verifyMethod 'GET' verifies with the existing GET route only", async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(verifyAnswer('valid', s))
  assert.equal(await client({ verifyMethod: 'GET' }).start(), 'valid')
  assert.deepEqual(b.calls.map(c => c.method), ['GET'])
  assert.equal(b.calls[0].body, undefined)
})

test('an unreachable API leaves the stored consent applied and unverified, and asks nothing', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(networkError(), networkError(), networkError(), networkError())
  const { client: c, seen } = watched({ retries: 1 })
  assert.equal(await c.start(), 'unverified')
  assert.deepEqual(seen.show, [])
  assert.equal(seen.error.length, 1)
  assert.deepEqual(b.stored(), s)
  assert.equal(b.gtag.at(-1)[2].analytics_storage, 'granted')
})

test('a banner version other than the registered one is reported, not asked again in a loop', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(verifyAnswer('outdated_version', s, { currentBannerVersion: '2026-12' }))
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'unverified')
  assert.deepEqual(seen.show, [])
  assert.equal(seen.error[0].code, 'banner_version_mismatch')
})

test('start runs once: a second call returns the same result without a second verification', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(verifyAnswer('valid', s))
  const c = client()
  assert.equal(await Promise.all([c.start(), c.start()]).then(r => r.join()), 'valid,valid')
  assert.equal(b.calls.length, 1)
  b.answers.push(verifyAnswer('superseded', s))
  assert.equal(await c.verify(), 'asked', 'verify() checks again on demand')
})

test('nothing stored: start resolves none without a call', async () => {
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'none')
  assert.equal(b.calls.length, 0)
  assert.deepEqual(seen.show, [])
})

test('with Global Privacy Control a marketing grant is recorded as method gpc with marketing off', async () => {
  b.restore()
  b = browser({ gpc: true })
  b.answers.push(reply(201, consentBody({ method: 'gpc', gpc: true })), reply(201, consentBody()))
  const c = client()
  assert.equal(c.gpc, true)
  await c.record({ preferences: true, statistics: true, marketing: true })
  await c.record({ statistics: true })
  const [accepted, custom] = b.bodies('/consents')
  assert.equal(accepted.method, 'gpc')
  assert.deepEqual(accepted.categories, { preferences: true, statistics: true, marketing: false })
  assert.equal(custom.method, 'custom')
})

test('without Global Privacy Control accept all stays accept_all', async () => {
  b.answers.push(reply(201, consentBody()))
  const c = client()
  assert.equal(c.gpc, false)
  await c.record({ preferences: true, statistics: true, marketing: true })
  assert.equal(b.bodies('/consents')[0].method, 'accept_all')
})

test('Consent Mode: denied by default before a choice, then updated from the categories', async () => {
  const c = client()
  assert.deepEqual(b.gtag[0], ['consent', 'default', {
    ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied',
    functionality_storage: 'granted', personalization_storage: 'denied', wait_for_update: 500
  }])
  b.answers.push(reply(201, consentBody({ categories: { preferences: true, statistics: true } })))
  await c.record({ preferences: true, statistics: true })
  assert.deepEqual(b.gtag[1], ['consent', 'update', {
    ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted',
    functionality_storage: 'granted', personalization_storage: 'granted'
  }])
  b.answers.push(reply(200, consentBody({ version: 2, categories: { marketing: true } })))
  await c.change({ marketing: true })
  const last = b.gtag[2][2]
  assert.equal(last.ad_storage, 'granted')
  assert.equal(last.ad_user_data, 'granted')
  assert.equal(last.ad_personalization, 'granted')
  assert.equal(last.analytics_storage, 'denied')
})

test('Consent Mode map is configurable, and can be turned off', async () => {
  const c = client({ consentMode: { analytics_storage: 'preferences', ad_storage: 'statistics' } })
  b.answers.push(reply(201, consentBody({ categories: { statistics: true } })))
  await c.record({ statistics: true })
  assert.deepEqual(b.gtag.at(-1), ['consent', 'update', { analytics_storage: 'denied', ad_storage: 'granted' }])
  assert.deepEqual(suite.consentModeSignals({ marketing: true }), {
    ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'denied',
    functionality_storage: 'granted', personalization_storage: 'denied'
  })
  const calls = b.gtag.length
  b.answers.push(reply(201, consentBody()))
  await client({ consentMode: false }).record({})
  assert.equal(b.gtag.length, calls)
})

test('no gtag on the page: nothing breaks', async () => {
  b.restore()
  b = browser({ gtag: false })
  b.answers.push(reply(201, consentBody()))
  await client().record({ statistics: true })
  assert.equal(b.stored().version, 1)
})

test('cookieDomain keeps the consent in a Secure SameSite=Lax cookie on the parent domain', async () => {
  const answer = consentBody()
  b.answers.push(reply(201, answer))
  await client({ cookieDomain: '.example.com' }).record({ statistics: true })
  assert.equal(b.store.size, 0, 'nothing in localStorage')
  const write = b.cookieWrites.at(-1)
  assert.match(write, /^privacysuite=[^;]+; Domain=\.example\.com; Path=\/; Secure; SameSite=Lax; Max-Age=34560000$/)
  assert.equal(JSON.parse(decodeURIComponent(b.cookies.get('privacysuite'))).key, answer.key)

  b.answers.push(verifyAnswer('valid', answer))
  const other = client({ cookieDomain: '.example.com' })
  assert.equal(await other.start(), 'valid')
  assert.equal(other.consent.consentId, answer.consentId)

  b.answers.push(verifyAnswer('expired', answer))
  assert.equal(await other.verify(), 'asked')
  assert.equal(b.cookies.has('privacysuite'), false)
  assert.match(b.cookieWrites.at(-1), /Max-Age=0$/)
})

test('page hide: a write waiting in backoff goes out as a beacon (POST) or a keep-alive fetch (PUT)', async () => {
  const s = storedConsent()
  store(s)
  b.answers.push(verifyAnswer('valid', s))
  const c = client()
  await c.start()
  // Retries wait for ever from here on, as a page about to go away would.
  globalThis.setTimeout = () => 1
  b.answers.push(reply(503, {}))
  const change = c.change({ marketing: true })
  await settle()
  const put = b.calls.at(-1)
  b.answers.push(reply(202, {}))
  globalThis.dispatchEvent(new Event('pagehide'))
  const flushed = b.calls.at(-1)
  assert.equal(flushed.method, 'PUT')
  assert.equal(flushed.keepalive, true)
  assert.equal(flushed.body, put.body)
  assert.equal(b.beacons.length, 0)
  void change

  store(s)
  const next = client()
  b.answers.push(verifyAnswer('valid', s))
  await next.start()
  b.answers.push(reply(503, {}))
  const withdrawal = next.withdraw()
  await settle()
  const post = b.calls.at(-1)
  b.documentEvents.dispatchEvent(new Event('visibilitychange'))
  assert.equal(b.beacons.length, 0, 'visible: nothing is sent')
  globalThis.document.visibilityState = 'hidden'
  b.documentEvents.dispatchEvent(new Event('visibilitychange'))
  assert.equal(b.beacons.length, 1)
  assert.equal(b.beacons[0].url, post.url)
  assert.equal(b.beacons[0].data.type, 'text/plain')
  assert.equal(await b.beacons[0].data.text(), post.body)
  globalThis.dispatchEvent(new Event('pagehide'))
  assert.equal(b.beacons.length, 1, 'each waiting write goes out once')
  void withdrawal
})

test('options are checked when the client is created', () => {
  const ok = { api: 'https://privacy.example.com', siteId: 'shop', bannerVersion: '2026-11' }
  assert.doesNotThrow(() => suite.create(ok))
  for (const bad of [
    { ...ok, api: '' },
    { ...ok, siteId: 'Shop!' },
    { ...ok, bannerVersion: '2026 11' },
    { ...ok, verifyMethod: 'PATCH' },
    { ...ok, storageKey: 'a;b' },
    { ...ok, cookieDomain: 'example.com; Secure=0' }
  ]) {
    assert.throws(() => suite.create(bad), TypeError, JSON.stringify(bad))
  }
})

test('the API base URL may end with a slash', async () => {
  b.answers.push(reply(201, consentBody()))
  await client({ api: 'https://privacy.example.com/' }).record({})
  assert.equal(b.calls[0].url, SITE + '/consents')
})

test('an answer without a consent is an error and leaves nothing pending', async () => {
  b.answers.push(reply(201, { hello: 'world' }))
  await assert.rejects(client().record({}), e => e.code == 'bad_answer')
  assert.equal(b.stored(), undefined)
})

test('an error nobody listens to is still printed as a console warning', async () => {
  b.answers.push(reply(403, { error: { code: 'origin_not_allowed', message: 'This origin is not registered for the site.' } }))
  await client().record({}).catch(() => {})
  assert.equal(b.warnings.length, 1)
  assert.equal(b.warnings[0][1].code, 'origin_not_allowed')
  const { client: c, seen } = watched()
  b.answers.push(reply(403, { error: { code: 'origin_not_allowed', message: 'no' } }))
  await c.record({}).catch(() => {})
  assert.equal(seen.error.length, 1)
  assert.equal(b.warnings.length, 1, 'a listener takes the place of the warning')
})

test('storage that cannot be read (switched off) is no tampering: nothing stored, an error, no banner forced', async () => {
  globalThis.localStorage.getItem = () => {
    throw new DOMException('The operation is insecure.', 'SecurityError')
  }
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'none')
  assert.deepEqual(seen.show, [])
  assert.equal(seen.error[0].name, 'SecurityError')
})

test('a 200 that is not the API (a captive portal page) neither stores nor asks again', async () => {
  const html = () => new Response('<html>Log in to the Wi-Fi</html>', { status: 200 })
  b.answers.push(html())
  await assert.rejects(client().record({}), e => e.code == 'bad_answer')
  assert.equal(b.stored(), undefined)
  const s = storedConsent()
  store(s)
  b.answers.push(html())
  const { client: c, seen } = watched()
  assert.equal(await c.start(), 'unverified')
  assert.deepEqual(seen.show, [])
  assert.equal(seen.error[0].code, 'bad_answer')
  assert.deepEqual(b.stored(), s)
})

test('policy() reads the policy versions of the site, without keep-alive or a body', async () => {
  const current = { version: '2026-11', effectiveAt: '2026-11-01T00:00:00Z', summary: 's', link: 'https://x/p', material: false }
  b.answers.push(reply(200, { current }))
  const answer = await client().policy()
  assert.deepEqual(answer, { current })
  assert.equal(b.calls.length, 1)
  assert.equal(b.calls[0].url, SITE + '/policy')
  assert.equal(b.calls[0].method, 'GET')
  assert.equal(b.calls[0].body, undefined)
})
