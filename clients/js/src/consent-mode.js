/**
 * Google Consent Mode v2: which suite category grants each signal. 'necessary' is always granted.
 * Replace the whole map with the client's `consentMode` option.
 */
export const CONSENT_MODE = {
  ad_storage: 'marketing',
  ad_user_data: 'marketing',
  ad_personalization: 'marketing',
  analytics_storage: 'statistics',
  functionality_storage: 'necessary',
  personalization_storage: 'preferences'
}

/** The Consent Mode signals for a choice; `null` (no choice yet) denies all but necessary ones. */
export function consentModeSignals(categories, map = CONSENT_MODE) {
  const signals = {}
  for (const name in map) {
    signals[name] = map[name] == 'necessary' || (categories && categories[map[name]] === true) ? 'granted' : 'denied'
  }
  return signals
}
