// Type declarations for @privacysuite/client (hand-written; kept equal to src/index.js's exports by a test).

/** The optional categories; "necessary" needs no consent and is always on. */
export interface Categories {
  preferences: boolean
  statistics: boolean
  marketing: boolean
}

export type Category = keyof Categories

/** What the client keeps in localStorage (or the cookie): enough to verify, change and withdraw. */
export interface StoredConsent {
  consentId: string
  version: number
  /** `<keyId>.<base64url HMAC>`: proves the stored consent unaltered, and authorizes change and withdrawal. */
  key: string
  categories: Categories
}

export interface ConsentEvent extends StoredConsent {
  /** Where the state comes from: the visitor's choice (record, change), a withdrawal, a write the previous page
   *  left pending (replay), or storage at start (applied at once, then verified). */
  source: 'record' | 'change' | 'withdraw' | 'replay' | 'storage'
}

/** Why the banner must ask again: the API's verification answer, or storage this client did not write. */
export type ShowReason = 'invalid' | 'expired' | 'outdated_version' | 'superseded' | 'tampered'

export interface PolicyVersion {
  version: string
  /** ISO instant from which it applies. */
  effectiveAt: string
  summary: string
  link: string
  material: boolean
}

/** What start() and verify() found: valid; nothing stored; asked again (a "show" event); not verifiable now. */
export type StartStatus = 'valid' | 'none' | 'asked' | 'unverified'

export type ConsentModeSignal =
  | 'ad_storage'
  | 'ad_user_data'
  | 'ad_personalization'
  | 'analytics_storage'
  | 'functionality_storage'
  | 'personalization_storage'
  | 'security_storage'

/** Consent Mode signal → the category that grants it ('necessary': always granted). */
export type ConsentModeMap = Partial<Record<ConsentModeSignal | string, Category | 'necessary'>>

export interface ClientOptions {
  /** Base URL of the suite's HTTP API, e.g. https://privacy.example.com */
  api: string
  /** The site id the operator registered (register-site event). */
  siteId: string
  /** The banner/policy version shown; must equal the site's registered bannerVersion. */
  bannerVersion: string
  /** Keep the consent in a cookie on this parent domain (e.g. ".example.com") so the site group shares it;
   *  without it the consent stays in localStorage. The cookie is Secure, SameSite=Lax, Path=/. */
  cookieDomain?: string
  /** localStorage key or cookie name. Default "privacysuite". */
  storageKey?: string
  /** Google Consent Mode v2 map, or false to leave gtag alone. Default CONSENT_MODE. */
  consentMode?: ConsentModeMap | false
  /** POST (default: the key travels in the body; falls back to GET where the server has no POST route) or GET. */
  verifyMethod?: 'POST' | 'GET'
  /** Retries after the first attempt, for network errors, 429 and 5xx. Default 4. */
  retries?: number
  /** First backoff in ms, doubled each retry, with jitter (half to all of it). Default 500. */
  retryDelay?: number
  /** Per-attempt timeout in ms (where AbortSignal.timeout exists). Default 10000. */
  timeout?: number
}

export declare class ConsentError extends Error {
  /** HTTP status; 0 for a network failure or a refusal made by the client itself. */
  status: number
  /** The API's error code (validation_failed, origin_not_allowed, invalid_key, too_many_requests, ...), or
   *  network, no_consent, bad_answer, banner_version_mismatch, http_<status>. */
  code: string
  /** The answer's JSON body, when there was one. */
  body: unknown
  /** A 404/405 that is not the suite's own error: the route does not exist on that server. */
  route?: boolean
}

/** What create() returns. */
export interface Client {
  /** The stored consent, or null. */
  readonly consent: StoredConsent | null
  /** navigator.globalPrivacyControl; the browser itself sends Sec-GPC: 1, which the API records. */
  readonly gpc: boolean
  /** Reads storage, replays a write the last page left pending, applies and verifies the stored consent.
   *  Runs once; later calls return the same promise. The adapters call it. */
  start(): Promise<StartStatus>
  /** Records a new consent, or a new version of the stored one (a new one if the stored key is refused). */
  save(categories: Partial<Categories>): Promise<StoredConsent>
  /** Records a new consent (POST /consents). */
  record(categories: Partial<Categories>): Promise<StoredConsent>
  /** A new version of the stored consent (PUT /consents/{id}); rejects with code no_consent if none. */
  change(categories: Partial<Categories>): Promise<StoredConsent>
  /** Withdraws the stored consent; stores the withdrawal's version and key. Rejects with no_consent if none. */
  withdraw(): Promise<StoredConsent>
  /** Verifies the stored consent now (a "show" event when it fails). */
  verify(): Promise<StartStatus>
  /** The privacy policy in effect and the next one published (a material one makes earlier consents outdated). */
  policy(): Promise<{ current?: PolicyVersion; upcoming?: PolicyVersion }>
  on(type: 'consent', listener: (event: ConsentEvent) => void): () => void
  on(type: 'show', listener: (reason: ShowReason) => void): () => void
  on(type: 'error', listener: (error: ConsentError | Error) => void): () => void
}

export declare function create(options: ClientOptions): Client

/** A random UUID (version 4): crypto.randomUUID, or getRandomValues where that is missing (http pages). */
export declare function requestId(): string

export declare const CONSENT_MODE: Readonly<ConsentModeMap>

/** The Consent Mode signals for a choice; null (no choice) denies every signal not mapped to 'necessary'. */
export declare function consentModeSignals(
  categories: Partial<Categories> | null,
  map?: ConsentModeMap
): Record<string, 'granted' | 'denied'>

/** Banner purpose, service or category names → the suite's categories. Unmapped names are ignored. */
export type BannerMap = Record<string, Category>

export declare const BANNER_MAP: Readonly<BannerMap>

export interface AdapterOptions {
  /** Replaces BANNER_MAP. */
  map?: BannerMap
  /** How long (ms) banner events are gathered into one consent version. Default 0 (the next task). */
  fold?: number
}

/** How connect() sees a banner. */
export interface Banner {
  /** What the banner asks about; groups: the purposes a service serves (mapped when the name is not). */
  items(): Array<{ name: string; groups?: string[] }>
  /** The banner's decisions by item name. */
  read(): Record<string, boolean>
  /** Whether the banner holds a complete choice. */
  decided(): boolean
  /** Saves decisions coming from the suite (a withdrawal, a consent from another site of the group). */
  write(decisions: Record<string, boolean>): void
  /** Forgets the banner's choice and shows it again. */
  ask(): void
  /** Calls back when the visitor decides. */
  listen(callback: () => void): void
}

export declare function connect(client: Client, banner: Banner, options?: AdapterOptions): Client

/** Klaro 0.7 (window.klaro unless given). */
export declare function klaro(client: Client, options?: AdapterOptions & { klaro?: unknown; config?: object }): Client

/** Orejime 3 (window.orejime, or the orejime.loaded event, unless given). */
export declare function orejime(client: Client, options?: AdapterOptions & { orejime?: unknown }): Client

/** vanilla-cookieconsent 3: runs CookieConsent (window.CookieConsent unless given) with config. */
export declare function cookieconsent(
  client: Client,
  config: { categories: Record<string, object> } & Record<string, unknown>,
  options?: AdapterOptions & { CookieConsent?: unknown }
): Client
