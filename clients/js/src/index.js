export { create, ConsentError, requestId } from './client.js'
export { CONSENT_MODE, consentModeSignals } from './consent-mode.js'
export { BANNER_MAP, connect, klaro, orejime, cookieconsent } from './adapters.js'
