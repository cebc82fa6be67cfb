import { CONSENT_MODE, consentModeSignals } from './consent-mode.js'

const g = globalThis
export const CATEGORIES = ['preferences', 'statistics', 'marketing']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const KEY = /^[\w-]{1,64}\.[\w-]{1,128}$/
const PENDING_PATH = /^\/consents(\/[0-9a-f-]{36}(\/withdraw)?)?$/
const is = (pattern, value) => typeof value == 'string' && pattern.test(value)

/** A failed call: `status` 0 for a network failure or a refusal made here, `code` the API's error code. */
export class ConsentError extends Error {
  constructor(status, code, message, body) {
    super(message)
    this.status = status
    this.code = code
    this.body = body
  }
}

const failure = (status, body) => {
  const error = body && body.error
  const e = new ConsentError(status, error ? error.code : 'http_' + status, error ? error.message : 'HTTP ' + status, body)
  // API Gateway answers a route it does not have with {"message":"Not Found"}, not the suite's error envelope.
  e.route = status == 405 || (status == 404 && !(error && !/route/i.test(error.message)))
  return e
}
const retryable = e => e.code == 'network' || e.status == 429 || e.status >= 500
// The API keeps no query or fragment (they carry e-mail addresses and tokens): neither do storage and beacons.
const pageUrl = () => g.location.href.split(/[?#]/)[0]
const noConsent = () => new ConsentError(0, 'no_consent', 'No consent is stored.')
const badAnswer = body => new ConsentError(0, 'bad_answer', 'Not an answer of the consent API.', body)

/** A random UUID (version 4), the API's idempotency key. randomUUID exists only in secure contexts (not http). */
export function requestId() {
  const c = g.crypto
  if (c.randomUUID) return c.randomUUID()
  // Each 0, 1 or 8 of the template becomes a random hex digit; 4 stays (the version) and 8 becomes 8 to b.
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, d =>
    (d ^ (c.getRandomValues(new Uint8Array(1))[0] & (15 >> (d / 4)))).toString(16))
}

const pick = c => {
  const categories = {}
  for (const k of CATEGORIES) categories[k] = c[k] === true
  return categories
}
/** The four fields kept of a consent version (the API's answer, or what storage held). */
const toState = r => ({ consentId: r.consentId, version: r.version, key: r.key, categories: pick(r.categories || {}) })
const validConsent = s =>
  is(UUID, s.consentId) && Number.isInteger(s.version) && s.version > 0 && is(KEY, s.key) &&
  !!s.categories && CATEGORIES.every(k => typeof s.categories[k] == 'boolean')
const validPending = p =>
  !!p && (p.m == 'POST' || p.m == 'PUT') && is(PENDING_PATH, p.p) && typeof p.b == 'string' && p.b.length < 8192

/** Seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
const retryAfter = header => {
  if (!header) return
  const ms = /^\d+$/.test(header) ? header * 1000 : Date.parse(header) - Date.now()
  return ms >= 0 ? ms : ms < 0 ? 0 : undefined
}

/** localStorage, or a cookie on a parent domain that every site of a group can read. */
function storage(name, domain) {
  if (domain) {
    const attributes = '; Domain=' + domain + '; Path=/; Secure; SameSite=Lax; Max-Age='
    return {
      get() {
        const m = g.document.cookie.match('(?:^|;\\s*)' + name + '=([^;]*)')
        return m ? decodeURIComponent(m[1]) : null
      },
      // 400 days, the longest a browser keeps a cookie; the API says when the consent itself expires.
      set: value => (g.document.cookie = name + '=' + encodeURIComponent(value) + attributes + 34560000),
      del: () => (g.document.cookie = name + '=' + attributes + 0)
    }
  }
  return {
    get: () => g.localStorage.getItem(name),
    set: value => g.localStorage.setItem(name, value),
    del: () => g.localStorage.removeItem(name)
  }
}

/** The API needs no cookies; keep-alive lets a write outlive the page. */
const request = (url, method, body, keepalive, signal) =>
  g.fetch(url, {
    method,
    body,
    keepalive,
    credentials: 'omit',
    headers: body ? { 'content-type': 'application/json' } : {},
    signal
  })

export function create(options) {
  return new Client(options)
}

class Client {
  constructor(o) {
    // Formats as the API checks them (see README): a typo fails here, not as a 400 on every visitor's click.
    const check = (ok, option) => {
      if (!ok) throw new TypeError('privacy-suite: invalid option ' + option)
    }
    check(o && o.api, 'api')
    check(is(/^[a-z0-9][a-z0-9-]{1,62}$/, o.siteId), 'siteId')
    check(is(/^[\w.-]{1,64}$/, o.bannerVersion), 'bannerVersion')
    check(!o.verifyMethod || o.verifyMethod == 'POST' || o.verifyMethod == 'GET', 'verifyMethod')
    check(!o.storageKey || is(/^[\w-]{1,64}$/, o.storageKey), 'storageKey')
    check(!o.cookieDomain || is(/^\.?[a-z0-9-]+(\.[a-z0-9-]+)*$/i, o.cookieDomain), 'cookieDomain')
    this.base = String(o.api).replace(/\/+$/, '') + '/v1/sites/' + o.siteId
    this.bannerVersion = o.bannerVersion
    this.store = storage(o.storageKey || 'privacysuite', o.cookieDomain)
    this.map = o.consentMode === undefined ? CONSENT_MODE : o.consentMode
    this.verifyMethod = o.verifyMethod || 'POST'
    this.retries = o.retries ?? 4
    this.retryDelay = o.retryDelay ?? 500
    this.timeout = o.timeout ?? 10000
    this.listeners = {}
    this.queue = Promise.resolve()
    this.waiting = new Set()
    this.state = null
    this.gtag('default', null, { wait_for_update: 500 })
    // A write waiting to be retried would die with the page: hand it to the browser instead.
    const hidden = () => this.flush()
    g.addEventListener?.('pagehide', hidden)
    g.document?.addEventListener?.('visibilitychange', () => g.document.visibilityState == 'hidden' && hidden())
  }

  /** The stored consent ({consentId, version, key, categories}) or null. */
  get consent() {
    return this.state && { ...this.state, categories: { ...this.state.categories } }
  }

  /** Whether the browser sends Global Privacy Control (it then adds `Sec-GPC: 1` to every request). */
  get gpc() {
    return g.navigator?.globalPrivacyControl === true
  }

  on(type, listener) {
    ;(this.listeners[type] = this.listeners[type] || []).push(listener)
    return () => (this.listeners[type] = this.listeners[type].filter(l => l !== listener))
  }

  emit(type, detail) {
    const listeners = this.listeners[type] || []
    if (type == 'error' && !listeners.length) console.warn('privacy-suite:', detail)
    for (const listener of listeners) {
      try {
        listener(detail)
      } catch (e) {
        queueMicrotask(() => {
          throw e
        })
      }
    }
  }

  /**
   * Reads the stored consent, finishes a write the last page left pending, then verifies the stored consent,
   * asking again ('show') when it is missing its proof. Resolves to valid, none, asked or unverified.
   */
  start() {
    return (this.started =
      this.started ||
      this.run(async () => {
        if (!this.load()) return this.reask('tampered')
        if (this.pending) {
          const { m, p, b } = this.pending
          try {
            await this.send(m, p, b, 'replay')
            return 'valid'
          } catch (e) {
            this.emit('error', e)
          }
        }
        if (!this.state) return 'none'
        // The visitor's own stored choice applies at once; the verification below takes it back if it fails.
        this.apply(this.state, 'storage')
        return this.check()
      }))
  }

  /** Records the choice as a new consent, or a new version of the stored one. */
  save(categories) {
    const submission = this.submission(categories)
    return this.act(async () => {
      if (this.state) {
        try {
          return await this.update(submission)
        } catch (e) {
          // The stored consent is gone or not ours (erased, tampered): start a new one.
          if (e.code != 'invalid_key' && e.status != 404 && e.status != 410) throw e
          this.keep(null)
        }
      }
      return this.write('POST', '/consents', submission, 'record')
    })
  }

  record(categories) {
    const submission = this.submission(categories)
    return this.act(() => this.write('POST', '/consents', submission, 'record'))
  }

  change(categories) {
    const submission = this.submission(categories)
    return this.act(() => this.update(submission))
  }

  /** Withdraws the stored consent: a new signed version refusing every optional category. */
  withdraw() {
    const page = pageUrl()
    return this.act(() => {
      if (!this.state) throw noConsent()
      const { consentId, key } = this.state
      return this.write('POST', '/consents/' + consentId + '/withdraw', { key, pageUrl: page }, 'withdraw')
    })
  }

  /** Verifies the stored consent now; resolves as start() does. */
  verify() {
    return this.run(() => this.check())
  }

  /** The privacy policy in effect and the next one published: { current, upcoming } (404 while none is). */
  policy() {
    return this.call('GET', '/policy')
  }

  submission(categories) {
    const c = pick(categories || {})
    let method = CATEGORIES.every(k => c[k]) ? 'accept_all' : CATEGORIES.some(k => c[k]) ? 'custom' : 'reject_all'
    // GPC is a binding opt-out of sale and sharing: it overrides a marketing grant, and the record says so.
    if (this.gpc && c.marketing) {
      c.marketing = false
      method = 'gpc'
    }
    return { method, categories: c, bannerVersion: this.bannerVersion, pageUrl: pageUrl() }
  }

  update(submission) {
    if (!this.state) throw noConsent()
    const { consentId, key } = this.state
    return this.write('PUT', '/consents/' + consentId, { ...submission, key }, 'change')
  }

  /** Every action gets a fresh request id; the write is kept in storage until it is answered. */
  write(method, path, body, source) {
    body.clientRequestId = requestId()
    const json = JSON.stringify(body)
    this.keep(this.state, { m: method, p: path, b: json })
    return this.send(method, path, json, source)
  }

  async send(method, path, body, source) {
    let r
    try {
      r = await this.call(method, path, body)
    } catch (e) {
      // Kept only when a later page may still get it through: network failures, 429 and 5xx.
      if (!retryable(e)) this.keep(this.state)
      throw e
    }
    const state = toState(r)
    if (!validConsent(state)) {
      this.keep(this.state)
      throw badAnswer(r)
    }
    this.keep(state)
    this.apply(state, source)
    return this.consent
  }

  async check() {
    if (!this.state) return 'none'
    const { consentId, version, key, categories } = this.state
    const path = '/consents/' + consentId + '/verify'
    let answer
    try {
      if (this.verifyMethod == 'POST') {
        try {
          answer = await this.call('POST', path, JSON.stringify({ version, key, categories }))
        } catch (e) {
          // A server without the POST route (a browser sees API Gateway's CORS-less 404 as a network error).
          if (!e.route && e.code != 'network') throw e
        }
      }
      answer = answer || (await this.call('GET', path + '?' + new URLSearchParams({ version, key, ...categories })))
    } catch (e) {
      if (e.status == 400 || e.status == 404 || e.status == 410) return this.reask(e.status == 410 ? 'expired' : 'invalid')
      this.emit('error', e)
      return 'unverified'
    }
    const status = answer.status
    if (status == 'valid') return status
    // Asking again would record the same outdated version: the configuration, not the visitor, needs fixing.
    const mismatch = status == 'outdated_version' && answer.currentBannerVersion != this.bannerVersion
    if (mismatch || typeof status != 'string') {
      this.emit('error', mismatch
        ? new ConsentError(0, 'banner_version_mismatch', 'bannerVersion ' + this.bannerVersion +
          ' is not the registered ' + answer.currentBannerVersion, answer)
        : badAnswer(answer))
      return 'unverified'
    }
    return this.reask(status)
  }

  /** One call with retries: network failures, 429 (after retry-after) and 5xx; never another 4xx. */
  async call(method, path, body) {
    const url = this.base + path
    const write = method != 'GET' && !path.endsWith('/verify')
    for (let attempt = 0; ; attempt++) {
      let response, error, wait
      try {
        response = await request(url, method, body, write, g.AbortSignal?.timeout?.(this.timeout))
      } catch (e) {
        error = new ConsentError(0, 'network', String(e))
      }
      if (response) {
        const data = await response.json().catch(() => null)
        // A 200 that is not JSON (a captive portal, a proxy's page) is answered as an empty object.
        if (response.ok) return data || {}
        error = failure(response.status, data)
        if (!retryable(error)) throw error
        wait = retryAfter(response.headers.get('retry-after'))
      }
      if (attempt >= this.retries) throw error
      const backoff = (this.retryDelay * 2 ** attempt * (1 + Math.random())) / 2
      await this.sleep(wait ?? backoff, write && { method, url, body })
    }
  }

  sleep(ms, request) {
    return new Promise(resolve => {
      request && this.waiting.add(request)
      setTimeout(() => {
        this.waiting.delete(request)
        resolve()
      }, ms)
    })
  }

  /**
   * Sends every write waiting for a retry now, as the page goes away. A beacon (text/plain, so no preflight) for
   * POST; keep-alive fetch for PUT or without sendBeacon. Same body, same request id: the API answers a duplicate
   * with the original, and the next page replays the write kept in storage to learn its key.
   */
  flush() {
    for (const r of this.waiting) {
      this.waiting.delete(r)
      if (r.method == 'POST' && g.navigator?.sendBeacon?.(r.url, new Blob([r.body], { type: 'text/plain' }))) continue
      request(r.url, r.method, r.body, true).catch(() => {})
    }
  }

  /** Reads storage; false when what is there was not written by this client. */
  load() {
    let raw, saved
    try {
      raw = this.store.get()
    } catch (e) {
      // Storage switched off (a privacy mode): nothing stored, which is not tampering.
      this.emit('error', e)
      return true
    }
    try {
      saved = JSON.parse(raw || 'null')
    } catch (e) {
      return false
    }
    if (saved === null) return true
    if (typeof saved != 'object') return false
    const { pending, ...state } = saved
    if (Object.keys(state).length) {
      if (!validConsent(state)) return false
      this.state = toState(state)
    }
    if (pending !== undefined) {
      if (!validPending(pending)) return false
      this.pending = pending
    }
    return true
  }

  keep(state, pending) {
    this.state = state
    this.pending = pending
    try {
      state || pending ? this.store.set(JSON.stringify({ ...state, pending })) : this.store.del()
    } catch (e) {
      this.emit('error', e)
    }
  }

  apply(state, source) {
    this.gtag('update', state.categories)
    this.emit('consent', { ...this.consent, source })
  }

  reask(reason) {
    this.keep(null)
    this.gtag('update', null)
    this.emit('show', reason)
    return 'asked'
  }

  gtag(command, categories, extra) {
    if (this.map && typeof g.gtag == 'function') {
      g.gtag('consent', command, { ...consentModeSignals(categories, this.map), ...extra })
    }
  }

  run(task) {
    const result = this.queue.then(task)
    this.queue = result.catch(() => {})
    return result
  }

  act(task) {
    return this.run(task).catch(e => {
      this.emit('error', e)
      throw e
    })
  }
}
