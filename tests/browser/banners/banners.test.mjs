// The demo shop's three banners in a real Chromium (Debian's, driven by playwright-core: never a downloaded
// browser), against a running local suite. Run by BrowserBannersIT, which starts the suite and checks the store;
// by hand: PRIVACYSUITE_BASE=http://localhost:3000 node --test banners/
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'

const BASE = (process.env.PRIVACYSUITE_BASE || 'http://localhost:3000').replace(/\/$/, '')
const BLOCKED_SITE = process.env.PRIVACYSUITE_BLOCKED_SITE || 'local-demo'
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'
const FOREIGN = 'http://shop.unregistered.test'
const TIMEOUT = 20000

// What a visitor clicks, per banner: its own buttons and toggles, as the banner renders them.
const BANNERS = {
  klaro: {
    asking: '.cookie-notice .cn-decline',
    acceptAll: '.cookie-notice .cm-btn-success',
    decline: '.cookie-notice .cn-decline',
    toggleMarketing: 'label[for=purpose-item-marketing]',
    save: '.cm-modal .cm-btn-accept',
    state: () => window.klaro.getManager().consents
  },
  orejime: {
    asking: '.orejime-Banner-saveButton',
    acceptAll: '.orejime-Banner-saveButton',
    decline: '.orejime-Banner-declineButton',
    toggleMarketing: 'label[for=orejime-purpose-marketing]',
    save: '.orejime-Modal-saveButton',
    state: () => window.orejime.manager.getAllConsents()
  },
  cookieconsent: {
    asking: '#cc-main .cm [data-role=all]',
    acceptAll: '#cc-main .cm [data-role=all]',
    decline: '#cc-main .cm [data-role=necessary]',
    toggleMarketing: '#cc-main .pm .section__toggle-wrapper:has(input[value=marketing])',
    save: '#cc-main .pm [data-role=save]',
    state: () => Object.fromEntries(['preferences', 'statistics', 'marketing'].map(c =>
      [c, window.CookieConsent.getUserPreferences().acceptedCategories.includes(c)]))
  }
}
const ALL = { necessary: true, preferences: true, statistics: true, marketing: true }
const NONE = { necessary: true, preferences: false, statistics: false, marketing: false }

let browser
const clickTo201 = []

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM })
})
after(async () => {
  await browser?.close()
  if (clickTo201.length) {
    const sorted = [...clickTo201].sort((a, b) => a - b)
    const median = sorted[Math.floor(sorted.length / 2)]
    console.log(`click->201: ${sorted.length} clicks, median ${median} ms, min ${sorted[0]} ms, max ${sorted.at(-1)} ms`)
  }
})

/** A fresh visitor (own storage) on the demo page with this banner. */
async function visit(banner, { gpc = false, url } = {}) {
  const context = await browser.newContext(gpc ? { extraHTTPHeaders: { 'Sec-GPC': '1' } } : {})
  if (gpc) {
    await context.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }))
  }
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', e => errors.push(e.message))
  page.errors = errors
  await open(page, url || `${BASE}/demo/?banner=${banner}`)
  return page
}

async function open(page, url) {
  await page.goto(url)
  await page.waitForFunction(() => window.demo && window.demo.ready, null, { timeout: TIMEOUT })
}

const isApi = (method, suffix) => r => r.request().method() === method && new URL(r.url()).pathname.match(suffix)
const RECORD = isApi('POST', /\/consents$/)
const VERIFY = isApi('POST', /\/consents\/[^/]+\/verify$/)

/** Clicks and waits for the API's answer to the write it causes; returns [status, body, ms]. */
async function clickAndWait(page, selector, matches) {
  await page.locator(selector).first().waitFor({ state: 'visible', timeout: TIMEOUT })
  const answer = page.waitForResponse(matches, { timeout: TIMEOUT })
  const start = Date.now()
  await page.locator(selector).first().click()
  const response = await answer
  const ms = Date.now() - start
  return [response.status(), await response.json(), ms]
}

const stored = page => page.evaluate(() => JSON.parse(localStorage.getItem('privacysuite') || 'null'))
const log = page => page.evaluate(() => window.demo.log)

/** Waits until the client stored what the API answered (the consent event), then returns it. */
async function storedAfter(page, version) {
  await page.waitForFunction(v => {
    const s = JSON.parse(localStorage.getItem('privacysuite') || 'null')
    return s && s.version === v && !s.pending
  }, version, { timeout: TIMEOUT })
  return stored(page)
}

async function acceptAll(page, banner) {
  const [status, body, ms] = await clickAndWait(page, BANNERS[banner].acceptAll, RECORD)
  assert.equal(status, 201, JSON.stringify(body))
  clickTo201.push(ms)
  return body
}

async function asking(page, banner) {
  await page.locator(BANNERS[banner].asking).first().waitFor({ state: 'visible', timeout: TIMEOUT })
  return true
}

async function notAsking(page, banner) {
  // Give a banner that would re-open the time to do it, then look.
  await page.waitForTimeout(700)
  return !(await page.locator(BANNERS[banner].asking).first().isVisible())
}

for (const banner of Object.keys(BANNERS)) {
  test(`${banner}: accept all records every category, and the key is stored`, async () => {
    const page = await visit(banner)
    assert.ok(await asking(page, banner))
    const body = await acceptAll(page, banner)
    assert.deepEqual(body.categories, ALL)
    assert.equal(body.method, 'accept_all')
    assert.equal(body.pageUrl, `${BASE}/demo/`)
    const s = await storedAfter(page, 1)
    assert.equal(s.consentId, body.consentId)
    assert.equal(s.key, body.key)
    assert.ok(await notAsking(page, banner), 'the banner closed')
    assert.deepEqual(page.errors, [])
    await page.context().close()
  })

  test(`${banner}: decline records no optional category`, async () => {
    const page = await visit(banner)
    const [status, body] = await clickAndWait(page, BANNERS[banner].decline, RECORD)
    assert.equal(status, 201, JSON.stringify(body))
    assert.deepEqual(body.categories, NONE)
    assert.equal(body.method, 'reject_all')
    assert.deepEqual((await storedAfter(page, 1)).categories, { preferences: false, statistics: false, marketing: false })
    await page.context().close()
  })

  test(`${banner}: a custom change in the banner's preferences becomes version 2`, async () => {
    const page = await visit(banner)
    const first = await acceptAll(page, banner)
    await storedAfter(page, 1)
    await page.click('#change')
    await page.locator(BANNERS[banner].toggleMarketing).first().click()
    const [status, body] = await clickAndWait(page, BANNERS[banner].save, isApi('PUT', /\/consents\/[^/]+$/))
    assert.equal(status, 200, JSON.stringify(body))
    assert.equal(body.consentId, first.consentId)
    assert.equal(body.version, 2)
    assert.equal(body.method, 'custom')
    assert.deepEqual(body.categories, { ...ALL, marketing: false })
    assert.equal((await storedAfter(page, 2)).key, body.key)
    await page.context().close()
  })

  test(`${banner}: after a reload the stored consent verifies as valid and the banner stays closed`, async () => {
    const page = await visit(banner)
    await acceptAll(page, banner)
    await storedAfter(page, 1)
    const verified = page.waitForResponse(VERIFY, { timeout: TIMEOUT })
    await open(page, page.url())
    const response = await verified
    assert.equal(response.status(), 200)
    assert.equal((await response.json()).status, 'valid')
    // The key travelled in the body, not in the URL.
    assert.ok(!response.url().includes('key='))
    assert.ok(JSON.parse(response.request().postData()).key)
    assert.ok(await notAsking(page, banner), 'a valid consent is not asked again')
    assert.deepEqual((await log(page)).filter(e => e.type === 'show'), [])
    await page.context().close()
  })

  test(`${banner}: tampered storage verifies as invalid and the banner asks again`, async () => {
    const page = await visit(banner)
    await acceptAll(page, banner)
    const s = await storedAfter(page, 1)
    await page.evaluate(state => {
      // A category switched by hand: the shape stays valid, so only the key can tell.
      state.categories.statistics = false
      localStorage.setItem('privacysuite', JSON.stringify(state))
    }, s)
    const verified = page.waitForResponse(VERIFY, { timeout: TIMEOUT })
    await open(page, page.url())
    const response = await verified
    assert.equal((await response.json()).status, 'invalid')
    assert.ok(await asking(page, banner))
    await page.waitForFunction(() => window.demo.log.some(e => e.type === 'show'), null, { timeout: TIMEOUT })
    assert.deepEqual((await log(page)).filter(e => e.type === 'show').map(e => e.reason), ['invalid'])
    assert.equal(await stored(page), null, 'the altered copy is dropped')
    await page.context().close()
  })

  test(`${banner}: withdraw refuses everything, is reflected in the banner, and verifies as a valid withdrawal`, async () => {
    const page = await visit(banner)
    const first = await acceptAll(page, banner)
    await storedAfter(page, 1)
    const [status, body] = await clickAndWait(page, '#withdraw', isApi('POST', /\/withdraw$/))
    assert.equal(status, 200, JSON.stringify(body))
    assert.equal(body.consentId, first.consentId)
    assert.equal(body.version, 2)
    assert.equal(body.method, 'withdrawal')
    assert.deepEqual(body.categories, NONE)
    const s = await storedAfter(page, 2)
    assert.equal(s.key, body.key)
    const state = await page.evaluate(BANNERS[banner].state)
    assert.ok(Object.values(state).every(v => v === false), `banner declines everything: ${JSON.stringify(state)}`)

    const verified = page.waitForResponse(VERIFY, { timeout: TIMEOUT })
    await open(page, page.url())
    const answer = await (await verified).json()
    assert.equal(answer.status, 'valid', 'the withdrawal is what is valid now')
    assert.equal(answer.consent.method, 'withdrawal')
    assert.ok(await notAsking(page, banner))
    await page.context().close()
  })

  test(`${banner}: Global Privacy Control keeps marketing off, and the banner shows it off`, async () => {
    const page = await visit(banner, { gpc: true })
    const [status, body] = await clickAndWait(page, BANNERS[banner].acceptAll, RECORD)
    assert.equal(status, 201, JSON.stringify(body))
    assert.equal(body.gpc, true)
    assert.equal(body.method, 'gpc')
    assert.deepEqual(body.categories, { ...ALL, marketing: false })
    await storedAfter(page, 1)
    await page.waitForFunction(read => {
      const state = (0, eval)('(' + read + ')')()
      return Object.entries(state).some(([k, v]) => v === false)
    }, BANNERS[banner].state.toString(), { timeout: TIMEOUT })
    await page.context().close()
  })
}

test('a page on an unregistered origin is refused (403, no CORS) and nothing is stored', async () => {
  const context = await browser.newContext()
  // The demo page and its files, served as if from a foreign origin; the API stays where it is.
  await context.route(`${FOREIGN}/**`, async route => {
    const url = new URL(route.request().url())
    const response = await route.fetch({ url: BASE + url.pathname + url.search })
    await route.fulfill({ response })
  })
  const page = await context.newPage()
  const failed = []
  page.on('requestfailed', r => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) failed.push(r.method() + ' ' + new URL(r.url()).pathname)
  })
  const answered = []
  page.on('response', r => {
    if (new URL(r.url()).pathname.startsWith('/v1/')) answered.push(r.status())
  })
  await open(page, `${FOREIGN}/demo/?banner=cookieconsent&site=${BLOCKED_SITE}&api=${encodeURIComponent(BASE)}`)
  await page.locator(BANNERS.cookieconsent.acceptAll).click()
  await page.waitForFunction(() => window.demo.log.some(e => e.type === 'error'), null, { timeout: 60000 })
  // The browser blocks the answer (no CORS headers for a foreign origin): the page sees a network error only.
  assert.deepEqual(await page.evaluate(() => window.demo.log.filter(e => e.type === 'error').map(e => e.code)),
    ['network'])
  assert.ok(failed.some(f => f.endsWith(`/v1/sites/${BLOCKED_SITE}/consents`)), JSON.stringify(failed))
  assert.deepEqual(answered, [], 'no answer reached the page')
  // What the server said, asked the same way without a browser in between.
  const direct = await fetch(`${BASE}/v1/sites/${BLOCKED_SITE}/consents`, {
    method: 'POST', headers: { origin: FOREIGN, 'content-type': 'application/json' },
    body: JSON.stringify({ method: 'accept_all', bannerVersion: 'demo-1', pageUrl: `${FOREIGN}/demo/` })
  })
  assert.equal(direct.status, 403)
  assert.equal((await direct.json()).error.code, 'origin_not_allowed')
  assert.equal(direct.headers.get('access-control-allow-origin'), null)
  assert.equal(await page.evaluate(() => window.demo.log.filter(e => e.type === 'consent').length), 0)
  const kept = await page.evaluate(() => JSON.parse(localStorage.getItem('privacysuite') || 'null'))
  assert.ok(!kept || !kept.key, 'no consent key in the browser')
  await context.close()
})

test('hostile query parameters on the demo page are shown as text, never run', async () => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', e => errors.push(e.message))
  page.on('dialog', d => { errors.push('dialog: ' + d.message()); d.dismiss() })
  const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
  const q = encodeURIComponent(hostile)
  await page.goto(`${BASE}/demo/?banner=${q}&site=${q}`)
  // The client refuses the site id at create(), before any call; the page says so as text.
  await page.waitForFunction(() => window.demo.log.some(e => e.type === 'error'), null, { timeout: TIMEOUT })
  const [error] = await page.evaluate(() => window.demo.log)
  assert.equal(error.code, 'load')
  assert.match(error.message, /siteId/)
  assert.equal(await page.evaluate(() => window.demo.banner), 'klaro', 'an unknown banner falls back to Klaro')
  assert.equal(await page.textContent('#site'), hostile)
  assert.equal(await page.locator('img[src=x]').count(), 0)
  // A valid site with a hostile banner name still works, with Klaro.
  await open(page, `${BASE}/demo/?banner=${q}`)
  const [status] = await clickAndWait(page, BANNERS.klaro.acceptAll, RECORD)
  assert.equal(status, 201)
  assert.deepEqual(errors, [])
  await context.close()
})
