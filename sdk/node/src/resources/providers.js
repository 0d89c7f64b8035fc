// client.telephony.providers: carrier credentials (sealed by the service, never shown again).
import { Resource } from "./resource.js";

export class Providers extends Resource {
  static operationIds = {
    list: "listProviders",
    create: "createProvider",
    get: "getProvider",
    update: "updateProvider",
    delete: "deleteProvider",
    sealed: "getSealedProvider",
  };

  list(params, options) {
    return this._paginate("list", "providers", params, options);
  }

  create(body, options) {
    return this._call("create", { body }, options);
  }

  get(id, options) {
    return this._call("get", { id }, options);
  }

  /** Rotates the credentials in place, or changes the label; resolves to the credential
   * as the change left it. */
  update(id, body, options) {
    return this._change("update", { id, body }, options);
  }

  delete(id, options) {
    return this._call("delete", { id }, options);
  }

  /** The credential as stored, sealed, for the service that dials out: a platform key
   * only, acting for the account in `accountId` (the client's, or the call's: a route's
   * account_id). `sealed` is the base64 of a libsodium sealed box of the credentials'
   * JSON; the client does not open it (that takes the sealing private key). */
  sealed(id, options) {
    return this._call("sealed", { id }, options);
  }
}
