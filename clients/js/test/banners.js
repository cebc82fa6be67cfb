// Stand-ins for the three banners, reduced to the behaviour the adapters rely on and written from their sources:
// klaro 0.7.22 src/consent-manager.js and src/lib.js, orejime 3.2.x src/core/Manager.ts and src/setup.ts,
// vanilla-cookieconsent 3.1.0 src/core/api.js and src/utils/cookies.js.

/** Klaro: getManager(config) → ConsentManager; watchers get update(manager, eventName, data). */
export function fakeKlaro(services) {
  const defaults = () => Object.fromEntries(services.map(s => [s.name, !!(s.default || s.required)]))
  const watchers = new Set()
  const shows = []
  const m = {
    config: { services },
    consents: defaults(),
    confirmed: false,
    saves: 0,
    watch: w => watchers.add(w),
    notify(name, data) {
      watchers.forEach(w => w.update(m, name, data))
    },
    updateConsent(name, value) {
      m.consents[name] = value
      m.notify('consents', m.consents)
    },
    changeAll(value) {
      for (const s of services) m.updateConsent(s.name, !!(s.required || value))
    },
    saveAndApplyConsents(eventType) {
      m.confirmed = true
      m.saves++
      m.notify('saveConsents', { consents: m.consents, type: eventType || 'script' })
      m.notify('applyConsents', 0)
    },
    resetConsents() {
      m.consents = defaults()
      m.confirmed = false
      m.notify('consents', m.consents)
    },
    /** What the notice's buttons do (consent-notice.jsx executeButtonClicked). */
    click(eventType, value) {
      if (eventType != 'save') m.changeAll(value)
      m.saveAndApplyConsents(eventType)
    }
  }
  return { getManager: () => m, show: config => shows.push(config), manager: m, shows }
}

/** Orejime: an instance {config, manager, prompt}; the manager emits update(diff, all), dirty(bool), clear(). */
export function fakeOrejime(purposes) {
  const leaves = list => list.flatMap(p => (p.purposes ? leaves(p.purposes) : [p]))
  const all = leaves(purposes)
  const handlers = { update: [], dirty: [], clear: [] }
  const emit = (event, ...args) => handlers[event].forEach(h => h(...args))
  const mandatory = Object.fromEntries(all.filter(p => p.isMandatory).map(p => [p.id, true]))
  const defaults = () => Object.fromEntries(all.map(p => [p.id, !!(p.isMandatory || p.default)]))
  let consents = defaults()
  let invalid = all.filter(p => !p.isExempt).map(p => p.id)
  const manager = {
    updates: 0,
    on: (event, handler) => handlers[event].push(handler),
    isDirty: () => invalid.length > 0,
    getConsent: id => consents[id],
    getAllConsents: () => ({ ...consents }),
    setConsent: (id, state) => manager.setConsents({ [id]: state }),
    setConsents(given) {
      const fixed = { ...given, ...mandatory }
      const diff = Object.fromEntries(Object.entries(fixed).filter(([id, v]) => consents[id] !== v))
      consents = { ...consents, ...fixed }
      manager.updates++
      emit('update', diff, { ...consents })
      invalid = invalid.filter(id => !(id in given))
      emit('dirty', manager.isDirty())
    },
    acceptAll: () => manager.setConsents(Object.fromEntries(all.map(p => [p.id, true]))),
    declineAll: () => manager.setConsents(Object.fromEntries(all.map(p => [p.id, false]))),
    clearConsents() {
      consents = defaults()
      emit('update', {}, { ...consents })
      invalid = all.filter(p => !p.isExempt && !p.isMandatory).map(p => p.id)
      emit('dirty', manager.isDirty())
      emit('clear')
    }
  }
  return { config: { purposes }, manager, prompt() {} }
}

/** vanilla-cookieconsent: the module's functions; decisions fire cc:* events on window, synchronously. */
export function fakeCookieConsent() {
  let config
  let accepted = null
  const cc = {
    runs: [],
    resets: [],
    hides: 0,
    run(c) {
      config = c
      cc.runs.push(c)
      return Promise.resolve()
    },
    validConsent: () => accepted !== null,
    getUserPreferences: () => ({ acceptedCategories: accepted ? [...accepted] : [] }),
    acceptCategory(categories) {
      const names = Object.keys(config.categories)
      const readOnly = names.filter(n => config.categories[n].readOnly)
      const list = categories == 'all' ? names : Array.isArray(categories) ? categories : categories ? [categories] : []
      const next = [...new Set([...readOnly, ...list.filter(n => names.includes(n))])]
      const first = accepted === null
      const changed = !first && (next.length != accepted.length || next.some(n => !accepted.includes(n)))
      accepted = next
      const detail = { cookie: { categories: [...next] } }
      if (first) {
        dispatchEvent(new CustomEvent('cc:onFirstConsent', { detail }))
        dispatchEvent(new CustomEvent('cc:onConsent', { detail }))
      } else if (changed) {
        dispatchEvent(new CustomEvent('cc:onChange', { detail }))
      }
    },
    hide: () => cc.hides++,
    reset(deleteCookie) {
      cc.resets.push(deleteCookie)
      if (deleteCookie) accepted = null
    }
  }
  return cc
}
