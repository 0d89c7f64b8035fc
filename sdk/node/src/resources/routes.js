// client.telephony.routes: who answers a dialled number, and the credential to dial with;
// for the platform's router, with a platform key.
import { Resource } from "./resource.js";

export class Routes extends Resource {
  static operationIds = { get: "getRoute" };

  /** The route of a registered number ("+12025550123", sent as %2B...): its account,
   * agent, credential and routing rule (`inbound`). The number names its account, so no
   * accountId is needed; one that is sent makes another account's number a NotFoundError. */
  get(e164, options) {
    return this._call("get", { path: { e164 } }, options);
  }
}
