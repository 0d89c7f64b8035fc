// client.telephony.numbers: phone numbers, each bound to a credential and pinned to an agent.
import { Resource } from "./resource.js";

export class Numbers extends Resource {
  static operations = {
    list: ["listNumbers", "GET", "/telephony/numbers"],
    create: ["createNumber", "POST", "/telephony/numbers"],
    get: ["getNumber", "GET", "/telephony/numbers/{id}"],
    update: ["updateNumber", "PATCH", "/telephony/numbers/{id}"],
    delete: ["deleteNumber", "DELETE", "/telephony/numbers/{id}"],
  };

  list(params, options) {
    return this._paginate("list", "numbers", params, options);
  }

  create(body, options) {
    return this._call("create", { body }, options);
  }

  get(id, options) {
    return this._call("get", { id }, options);
  }

  update(id, body, options) {
    return this._call("update", { id, body }, options);
  }

  /** Routes the number's calls to agent `agentId`. */
  pin(id, agentId, options) {
    return this.update(id, { agent_id: agentId }, options);
  }

  /** Pins the number to no agent. */
  unpin(id, options) {
    return this.update(id, { agent_id: null }, options);
  }

  delete(id, options) {
    return this._call("delete", { id }, options);
  }
}
