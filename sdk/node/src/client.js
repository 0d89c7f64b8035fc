// The client: its configuration, from options or the KATAVEN_* environment, and the resources.
import { KatavenError } from "./errors.js";
import { Telephony } from "./resources/telephony.js";
import { Transport, checkLimits, checkOptionNames } from "./transport.js";

export const DEFAULT_BASE_URL = "https://api.kataven.ai/v1";
const CLIENT_OPTIONS = ["apiKey", "baseURL", "accountId", "timeout", "maxRetries", "logger"];
const STDERR = { debug: (line) => process.stderr.write(`${line}\n`) };

export class Kataven {
  #options;
  #transport;

  constructor(options = {}) {
    checkOptionNames(options, CLIENT_OPTIONS);
    checkLimits(options);
    const env = process.env;
    const apiKey = options.apiKey || env.KATAVEN_API_KEY;
    if (!apiKey) {
      throw new KatavenError("no API key: set KATAVEN_API_KEY in the environment, or pass { apiKey }");
    }
    const baseURL = options.baseURL || env.KATAVEN_BASE_URL || DEFAULT_BASE_URL;
    if (!canParse(baseURL)) {
      throw new KatavenError(`baseURL is not a URL: ${baseURL}`);
    }
    this.#options = { ...options };
    const transport = new Transport({
      apiKey,
      baseURL,
      // null sends no X-Account-ID (an account key's own account)
      accountId: options.accountId === undefined ? env.KATAVEN_ACCOUNT_ID || null : options.accountId,
      timeout: options.timeout ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      logger: options.logger ?? (env.KATAVEN_LOG?.toLowerCase() === "debug" ? STDERR : null),
    });
    this.#transport = transport;
    this.telephony = new Telephony(transport);
  }

  get baseURL() {
    return this.#transport.baseURL;
  }

  get accountId() {
    return this.#transport.accountId;
  }

  get timeout() {
    return this.#transport.timeout;
  }

  get maxRetries() {
    return this.#transport.maxRetries;
  }

  /** A client like this one with some options changed, e.g. { timeout: 5_000, maxRetries: 0 }. */
  withOptions(options) {
    return new Kataven({ ...this.#options, ...options });
  }
}

function canParse(url) {
  try {
    return Boolean(new URL(url));
  } catch {
    return false;
  }
}
