// The privacy center in a real browser: Debian's chromium driven by playwright-core (never a downloaded browser).
// Run by tests/src/test/java/io/privacysuite/it/BrowserPrivacyCenterIT.java, which starts the suite, seeds the
// people's data and passes: PRIVACYSUITE_BASE, MAILBOX (the SES emulator), SITE_ID, JOURNEYS (JSON list of
// {type, lang, email}), SHOTS (screenshot folder), CHROMIUM.
// Each journey: form -> email -> confirm -> status -> export (access) or what was erased and kept (erasure). Every
// page and every email's HTML: axe-core finds no violation of any impact, nothing scrolls sideways at 390 px, and
// every link reads as words, not as a raw URL.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'

const BASE = process.env.PRIVACYSUITE_BASE
const MAILBOX = process.env.MAILBOX
const SITE = process.env.SITE_ID
const SHOTS = process.env.SHOTS
const JOURNEYS = JSON.parse(process.env.JOURNEYS ?? '[]')
// Readers of a marketing mail ({lang, email}): the mail's preferences link, the page, saving a topic, unsubscribe-all.
const READERS = JSON.parse(process.env.READERS ?? '[]')
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const WAIT_MS = 45_000

// What each journey must show, per language (the words a person reads).
const WORDS = {
  en: { sent: 'Check your inbox', confirm: 'Confirm my request', confirmed: 'Request confirmed', completed: 'Completed',
        submit: 'Send my request', html: 'Your data, to read in your browser', erased: 'We erased', kept: 'We kept' },
  de: { sent: 'Sehen Sie in Ihrem Posteingang nach', confirm: 'Meine Anfrage bestätigen', confirmed: 'Anfrage bestätigt',
        completed: 'Abgeschlossen', submit: 'Anfrage senden', html: 'Ihre Daten, zum Lesen im Browser',
        erased: 'Einträge über Sie gelöscht', kept: 'aufbewahrt' },
  fr: { sent: 'Consultez votre boîte de réception', confirm: 'Confirmer ma demande', confirmed: 'Demande confirmée',
        completed: 'Terminée', submit: 'Envoyer ma demande', html: 'Vos données, à lire dans votre navigateur',
        erased: 'Nous avons effacé', kept: 'Nous avons conservé' },
  nl: { sent: 'Kijk in uw inbox', confirm: 'Mijn verzoek bevestigen', confirmed: 'Verzoek bevestigd',
        completed: 'Afgerond', submit: 'Mijn verzoek versturen', html: 'Uw gegevens, om in uw browser te lezen',
        erased: 'gegevens over u gewist', kept: 'bewaard' }
}

// What the email preferences page shows, per language.
const PREFS = {
  en: { title: 'Your email choices', save: 'Save my choices', all: 'Unsubscribe from all', saved: 'Your choices are saved.',
        allDone: 'You are unsubscribed from all optional emails.', always: 'Emails we always send' },
  de: { title: 'Ihre E-Mail-Einstellungen', save: 'Meine Auswahl speichern', all: 'Von allem abmelden',
        saved: 'Ihre Auswahl ist gespeichert.', allDone: 'Sie sind von allen wählbaren E-Mails abgemeldet.',
        always: 'E-Mails, die wir immer senden' }
}

let browser
const checked = []

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  browser = await chromium.launch({ executablePath: CHROMIUM })
})

after(async () => {
  await browser?.close()
  console.log(`# pages and emails checked: ${checked.length}`)
})

/** axe (every impact), no sideways scroll at 390 px, links as words, a screenshot. */
async function check (page, name) {
  await page.addScriptTag({ content: AXE })
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }))
  const violations = result.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
  assert.deepEqual(violations, [], `${name}: axe violations`)
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  assert.ok(widths[0] <= widths[1], `${name}: scrolls sideways at ${widths[1]} px (content ${widths[0]} px)`)
  const rawLinks = await page.$$eval('a', as => as.map(a => a.textContent.trim())
    .filter(t => t === '' || /^(https?:\/\/|www\.)/i.test(t)))
  assert.deepEqual(rawLinks, [], `${name}: links that read as raw URLs (or nothing)`)
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true })
  checked.push(name)
}

/** The page's h1, or a failure showing what the page is instead. */
async function heading (page) {
  const h1 = await page.$('h1')
  if (!h1) throw new Error(`no h1 on ${page.url()}: ${(await page.content()).slice(0, 600)}`)
  return await h1.textContent()
}

async function emailTo (address, matches) {
  const deadline = Date.now() + WAIT_MS
  while (Date.now() < deadline) {
    const store = await (await fetch(`${MAILBOX}/store`)).json()
    const found = store.emails.filter(e => (e.destination?.to ?? []).some(t => t.toLowerCase().includes(address)))
      .find(e => matches(e))
    if (found) return found
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  throw new Error(`no matching email to ${address} within ${WAIT_MS} ms`)
}

/** Opens an email's HTML as a mail client would show it, checks it, returns the href of the link matching {@code wanted}. */
async function openEmail (context, email, name, wanted) {
  const page = await context.newPage()
  await page.setContent(email.body.html)
  await check(page, name)
  const href = wanted ? await page.$$eval('a', (as, w) => as.map(a => a.href).find(h => new RegExp(w).test(h)), wanted) : null
  await page.close()
  return href
}

for (const journey of JOURNEYS) {
  const w = WORDS[journey.lang]
  const id = `${journey.type}-${journey.lang}`
  test(`${journey.type} in ${journey.lang}: form, email, confirm, status, ${journey.type === 'erasure' ? 'outcome' : 'export'}`, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: journey.lang })
    const page = await context.newPage()

    // The form, in the browser's language; its words explain each right.
    await page.goto(`${BASE}/v1/sites/${SITE}/privacy`)
    assert.equal(await page.getAttribute('html', 'lang'), journey.lang)
    await check(page, `${id}-1-form`)
    await page.check(`#type-${journey.type}`)
    await page.fill('#email', journey.email)
    await Promise.all([page.waitForNavigation(), page.click(`text=${w.submit}`)])
    assert.match(await heading(page), new RegExp(w.sent))
    await check(page, `${id}-2-sent`)

    // The verification email: its link opens a page; only the button confirms.
    const verification = await emailTo(journey.email, e => /\/verify\?token=/.test(e.body?.html ?? ''))
    const verifyUrl = await openEmail(context, verification, `${id}-3-email-verify`, '/verify\\?token=')
    await page.goto(verifyUrl.replace(/^https?:\/\/[^/]+/, BASE))
    await check(page, `${id}-4-confirm`)
    await Promise.all([page.waitForNavigation(), page.click(`text=${w.confirm}`)])
    assert.match(await heading(page), new RegExp(w.confirmed))
    await check(page, `${id}-5-confirmed`)

    // The acknowledgement carries the status link; the status page becomes a completed timeline.
    const ack = await emailTo(journey.email, e => /\/v1\/requests\/[0-9a-f-]{36}\?token=/.test(e.body?.html ?? ''))
    const statusUrl = await openEmail(context, ack, `${id}-6-email-ack`, '/v1/requests/[0-9a-f-]{36}\\?token=')
    const deadline = Date.now() + WAIT_MS
    do {
      await page.goto(statusUrl.replace(/^https?:\/\/[^/]+/, BASE))
      if ((await page.textContent('main')).includes(w.completed)) break
      await page.waitForTimeout(300)
    } while (Date.now() < deadline)
    assert.ok((await page.textContent('main')).includes(w.completed), 'the status page shows the request completed')
    await check(page, `${id}-7-status`)

    // The email that says what was done, then (access) the readable export, presigned at the click.
    const done = await emailTo(journey.email, e => e.subject !== verification.subject && e.subject !== ack.subject)
    await openEmail(context, done, `${id}-8-email-done`)
    if (journey.type === 'erasure') {
      const main = await page.textContent('main')
      assert.ok(main.includes(w.erased), `what was erased: ${main}`)
      assert.ok(main.includes(w.kept), `what was kept and why: ${main}`)
    } else {
      await Promise.all([page.waitForNavigation(), page.click(`text=${w.html}`)])
      assert.equal(await page.getAttribute('html', 'lang'), journey.lang)
      const text = await page.textContent('body')
      assert.ok(!/V#0|expiresAt|retentionRule|emailHash/.test(text), 'no internal fields in the export')
      await check(page, `${id}-9-export`)
    }
    await context.close()
  })
}

for (const reader of READERS) {
  const w = PREFS[reader.lang]
  const id = `preferences-${reader.lang}`
  test(`email preferences in ${reader.lang}: the mail's link, one topic saved, unsubscribe from all`, async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: reader.lang })
    const page = await context.newPage()

    // The marketing mail links its preferences page (signed; in the mail's language, branded for its site).
    const mail = await emailTo(reader.email, e => /\/v1\/email\/preferences\?token=/.test(e.body?.html ?? ''))
    const prefsUrl = await openEmail(context, mail, `${id}-1-email`, '/v1/email/preferences\\?token=')
    await page.goto(prefsUrl.replace(/^https?:\/\/[^/]+/, BASE))
    assert.equal(await page.getAttribute('html', 'lang'), reader.lang)
    assert.match(await heading(page), new RegExp(w.title))
    assert.ok((await page.textContent('main')).includes(w.always), 'the notices always sent are listed')
    assert.ok(await page.isChecked('#topic-newsletter'))
    assert.ok(await page.isChecked('#topic-product_updates'))
    await check(page, `${id}-2-page`)

    // One topic off, saved with the page's own form (no JavaScript on the page).
    await page.uncheck('#topic-newsletter')
    await Promise.all([page.waitForNavigation(), page.click(`text=${w.save}`)])
    assert.ok((await page.textContent('main')).includes(w.saved), 'the choice is saved')
    assert.equal(await page.isChecked('#topic-newsletter'), false)
    assert.ok(await page.isChecked('#topic-product_updates'))
    await check(page, `${id}-3-saved`)

    // Unsubscribe from all: every optional topic off.
    await Promise.all([page.waitForNavigation(), page.click(`text=${w.all}`)])
    assert.ok((await page.textContent('main')).includes(w.allDone), 'unsubscribed from all')
    assert.equal(await page.isChecked('#topic-product_updates'), false)
    await check(page, `${id}-4-all`)
    await context.close()
  })
}
