// The demo shop's glue: loads the banner chosen in the query string, then the two lines a site owner writes.
;(function () {
  var params = new URLSearchParams(location.search)
  var bannerName = params.get('banner') || 'klaro'
  if (['klaro', 'orejime', 'cookieconsent'].indexOf(bannerName) < 0) bannerName = 'klaro'
  var api = params.get('api') || location.origin
  var siteId = params.get('site') || 'local-demo'
  var bannerVersion = 'demo-1'
  var log = []
  window.demo = { log: log, banner: bannerName, siteId: siteId }

  function $(id) { return document.getElementById(id) }
  function status(text) { $('status').textContent = text }
  $('site').textContent = siteId
  $('banner').textContent = bannerName
  document.querySelectorAll('nav a').forEach(function (a) {
    if (a.dataset.banner === bannerName) a.setAttribute('aria-current', 'page')
    var q = new URLSearchParams(location.search)
    q.set('banner', a.dataset.banner)
    a.href = '?' + q
  })

  function load(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script')
      s.src = src
      s.onload = resolve
      s.onerror = function () { reject(new Error('cannot load ' + src)) }
      document.head.appendChild(s)
    })
  }
  function css(href) {
    var l = document.createElement('link')
    l.rel = 'stylesheet'
    l.href = href
    document.head.appendChild(l)
  }

  function showRecord(consent) {
    $('stored').textContent = JSON.stringify(consent, null, 2)
    var url = api + '/v1/sites/' + encodeURIComponent(siteId) + '/consents/' + consent.consentId +
      '/history?key=' + encodeURIComponent(consent.key)
    fetch(url).then(function (r) { return r.json() }).then(function (history) {
      $('record').textContent = JSON.stringify(history, null, 2)
    }).catch(function (e) { $('record').textContent = String(e) })
  }

  var purposes = [
    { name: 'preferences', title: 'Preferences', description: 'Remembers your language and region.' },
    { name: 'statistics', title: 'Statistics', description: 'Counts visits, anonymously.' },
    { name: 'marketing', title: 'Marketing', description: 'Shows you ads elsewhere.' }
  ]

  var banners = {
    klaro: function (suite) {
      window.klaroConfig = {
        version: 1, elementID: 'klaro', storageMethod: 'localStorage', storageName: 'klaro', mustConsent: false,
        acceptAll: true, hideDeclineAll: false, privacyPolicy: '#privacy', lang: 'en',
        translations: { en: { purposes: { preferences: 'Preferences', statistics: 'Statistics', marketing: 'Marketing' } } },
        services: [
          { name: 'language', title: 'Language memory', purposes: ['preferences'] },
          { name: 'matomo', title: 'Matomo', purposes: ['statistics'] },
          { name: 'ads', title: 'Ad network', purposes: ['marketing'] }
        ]
      }
      css('vendor/klaro.css')
      return load('vendor/klaro.js').then(function () {
        PrivacySuite.klaro(suite)
      })
    },
    orejime: function (suite) {
      window.orejimeConfig = {
        privacyPolicyUrl: '#privacy',
        purposes: purposes.map(function (p) { return { id: p.name, title: p.title, description: p.description, cookies: [] } })
      }
      css('vendor/orejime.css')
      PrivacySuite.orejime(suite)
      return load('vendor/orejime.js')
    },
    cookieconsent: function (suite) {
      css('vendor/cookieconsent.css')
      return load('vendor/cookieconsent.js').then(function () {
        var categories = { necessary: { enabled: true, readOnly: true } }
        purposes.forEach(function (p) { categories[p.name] = {} })
        PrivacySuite.cookieconsent(suite, {
          hideFromBots: false,
          categories: categories,
          language: { default: 'en', translations: { en: {
            consentModal: { title: 'We use cookies', description: 'Choose what this shop may store.',
              acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all', showPreferencesBtn: 'Manage preferences' },
            preferencesModal: { title: 'Cookie preferences', acceptAllBtn: 'Accept all', acceptNecessaryBtn: 'Reject all',
              savePreferencesBtn: 'Save preferences', closeIconLabel: 'Close',
              sections: [{ title: 'Necessary', linkedCategory: 'necessary' }].concat(purposes.map(function (p) {
                return { title: p.title, description: p.description, linkedCategory: p.name }
              })) }
          } } }
        })
      })
    }
  }
  var reopen = {
    klaro: function () { window.klaro.show(undefined, true) },
    orejime: function () { window.orejime.prompt() },
    cookieconsent: function () { window.CookieConsent.showPreferences() }
  }

  load('privacy-suite.js').then(function () {
    // The two lines of a site owner: the client, then the adapter (inside banners[...] above).
    var suite = PrivacySuite.create({ api: api, siteId: siteId, bannerVersion: bannerVersion })
    window.demo.suite = suite
    suite.on('consent', function (c) {
      log.push({ type: 'consent', source: c.source, categories: c.categories, version: c.version })
      status('consent ' + c.source + ' (version ' + c.version + ')')
      showRecord(c)
    })
    suite.on('show', function (reason) {
      log.push({ type: 'show', reason: reason })
      status('asking again: ' + reason)
    })
    suite.on('error', function (e) {
      log.push({ type: 'error', status: e.status, code: e.code })
      status('error: ' + e.code)
    })
    $('withdraw').onclick = function () { suite.withdraw().catch(function () {}) }
    $('change').onclick = function () { reopen[bannerName]() }
    return banners[bannerName](suite).then(function () { window.demo.ready = true })
  }).catch(function (e) {
    log.push({ type: 'error', code: 'load', message: String(e) })
    status(String(e))
  })
})()
