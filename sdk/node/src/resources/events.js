// client.telephony.events: who changed which credential or number, and when; newest first.
import { Resource } from "./resource.js";

export class Events extends Resource {
  static operationIds = { list: "listEvents" };

  /** Every event matching { object_id, type, since, limit, cursor }, across pages. */
  list(params, options) {
    return this._paginate("list", "events", params, options);
  }
}
