import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import { suite, consentBody } from './fakes.js'

const file = name => readFileSync(new URL('../' + name, import.meta.url), 'utf8')

test('index.d.ts declares exactly what the package exports', () => {
  const declared = [...file('index.d.ts').matchAll(/^export declare (?:function|class|const) (\w+)/gm)].map(m => m[1])
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(suite).sort())
})

test('the <script> build defines the global PrivacySuite and records a consent through it', async () => {
  const calls = []
  const storage = new Map()
  const context = vm.createContext({
    console, Blob, URLSearchParams, AbortSignal, queueMicrotask, setTimeout, clearTimeout, crypto,
    location: { href: 'https://shop.example.com/' },
    localStorage: { getItem: k => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v), removeItem: k => storage.delete(k) },
    fetch: async (url, init) => {
      calls.push({ url, init })
      return new Response(JSON.stringify(consentBody({ categories: { statistics: true } })), { status: 201 })
    }
  })
  vm.runInContext(file('dist/privacy-suite.js'), context)
  const client = vm.runInContext(
    "PrivacySuite.create({ api: 'https://privacy.example.com', siteId: 'shop', bannerVersion: '2026-11' })", context)
  const consent = await client.record({ statistics: true })
  assert.equal(calls[0].url, 'https://privacy.example.com/v1/sites/shop/consents')
  assert.equal(JSON.parse(calls[0].init.body).method, 'custom')
  assert.deepEqual({ ...consent.categories }, { preferences: false, statistics: true, marketing: false })
  assert.equal(JSON.parse(storage.get('privacysuite')).consentId, consent.consentId)
  assert.deepEqual(Object.keys(context.PrivacySuite).sort(), Object.keys(suite).sort())
})
