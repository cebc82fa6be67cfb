import { test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { suite, browser, reply, consentBody, settle, client, SITE } from './fakes.js'
import { fakeKlaro, fakeOrejime, fakeCookieConsent } from './banners.js'

let b
beforeEach(() => {
  b = browser()
})
afterEach(() => b.restore())

const NONE = { preferences: false, statistics: false, marketing: false }
const stored = (categories = { preferences: true, statistics: true, marketing: false }) => {
  const s = { consentId: randomUUID(), version: 1, key: 'k1.' + 'C'.repeat(43), categories }
  b.store.set('privacysuite', JSON.stringify(s))
  return s
}
const valid = s => reply(200, { status: 'valid', consentId: s.consentId, latestVersion: s.version, currentBannerVersion: '2026-11' })
/** Answers every write with the consent version it asked for, as the API would (version counted per consent). */
const api = () => {
  const consentId = randomUUID()
  let version = 0
  return call => {
    const body = JSON.parse(call.body)
    version++
    const withdrawal = call.url.endsWith('/withdraw')
    return reply(version == 1 ? 201 : 200, consentBody({
      consentId,
      version,
      method: withdrawal ? 'withdrawal' : body.method,
      categories: withdrawal ? NONE : body.categories
    }))
  }
}
const writes = () => b.calls.filter(c => !c.url.endsWith('/verify'))

const KLARO_SERVICES = [
  { name: 'google-analytics', purposes: ['analytics'] },
  { name: 'matomo', purposes: ['analytics'] },
  { name: 'facebook-pixel', purposes: ['marketing'] },
  { name: 'intercom', purposes: ['livechat'] },
  { name: 'session', purposes: ['functional'], required: true }
]

/** A Klaro banner connected to a client, on which the visitor has just accepted all. */
async function klaroAccepted() {
  const k = fakeKlaro(KLARO_SERVICES)
  const c = suite.klaro(client(), { klaro: k })
  await c.start()
  b.answers.push(api())
  k.manager.click('accept', true)
  await settle()
  return { k, c }
}

test('klaro: accepting all records one consent, mapped by purpose', async () => {
  const { c } = await klaroAccepted()
  assert.equal(writes().length, 1)
  const sent = JSON.parse(writes()[0].body)
  assert.equal(sent.method, 'custom', 'intercom (livechat) maps to nothing, so preferences stay refused')
  assert.deepEqual(sent.categories, { preferences: false, statistics: true, marketing: true })
  assert.deepEqual(c.consent.categories, { preferences: false, statistics: true, marketing: true })
})

test('klaro: a category is granted when any of its services is; the map may name services', async () => {
  const k = fakeKlaro(KLARO_SERVICES)
  const c = suite.klaro(client(), { klaro: k, map: { matomo: 'statistics', intercom: 'preferences', marketing: 'marketing' } })
  await c.start()
  b.answers.push(api())
  k.manager.updateConsent('matomo', true)
  k.manager.updateConsent('intercom', true)
  k.manager.click('save')
  await settle()
  assert.deepEqual(JSON.parse(writes()[0].body).categories, { preferences: true, statistics: true, marketing: false })
})

test('klaro: a withdrawal through the suite declines every service in the banner, without a second write', async () => {
  const { k, c } = await klaroAccepted()
  const saves = k.manager.saves
  b.answers.push(reply(200, consentBody({ consentId: c.consent.consentId, version: 2, method: 'withdrawal' })))
  await c.withdraw()
  await settle()
  assert.equal(writes().length, 2, 'the record and the withdrawal, nothing echoed back')
  assert.equal(k.manager.saves, saves + 1)
  assert.equal(k.manager.confirmed, true)
  assert.deepEqual(k.manager.consents, {
    'google-analytics': false, matomo: false, 'facebook-pixel': false, intercom: false, session: true
  }, 'intercom maps to no category and is withdrawn all the same; the required session stays')
})

test('klaro: tampered storage resets the banner and shows it', async () => {
  b.store.set('privacysuite', '{"consentId":"forged"}')
  const k = fakeKlaro(KLARO_SERVICES)
  k.manager.click('accept', true)
  const config = { services: KLARO_SERVICES }
  suite.klaro(client(), { klaro: k, config })
  await settle()
  assert.equal(k.manager.confirmed, false)
  assert.equal(k.manager.consents['google-analytics'], false)
  assert.deepEqual(k.shows, [config])
  assert.equal(b.calls.length, 0)
})

test('klaro: asked again before the page has loaded, Klaro is reset and left to show itself when it renders', async () => {
  b.store.set('privacysuite', '{"consentId":"forged"}')
  globalThis.document.readyState = 'loading'
  const k = fakeKlaro(KLARO_SERVICES)
  k.manager.click('accept', true)
  suite.klaro(client(), { klaro: k })
  await settle()
  assert.equal(k.manager.confirmed, false)
  assert.deepEqual(k.shows, [], 'klaro.show would render into a document without a body yet')
})

test('klaro: a choice the banner keeps without the suite having a record of it is asked again', async () => {
  const k = fakeKlaro(KLARO_SERVICES)
  k.manager.click('accept', true)
  suite.klaro(client(), { klaro: k })
  await settle()
  assert.equal(k.shows.length, 1)
  assert.equal(k.manager.confirmed, false)
  assert.equal(b.calls.length, 0, 'nothing is recorded without a click')
})

test('klaro: a consent stored by another site of the group is applied to a banner that has none', async () => {
  const s = stored({ preferences: false, statistics: true, marketing: false })
  b.answers.push(valid(s))
  const k = fakeKlaro(KLARO_SERVICES)
  const c = suite.klaro(client(), { klaro: k })
  assert.equal(await c.start(), 'valid')
  assert.equal(k.manager.confirmed, true)
  assert.equal(k.manager.consents['google-analytics'], true)
  assert.equal(k.manager.consents['facebook-pixel'], false)
  assert.equal(k.shows.length, 0)
  assert.equal(writes().length, 0)
})

test('klaro: with GPC the refused marketing the API recorded is written back into the banner', async () => {
  b.restore()
  b = browser({ gpc: true })
  const { k } = await klaroAccepted()
  assert.equal(JSON.parse(writes()[0].body).method, 'gpc')
  assert.equal(k.manager.consents['facebook-pixel'], false)
  assert.equal(k.manager.consents['google-analytics'], true)
  assert.equal(writes().length, 1)
})

const OREJIME_PURPOSES = [
  { id: 'matomo', title: 'Matomo' },
  { id: 'youtube', title: 'YouTube' },
  { id: 'ads', title: 'Ads', purposes: [{ id: 'adsense', title: 'AdSense' }, { id: 'criteo', title: 'Criteo' }] },
  { id: 'session', title: 'Session', isMandatory: true }
]
const OREJIME_MAP = { matomo: 'statistics', youtube: 'preferences', ads: 'marketing' }

test('orejime: one update per purpose is folded into one consent version', async () => {
  const o = fakeOrejime(OREJIME_PURPOSES)
  const c = suite.orejime(client(), { orejime: o, map: OREJIME_MAP })
  await c.start()
  b.answers.push(api())
  for (const id of ['matomo', 'youtube', 'adsense', 'criteo', 'session']) o.manager.setConsent(id, id != 'youtube')
  o.manager.setConsent('youtube', true)
  assert.equal(o.manager.updates, 6)
  await settle()
  assert.equal(writes().length, 1)
  assert.deepEqual(JSON.parse(writes()[0].body).categories, { preferences: true, statistics: true, marketing: true })
  assert.equal(JSON.parse(writes()[0].body).method, 'accept_all')
})

test('orejime: decisions apart in time are two versions of one consent', async () => {
  const o = fakeOrejime(OREJIME_PURPOSES)
  const c = suite.orejime(client(), { orejime: o, map: OREJIME_MAP })
  await c.start()
  const answer = api()
  b.answers.push(answer, answer)
  o.manager.acceptAll()
  await settle()
  o.manager.setConsents({ adsense: false, criteo: false })
  await settle()
  assert.deepEqual(writes().map(w => w.method), ['POST', 'PUT'])
  assert.deepEqual(JSON.parse(writes()[1].body).categories, { preferences: true, statistics: true, marketing: false })
  assert.equal(c.consent.version, 2)
})

test('orejime: updates before the visitor decided on every purpose record nothing', async () => {
  const o = fakeOrejime(OREJIME_PURPOSES)
  const c = suite.orejime(client(), { orejime: o, map: OREJIME_MAP })
  await c.start()
  o.manager.setConsent('youtube', true)
  await settle()
  assert.equal(o.manager.isDirty(), true)
  assert.equal(writes().length, 0)
})

test('orejime: a withdrawal through the suite declines every mapped purpose, without an echo', async () => {
  const o = fakeOrejime(OREJIME_PURPOSES)
  const c = suite.orejime(client(), { orejime: o, map: OREJIME_MAP })
  await c.start()
  b.answers.push(api())
  o.manager.acceptAll()
  await settle()
  b.answers.push(reply(200, consentBody({ consentId: c.consent.consentId, version: 2, method: 'withdrawal' })))
  await c.withdraw()
  await settle()
  assert.equal(writes().length, 2)
  assert.deepEqual(o.manager.getAllConsents(), { matomo: false, youtube: false, adsense: false, criteo: false, session: true })
  assert.equal(o.manager.isDirty(), false)
})

test('orejime: an expired consent clears the banner, which then asks again', async () => {
  const s = stored()
  b.answers.push(reply(200, { status: 'expired', consentId: s.consentId, latestVersion: 1, currentBannerVersion: '2026-11' }))
  const o = fakeOrejime(OREJIME_PURPOSES)
  o.manager.acceptAll()
  const c = suite.orejime(client(), { orejime: o, map: OREJIME_MAP })
  assert.equal(await c.start(), 'asked')
  assert.equal(o.manager.isDirty(), true)
  assert.equal(o.manager.getConsent('matomo'), false)
  assert.equal(writes().length, 0)
})

test('orejime: a consent from another site of the group is written into the banner, which is told again later', async () => {
  const s = stored({ preferences: true, statistics: false, marketing: true })
  b.answers.push(valid(s))
  const o = fakeOrejime(OREJIME_PURPOSES.filter(p => !p.isMandatory))
  const c = suite.orejime(client(), { orejime: o, map: OREJIME_MAP })
  assert.equal(await c.start(), 'valid')
  await settle()
  assert.equal(o.manager.isDirty(), false)
  assert.deepEqual(o.manager.getAllConsents(), { matomo: false, youtube: true, adsense: true, criteo: true })
  assert.equal(o.manager.updates, 2, 'the write, then an update for a banner whose hooks listen only after a frame')
  assert.ok(b.delays.includes(250))
  assert.equal(writes().length, 0, 'neither is recorded')
})

test('orejime: without an instance yet, the adapter attaches on the orejime.loaded event', async () => {
  const c = suite.orejime(client(), { map: OREJIME_MAP })
  const o = fakeOrejime(OREJIME_PURPOSES)
  b.documentEvents.dispatchEvent(new CustomEvent('orejime.loaded', { detail: o }))
  await c.start()
  b.answers.push(api())
  o.manager.declineAll()
  await settle()
  assert.equal(JSON.parse(writes()[0].body).method, 'reject_all')
})

const CC_CONFIG = {
  categories: { necessary: { readOnly: true, enabled: true }, analytics: {}, ads: {}, functionality: {} },
  language: { default: 'en', translations: { en: {} } }
}

test('cookieconsent: the adapter runs the banner and records the first consent', async () => {
  const cc = fakeCookieConsent()
  const c = suite.cookieconsent(client(), CC_CONFIG, { CookieConsent: cc })
  assert.deepEqual(cc.runs, [CC_CONFIG])
  await c.start()
  b.answers.push(api())
  cc.acceptCategory(['analytics'])
  await settle()
  assert.equal(writes().length, 1)
  assert.deepEqual(JSON.parse(writes()[0].body).categories, { preferences: false, statistics: true, marketing: false })
})

test('cookieconsent: a change is a new version; the map may rename categories', async () => {
  const cc = fakeCookieConsent()
  const c = suite.cookieconsent(client(), CC_CONFIG, { CookieConsent: cc, map: { ads: 'marketing', analytics: 'statistics' } })
  await c.start()
  const answer = api()
  b.answers.push(answer, answer)
  cc.acceptCategory('all')
  await settle()
  cc.acceptCategory(['ads'])
  await settle()
  assert.deepEqual(writes().map(w => w.method), ['POST', 'PUT'])
  assert.deepEqual(JSON.parse(writes()[0].body).categories, { preferences: false, statistics: true, marketing: true })
  assert.deepEqual(JSON.parse(writes()[1].body).categories, { preferences: false, statistics: false, marketing: true })
})

test('cookieconsent: a withdrawal keeps only the necessary category and hides the banner, without an echo', async () => {
  const cc = fakeCookieConsent()
  const c = suite.cookieconsent(client(), CC_CONFIG, { CookieConsent: cc })
  await c.start()
  b.answers.push(api())
  cc.acceptCategory('all')
  await settle()
  b.answers.push(reply(200, consentBody({ consentId: c.consent.consentId, version: 2, method: 'withdrawal' })))
  await c.withdraw()
  await settle()
  assert.deepEqual(cc.getUserPreferences().acceptedCategories, ['necessary'])
  assert.equal(cc.hides, 1)
  assert.equal(writes().length, 2)
})

test('cookieconsent: asking again resets the banner, deleting its cookie, and runs it again', async () => {
  b.store.set('privacysuite', 'not json')
  const cc = fakeCookieConsent()
  suite.cookieconsent(client(), CC_CONFIG, { CookieConsent: cc })
  await settle()
  assert.deepEqual(cc.resets, [true])
  assert.deepEqual(cc.runs, [CC_CONFIG, CC_CONFIG])
})

test('a decision still folding when the page is hidden is sent at once', async () => {
  const cc = fakeCookieConsent()
  const c = suite.cookieconsent(client(), CC_CONFIG, { CookieConsent: cc, fold: 60_000 })
  await c.start()
  // Timers from here on never fire, as on a page going away.
  globalThis.setTimeout = () => 1
  b.answers.push(api())
  cc.acceptCategory(['analytics'])
  await settle()
  assert.equal(writes().length, 0, 'still folding')
  globalThis.dispatchEvent(new Event('pagehide'))
  await settle()
  assert.equal(writes().length, 1)
  assert.equal(writes()[0].keepalive, true)
  assert.equal(writes()[0].url, SITE + '/consents')
})

test('connect: any banner described by six functions', async () => {
  let listener
  let decisions = {}
  const asked = []
  const banner = {
    items: () => [{ name: 'stats', groups: [] }, { name: 'pixel', groups: ['advertising'] }],
    read: () => decisions,
    decided: () => Object.keys(decisions).length > 0,
    write: next => (decisions = { ...decisions, ...next }),
    ask: () => asked.push(true),
    listen: callback => (listener = callback)
  }
  const c = suite.connect(client(), banner, { map: { stats: 'statistics', advertising: 'marketing' } })
  await c.start()
  b.answers.push(api())
  decisions = { stats: false, pixel: true }
  listener()
  await settle()
  assert.deepEqual(JSON.parse(writes()[0].body).categories, { preferences: false, statistics: false, marketing: true })
  assert.deepEqual(asked, [])
})
