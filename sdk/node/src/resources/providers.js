// client.telephony.providers: carrier credentials (sealed by the service, never shown again).
import { Resource } from "./resource.js";

export class Providers extends Resource {
  static operationIds = {
    list: "listProviders",
    create: "createProvider",
    get: "getProvider",
    update: "updateProvider",
    delete: "deleteProvider",
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
}
