// A fake browser for the client: fetch with scripted answers, localStorage, cookies, navigator, gtag, window and
// document events, and a setTimeout that records each delay and then runs at once.
import { randomUUID } from 'node:crypto'

/** The code under test: src/ by default, the built ES module with PRIVACYSUITE_CLIENT=dist. */
export const suite = await import(process.env.PRIVACYSUITE_CLIENT == 'dist' ? '../dist/privacy-suite.mjs' : '../src/index.js')

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
export const API = 'https://privacy.example.com'
export const SITE = API + '/v1/sites/shop'
export const PAGE = 'https://shop.example.com/cart?email=ann@example.org'

const realSetTimeout = globalThis.setTimeout

export function reply(status, body, headers = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers })
}

export const networkError = () => new TypeError('Failed to fetch')

/** A consent version as the API returns it (ConsentJson with proof). */
export function consentBody({ consentId = randomUUID(), version = 1, categories = {}, method = 'custom', gpc = false } = {}) {
  return {
    consentId,
    version,
    siteId: 'shop',
    siteGroup: 'shop',
    method,
    categories: { necessary: true, preferences: false, statistics: false, marketing: false, ...categories },
    bannerVersion: '2026-11',
    gpc,
    recordedAt: '2026-11-22T10:00:00Z',
    validUntil: '2027-11-22T10:00:00Z',
    expiresAt: '2027-11-22T10:00:00Z',
    pageUrl: 'https://shop.example.com/cart',
    ipAnonymized: '203.0.113.0',
    tcString: null,
    key: 'k1.' + 'A'.repeat(40) + version
  }
}

export function browser({ gpc = false, gtag = true, beacon = true, storage = {} } = {}) {
  const warn = console.warn
  const saved = [['console.warn']]
  const set = (name, value) => {
    saved.push([name, Object.getOwnPropertyDescriptor(globalThis, name)])
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true })
  }
  const b = {
    calls: [],
    answers: [],
    delays: [],
    beacons: [],
    gtag: [],
    store: new Map(Object.entries(storage)),
    cookies: new Map(),
    cookieWrites: [],
    warnings: [],
    window: new EventTarget(),
    documentEvents: new EventTarget(),
    restore() {
      for (const [name, descriptor] of saved.reverse()) {
        if (name == 'console.warn') console.warn = warn
        else if (descriptor) Object.defineProperty(globalThis, name, descriptor)
        else delete globalThis[name]
      }
    },
    /** The JSON bodies of the calls made so far to paths ending with `suffix`. */
    bodies(suffix = '') {
      return b.calls.filter(c => new URL(c.url).pathname.endsWith(suffix) && c.body).map(c => JSON.parse(c.body))
    },
    stored() {
      const raw = b.store.get('privacysuite')
      return raw === undefined ? undefined : JSON.parse(raw)
    }
  }
  console.warn = (...args) => b.warnings.push(args)
  set('fetch', async (url, init = {}) => {
    b.calls.push({ url: String(url), ...init })
    if (!b.answers.length) throw new Error('unexpected fetch ' + init.method + ' ' + url)
    const answer = b.answers.shift()
    const result = typeof answer == 'function' ? answer({ url: String(url), ...init }) : answer
    if (result instanceof Error) throw result
    return result
  })
  set('setTimeout', (fn, ms) => {
    b.delays.push(ms)
    return realSetTimeout(fn, 0)
  })
  set('localStorage', {
    getItem: k => (b.store.has(k) ? b.store.get(k) : null),
    setItem: (k, v) => b.store.set(k, String(v)),
    removeItem: k => b.store.delete(k)
  })
  set('location', { href: PAGE })
  set('navigator', {
    globalPrivacyControl: gpc,
    sendBeacon: beacon
      ? (url, data) => {
          b.beacons.push({ url, data })
          return true
        }
      : undefined
  })
  set('gtag', gtag ? (...args) => b.gtag.push(args) : undefined)
  set('addEventListener', b.window.addEventListener.bind(b.window))
  set('dispatchEvent', b.window.dispatchEvent.bind(b.window))
  set('document', {
    visibilityState: 'visible',
    readyState: 'complete',
    get cookie() {
      return [...b.cookies].map(([k, v]) => k + '=' + v).join('; ')
    },
    set cookie(text) {
      b.cookieWrites.push(text)
      const [pair, ...attributes] = text.split(/;\s*/)
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]
      if (attributes.some(a => /^max-age=0$/i.test(a))) b.cookies.delete(name)
      else b.cookies.set(name, value)
    },
    addEventListener: b.documentEvents.addEventListener.bind(b.documentEvents),
    dispatchEvent: b.documentEvents.dispatchEvent.bind(b.documentEvents)
  })
  return b
}

/** Waits until the client's queued work (and the fake timers it started) has run. */
export function settle() {
  return new Promise(resolve => realSetTimeout(resolve, 5))
}

export function client(options = {}) {
  return suite.create({ api: API, siteId: 'shop', bannerVersion: '2026-11', retryDelay: 100, ...options })
}

/** A client that collects what it emits. */
export function watched(options) {
  const c = client(options)
  const seen = { consent: [], show: [], error: [] }
  for (const type in seen) c.on(type, detail => seen[type].push(detail))
  return { client: c, seen }
}
