import { CATEGORIES } from './client.js'

const win = globalThis

/** Banner purpose, service or category names to the suite's categories; replace it with the `map` option. */
export const BANNER_MAP = {
  preferences: 'preferences',
  functionality: 'preferences',
  analytics: 'statistics',
  statistics: 'statistics',
  performance: 'statistics',
  marketing: 'marketing',
  advertising: 'marketing',
  ads: 'marketing',
  targeting: 'marketing'
}

/**
 * Connects a banner to a client, both ways. The banner is described by six functions:
 * items() the things it asks about, [{name, groups}] (groups: the purposes a service serves);
 * read() its decisions {name: boolean}; decided() whether it holds a choice; write(decisions) saves ours;
 * ask() forgets its choice and shows it again; listen(callback) calls back when the visitor decides.
 * A category is granted when any item mapped to it is. Bursts of banner events become one consent version.
 */
export function connect(client, banner, { map = BANNER_MAP, fold = 0 } = {}) {
  let muted = 0
  let timer = 0
  const categoryOf = item => {
    const category = map[item.name] || (item.groups || []).map(group => map[group]).find(Boolean)
    return CATEGORIES.includes(category) ? category : undefined
  }
  // Our own writes into the banner fire its events too: those are not the visitor's.
  const quietly = action => {
    muted++
    try {
      action()
    } finally {
      muted--
    }
  }
  const cancel = () => {
    clearTimeout(timer)
    timer = 0
  }
  const flush = () => {
    cancel()
    if (!banner.decided()) return
    const decisions = banner.read()
    // Categories left out are refused.
    const categories = {}
    for (const item of banner.items()) {
      const category = categoryOf(item)
      if (category && decisions[item.name]) categories[category] = true
    }
    client.save(categories).catch(() => {})
  }
  banner.listen(() => {
    if (muted) return
    cancel()
    timer = setTimeout(flush, fold)
  })
  win.addEventListener?.('pagehide', () => timer && flush())
  client.on('consent', ({ categories, source }) => {
    const decisions = banner.read()
    const next = {}
    let differs = !banner.decided()
    for (const item of banner.items()) {
      const category = categoryOf(item)
      // A withdrawal withdraws everything, unmapped items too (the banner keeps its required ones on).
      if (category || source == 'withdraw') {
        next[item.name] = !!categories[category]
        differs = differs || next[item.name] != !!decisions[item.name]
      }
    }
    if (differs) quietly(() => banner.write(next))
  })
  client.on('show', () => {
    cancel()
    quietly(banner.ask)
  })
  // A choice the banner keeps without the suite's proof of it (recorded elsewhere, or before the suite): ask again.
  client.start().then(status => status == 'none' && banner.decided() && quietly(banner.ask))
  return client
}

/** Klaro 0.7: the manager's saveConsents event; services map by name or by purpose. */
export function klaro(client, options = {}) {
  const k = options.klaro || win.klaro
  const m = k.getManager(options.config)
  return connect(
    client,
    {
      // Required services are always on: not the visitor's decision.
      items: () => m.config.services.filter(s => !s.required).map(s => ({ name: s.name, groups: s.purposes })),
      read: () => m.consents,
      decided: () => m.confirmed,
      write(decisions) {
        for (const name in decisions) m.updateConsent(name, decisions[name])
        m.saveAndApplyConsents('script')
      },
      ask() {
        m.resetConsents()
        // Before DOMContentLoaded Klaro has not rendered yet: its first render shows the notice by itself.
        if (win.document.readyState != 'loading') k.show(options.config)
      },
      listen: callback => m.watch({ update: (_, event) => event == 'saveConsents' && callback() })
    },
    options
  )
}

/** Orejime 3: the manager's update events (one per call that sets consents); purposes map by id or group id. */
export function orejime(client, options = {}) {
  const leaves = (purposes, group) =>
    purposes.flatMap(p => (p.purposes ? leaves(p.purposes, p.id) : [{ name: p.id, groups: [group] }]))
  const attach = instance => {
    const m = instance.manager
    let nudging = false
    connect(
      client,
      {
        items: () => leaves(instance.config.purposes),
        read: () => m.getAllConsents(),
        decided: () => !m.isDirty(),
        write(decisions) {
          m.setConsents(decisions)
          // Orejime's banner re-renders on update events only once its hooks have subscribed, after the first
          // frame (Preact: at most 100 ms). A write right after start would leave a needless banner open.
          setTimeout(() => {
            nudging = true
            m.setConsents({})
            nudging = false
          }, 250)
        },
        ask: () => m.clearConsents(),
        listen: callback => m.on('update', () => nudging || callback())
      },
      options
    )
  }
  const instance = options.orejime || win.orejime
  instance ? attach(instance) : win.document.addEventListener('orejime.loaded', e => attach(e.detail), { once: true })
  return client
}

/** vanilla-cookieconsent 3: runs CookieConsent with `config`; its categories map by name. */
export function cookieconsent(client, config, options = {}) {
  const cc = options.CookieConsent || win.CookieConsent
  const names = () => Object.keys(config.categories)
  const read = () => {
    const accepted = cc.getUserPreferences().acceptedCategories
    return Object.fromEntries(names().map(name => [name, accepted.includes(name)]))
  }
  let running = cc.run(config)
  return connect(
    client,
    {
      items: () => names().map(name => ({ name })),
      read,
      decided: () => cc.validConsent(),
      write(decisions) {
        const now = read()
        cc.acceptCategory(names().filter(name => (name in decisions ? decisions[name] : now[name])))
        cc.hide()
      },
      ask() {
        running = Promise.resolve(running).then(() => {
          cc.reset(true)
          return cc.run(config)
        })
      },
      listen(callback) {
        win.addEventListener('cc:onFirstConsent', callback)
        win.addEventListener('cc:onChange', callback)
      }
    },
    options
  )
}
